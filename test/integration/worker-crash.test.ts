import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import readline from 'node:readline'
import { describe, it, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createAppDeps } from '../../src/app.ts'
import { loadConfig } from '../../src/config/config.ts'
import type { AppDeps } from '../../src/deps.ts'
import { createLogger } from '../../src/logging/logger.ts'
import { DIALECTS, createTestDatabase, type Dialect, type TestDatabase } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'

const PIGEON_BIN = fileURLToPath(new URL('../../bin/pigeon.js', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Short enough that the restarted worker takes over the abandoned post within a few seconds. */
const LEASE_MS = 4000
/** Half the lease, the most Pigeon accepts. The first worker must not time out before the test kills it. */
const WEBHOOK_TIMEOUT_MS = LEASE_MS / 2
const STARTUP_TIMEOUT_MS = 30_000
const WORKER_CONCURRENCY = 8
const POST_COUNT = 200

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { id status } }
    ... on MutationError { message }
  }
}`

const SET_QUEUE_PAUSED = `mutation SetQueuePaused($input: SetChannelQueuePausedInput!) {
  setChannelQueuePaused(input: $input) {
    __typename
    ... on MutationError { message }
  }
}`

type Cleanup = (step: () => Promise<void>) => void

/** A `pigeon serve` child process and the URL and worker id its startup log reported. */
interface PigeonProcess {
  child: ChildProcess
  /** Base URL of the HTTP server, or null when the web role does not run. */
  url: string | null
  /** Id of the delivery worker, or null when the worker role does not run. */
  workerId: string | null
  /** Parsed JSON log lines of standard output, kept for failure messages. */
  logs: Array<Record<string, unknown>>
  /** Resolves when the process has exited. */
  exited: Promise<void>
}

/** A webhook receiver on 127.0.0.1 that either leaves requests without a response or responds 200. */
interface WebhookReceiver {
  url: string
  /** The webhook-id header of every request, in arrival order. */
  ids: string[]
  /** Responses not yet sent, for requests received while the mode is 'hold'. */
  pendingResponses: Set<http.ServerResponse>
  setMode(mode: 'hold' | 'respond'): void
}

/**
 * Returns a function that registers cleanup steps, run in reverse order when the test ends.
 * t.after runs hooks in registration order, which would drop the database before the children
 * that use it are stopped.
 */
function createCleanup(t: TestContext): Cleanup {
  const steps: Array<() => Promise<void>> = []
  t.after(async () => {
    const failures: unknown[] = []
    for (const step of steps.reverse()) {
      try {
        await step()
      } catch (error) {
        failures.push(error)
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, 'cleanup failed')
  })

  return (step) => {
    steps.push(step)
  }
}

/** Creates a migrated database, plus deps on it for the factories and for reading post state. */
async function setUpDatabase(dialect: Dialect, cleanup: Cleanup): Promise<{ database: TestDatabase; deps: AppDeps }> {
  const database = await createTestDatabase(dialect)
  cleanup(() => database.drop())
  const config = loadConfig({ ...database.env })
  const deps = await createAppDeps(config, createLogger({ level: 'silent', role: 'test', version: 'test' }))
  cleanup(() => deps.db.close())

  return { database, deps }
}

/** Environment of a child: the database and short worker timings, and nothing else from this process's Pigeon settings. */
function childEnv(database: TestDatabase): Record<string, string> {
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR', 'LANG'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])),
  )

  return {
    ...inherited,
    ...database.env,
    PIGEON_HOST: '127.0.0.1',
    PIGEON_PORT: '0',
    LOG_LEVEL: 'info',
    PIGEON_WORKER_POLL_MS: '100',
    PIGEON_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
    PIGEON_WORKER_LEASE_MS: String(LEASE_MS),
    PIGEON_WEBHOOK_TIMEOUT_MS: String(WEBHOOK_TIMEOUT_MS),
    PIGEON_SHUTDOWN_GRACE_S: '0',
  }
}

/**
 * Spawns `pigeon serve --roles <roles>` and waits until its log reports the server listening and
 * the worker started, for the roles it runs. Rejects when the process exits first or does not
 * start within STARTUP_TIMEOUT_MS.
 */
async function startPigeon(cleanup: Cleanup, env: Record<string, string>, roles: string): Promise<PigeonProcess> {
  const child = spawn(process.execPath, [PIGEON_BIN, 'serve', '--roles', roles], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  cleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })

  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const runsWeb = roles.split(',').includes('web')
  const runsWorker = roles.split(',').includes('worker')
  let url: string | null = null
  let workerId: string | null = null
  const logs: Array<Record<string, unknown>> = []

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pigeon serve did not start within ${STARTUP_TIMEOUT_MS} ms; stderr: ${stderr.slice(-2000)}`)), STARTUP_TIMEOUT_MS)
    const fail = () => {
      clearTimeout(timer)
      reject(new Error(`pigeon serve exited during startup (code ${child.exitCode}, signal ${child.signalCode}); stderr: ${stderr.slice(-2000)}`))
    }
    child.once('exit', fail)
    let started = false
    // The listener stays for the child's lifetime, so its output never fills the pipe.
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = parseLogLine(line)
      if (entry === null) return
      logs.push(entry)
      if (entry.msg === 'server listening') url = String(entry.url)
      if (entry.msg === 'worker started') workerId = String(entry.workerId)
      if (!started && (url !== null || !runsWeb) && (workerId !== null || !runsWorker)) {
        started = true
        clearTimeout(timer)
        child.off('exit', fail)
        resolve()
      }
    })
  })

  return { child, url, workerId, logs, exited }
}

/** Lists a child's warn and error log lines (pino levels 40 and up), for failure messages. */
function describeProblems(pigeon: PigeonProcess): string {
  const problems = pigeon.logs.filter((entry) => Number(entry.level) >= 40).slice(0, 5)

  return problems.length === 0 ? 'no warnings or errors logged' : problems.map((entry) => JSON.stringify(entry)).join('\n')
}

function parseLogLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return null
  }
}

async function startReceiver(cleanup: Cleanup, mode: 'hold' | 'respond'): Promise<WebhookReceiver> {
  const ids: string[] = []
  const pendingResponses = new Set<http.ServerResponse>()
  let current = mode

  const server = http.createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      ids.push(String(request.headers['webhook-id']))
      if (current === 'hold') {
        pendingResponses.add(response)
        response.on('close', () => pendingResponses.delete(response))
        return
      }
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ id: `remote-${ids.length}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const { port } = server.address() as AddressInfo

  return { url: `http://127.0.0.1:${port}/hook`, ids, pendingResponses, setMode: (next) => (current = next) }
}

async function waitUntil(condition: () => Promise<boolean> | boolean, description: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function readStatus(deps: AppDeps, postId: string): Promise<string | undefined> {
  const row = await deps.db.kysely.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirst()

  return row?.status
}

async function countOpenAttempts(deps: AppDeps, postId: string): Promise<number> {
  const row = await deps.db.kysely
    .selectFrom('delivery_attempts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('post_id', '=', postId)
    .where('finished_at', 'is', null)
    .executeTakeFirstOrThrow()

  return Number(row.count)
}

async function countByStatus(deps: AppDeps, status: string): Promise<number> {
  const row = await deps.db.kysely
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow()

  return Number(row.count)
}

/** POSTs a GraphQL document to a child's /graphql and returns the one mutation's payload. */
async function sendGraphql(url: string, apiKey: string, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
  })
  const body = (await response.json()) as { data?: Record<string, Record<string, any>> | null }
  const payload = Object.values(body.data ?? {})[0]
  if (payload === undefined) throw new Error(`GraphQL request failed with HTTP ${response.status}: ${JSON.stringify(body)}`)

  return payload
}

async function createPostOverHttp(url: string, apiKey: string, input: Record<string, unknown>): Promise<string> {
  const payload = await sendGraphql(url, apiKey, CREATE_POST, { input })
  if (payload.__typename !== 'PostActionSuccess') throw new Error(`createPost returned ${JSON.stringify(payload)}`)

  return payload.post.id as string
}

async function setQueuePausedOverHttp(url: string, apiKey: string, channelId: string, paused: boolean): Promise<void> {
  const payload = await sendGraphql(url, apiKey, SET_QUEUE_PAUSED, { input: { channelId, paused } })
  if (payload.__typename !== 'ChannelActionSuccess') throw new Error(`setChannelQueuePaused returned ${JSON.stringify(payload)}`)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: worker crash`, () => {
    it('redelivers after SIGKILL mid-send', async (t) => {
      const cleanup = createCleanup(t)
      const { database, deps } = await setUpDatabase(dialect, cleanup)
      const receiver = await startReceiver(cleanup, 'hold')
      const tenant = await buildTenant(deps)
      const channel = await buildChannel(deps, tenant.organizationId, { webhookUrl: receiver.url })
      const env = childEnv(database)

      const first = await startPigeon(cleanup, env, 'web,worker')
      const postId = await createPostOverHttp(first.url!, tenant.apiKey, { channelId: channel.id, mode: 'shareNow', schedulingType: 'automatic', text: 'Sent across a crash' })
      await waitUntil(async () => receiver.pendingResponses.size === 1 && (await readStatus(deps, postId)) === 'sending', 'the first worker is sending the post', 15_000)
      first.child.kill('SIGKILL')
      await first.exited
      const statusAfterKill = await readStatus(deps, postId)
      receiver.setMode('respond')
      const second = await startPigeon(cleanup, env, 'web,worker')
      // The worker marks the post sent before it closes the attempt row, in a separate statement.
      await waitUntil(
        async () => (await readStatus(deps, postId)) === 'sent' && (await countOpenAttempts(deps, postId)) === 0,
        'the restarted worker has sent the post and recorded the attempt',
        LEASE_MS + 20_000,
      )

      const post = await deps.db.kysely.selectFrom('posts').select(['attempts', 'lease_owner']).where('id', '=', postId).executeTakeFirstOrThrow()
      const attempts = await deps.db.kysely
        .selectFrom('delivery_attempts')
        .select(['attempt', 'worker_id', 'outcome', 'finished_at'])
        .where('post_id', '=', postId)
        .orderBy('attempt')
        .execute()

      assert.equal(first.child.signalCode, 'SIGKILL')
      assert.equal(statusAfterKill, 'sending')
      assert.equal(receiver.ids.length, 2)
      assert.equal(receiver.ids[0], `msg_${postId}`)
      assert.equal(receiver.ids[1], receiver.ids[0])
      // A receiver that publishes each webhook-id once publishes this post once.
      assert.equal(new Set(receiver.ids).size, 1)
      assert.equal(await countByStatus(deps, 'sending'), 0)
      assert.equal(post.attempts, 2)
      assert.equal(post.lease_owner, null)
      assert.equal(attempts.length, 2)
      assert.equal(attempts[0]!.worker_id, first.workerId)
      assert.equal(attempts[0]!.outcome, 'abandoned')
      assert.notEqual(attempts[0]!.finished_at, null)
      assert.equal(attempts[1]!.worker_id, second.workerId)
      assert.equal(attempts[1]!.outcome, 'delivered')
    })

    it('two workers deliver each post once', async (t) => {
      const cleanup = createCleanup(t)
      const { database, deps } = await setUpDatabase(dialect, cleanup)
      const receiver = await startReceiver(cleanup, 'respond')
      // The unlimited plan's API quota covers the 200 createPost requests.
      const tenant = await buildTenant(deps, { plan: 'unlimited' })
      const channel = await buildChannel(deps, tenant.organizationId, { webhookUrl: receiver.url })
      const env = childEnv(database)
      const web = await startPigeon(cleanup, env, 'web')
      // The paused queue keeps every post unclaimed until both workers are polling.
      await setQueuePausedOverHttp(web.url!, tenant.apiKey, channel.id, true)
      const postIds: string[] = []
      for (let index = 0; index < POST_COUNT; index += 1) {
        postIds.push(await createPostOverHttp(web.url!, tenant.apiKey, { channelId: channel.id, mode: 'shareNow', schedulingType: 'automatic', text: `Post ${index}` }))
      }

      const workers = await Promise.all([startPigeon(cleanup, env, 'worker'), startPigeon(cleanup, env, 'worker')])
      await setQueuePausedOverHttp(web.url!, tenant.apiKey, channel.id, false)
      await waitUntil(async () => (await countByStatus(deps, 'sent')) === POST_COUNT, `all ${POST_COUNT} posts are sent`, 60_000)
      // A duplicate claim would deliver within one poll interval of the first delivery.
      await new Promise((resolve) => setTimeout(resolve, 1000))

      const counts = new Map<string, number>()
      for (const id of receiver.ids) counts.set(id, (counts.get(id) ?? 0) + 1)
      const duplicates = [...counts].filter(([, count]) => count > 1).map(([id]) => id)
      const missing = postIds.filter((id) => !counts.has(`msg_${id}`))
      const attempts = await deps.db.kysely.selectFrom('delivery_attempts').select(['post_id', 'worker_id', 'started_at']).execute()
      const workerIds = new Set(attempts.map((attempt) => attempt.worker_id))
      // One claim stamps all its attempt rows with the same worker and start time.
      const claimSizes = new Map<string, number>()
      for (const attempt of attempts) {
        const claim = `${attempt.worker_id}@${attempt.started_at}`
        claimSizes.set(claim, (claimSizes.get(claim) ?? 0) + 1)
      }
      const largestClaim = Math.max(...claimSizes.values())

      assert.deepEqual(duplicates, [])
      assert.deepEqual(missing, [])
      assert.equal(receiver.ids.length, POST_COUNT)
      assert.equal(counts.size, POST_COUNT)
      assert.equal(await countByStatus(deps, 'sending'), 0)
      assert.equal(attempts.length, POST_COUNT)
      assert.ok(largestClaim <= WORKER_CONCURRENCY, `one claim took ${largestClaim} posts; the limit is ${WORKER_CONCURRENCY}`)
      // Both workers took part, so the test exercised concurrent claims.
      assert.ok(workerIds.has(workers[0].workerId!), `worker ${workers[0].workerId} claimed no post; ${describeProblems(workers[0])}`)
      assert.ok(workerIds.has(workers[1].workerId!), `worker ${workers[1].workerId} claimed no post; ${describeProblems(workers[1])}`)
    })
  })
}
