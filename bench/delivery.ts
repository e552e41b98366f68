// Delivery rate of the worker: posts per second delivered to a webhook receiver on 127.0.0.1,
// with one worker process on SQLite and two worker processes on one PostgreSQL database.
//
//   node --import tsx bench/delivery.ts
//
// BENCH_DELIVERY_POSTS sets the number of due posts per case (100–100000, default 5000).
// PIGEON_BENCH_DATABASE_URL (a PostgreSQL server on 127.0.0.1 where the run may create and drop a
// database) adds the PostgreSQL case. Every post is due before the workers start; the clock runs
// from unpausing the queues until the last post is sent, and each post must arrive exactly once.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { createAppDeps } from '../src/app.ts'
import { OPERATOR } from '../src/auth/actor.ts'
import { setQueuePaused } from '../src/channel-settings/channel-settings.ts'
import { loadConfig } from '../src/config/config.ts'
import type { AppDeps } from '../src/deps.ts'
import { newObjectId } from '../src/ids.ts'
import { createLogger } from '../src/logging/logger.ts'
import { insertPost } from '../src/storage/posts-repo.ts'
import { randomBytes } from 'node:crypto'
import { createPostgresBenchDatabase, createSqliteBenchDatabase } from './bench-database.ts'
import { buildChannel, buildTenant } from '../test/helpers/factories.ts'
import { startWorkerProcess, waitUntil, type Cleanup } from '../test/helpers/pigeon-process.ts'

const CHANNELS = 10
const WORKER_ENV = { PIGEON_WORKER_POLL_MS: '100', PIGEON_WORKER_CONCURRENCY: '32', PIGEON_PG_POOL_SIZE: '20', PIGEON_SHUTDOWN_GRACE_S: '0' }

interface CaseResult {
  name: string
  workers: number
  posts: number
  seconds: number
  postsPerSecond: number
}

/** A receiver that answers 200 at once and counts deliveries per webhook-id. */
async function startReceiver(): Promise<{ url: string; counts: Map<string, number>; close(): Promise<void> }> {
  const counts = new Map<string, number>()
  const server = http.createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const id = String(request.headers['webhook-id'])
      counts.set(id, (counts.get(id) ?? 0) + 1)
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

async function runCase(name: string, databaseEnv: Record<string, string>, workerCount: number, postCount: number): Promise<CaseResult> {
  const steps: Array<() => Promise<void>> = []
  const cleanup: Cleanup = (step) => steps.push(step)
  const receiver = await startReceiver()
  const deps = await createAppDeps(loadConfig(databaseEnv), createLogger({ level: 'silent', role: 'bench', version: 'bench' }))
  try {
    const tenant = await buildTenant(deps, { plan: 'unlimited' })
    const channels: string[] = []
    for (let index = 0; index < CHANNELS; index++) {
      const channel = await buildChannel(deps, tenant.organizationId, { service: 'linkedin', webhookUrl: receiver.url })
      await setQueuePaused(deps, OPERATOR, { channelId: channel.id, paused: true })
      channels.push(channel.id)
    }
    await insertDuePosts(deps, tenant.organizationId, channels, postCount)
    for (let index = 0; index < workerCount; index++) await startWorkerProcess(cleanup, { ...databaseEnv, ...WORKER_ENV })

    const started = process.hrtime.bigint()
    for (const channelId of channels) await setQueuePaused(deps, OPERATOR, { channelId, paused: false })
    await waitUntil(async () => (await countSent(deps)) === postCount, `${postCount} posts are sent`, 30 * 60 * 1000)
    const seconds = Number(process.hrtime.bigint() - started) / 1e9

    const repeated = [...receiver.counts.values()].filter((count) => count > 1).length
    if (receiver.counts.size !== postCount || repeated > 0) {
      throw new Error(`${name}: ${receiver.counts.size} distinct posts arrived for ${postCount} sent, ${repeated} of them more than once`)
    }

    return { name, workers: workerCount, posts: postCount, seconds, postsPerSecond: postCount / seconds }
  } finally {
    for (const step of steps.reverse()) await step().catch(() => undefined)
    await deps.db.close()
    await receiver.close()
  }
}

async function insertDuePosts(deps: AppDeps, organizationId: string, channels: string[], postCount: number): Promise<void> {
  for (let start = 0; start < postCount; start += 500) {
    await deps.db.kysely.transaction().execute(async (trx) => {
      for (let index = start; index < Math.min(start + 500, postCount); index++) {
        const now = Date.now()
        await insertPost(
          trx,
          {
            id: newObjectId(),
            organizationId,
            channelId: channels[index % channels.length]!,
            authorAccountId: null,
            status: 'scheduled',
            via: 'api',
            shareMode: 'shareNow',
            schedulingType: 'automatic',
            dueAt: now,
            isCustomScheduled: false,
            sharedNow: true,
            needsApproval: false,
            text: `Benchmark post ${index}`,
            assets: [],
            metadata: null,
            ideaId: null,
            draftId: null,
            source: null,
            aiAssisted: false,
            sentAt: null,
            externalLink: null,
            remoteId: null,
            errorMessage: null,
            errorRaw: null,
            runAt: now,
            attempts: 0,
            createdAt: now,
            updatedAt: now,
          },
          [],
        )
      }
    })
  }
}

async function countSent(deps: AppDeps): Promise<number> {
  const row = await deps.db.kysely.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('count')).where('status', '=', 'sent').executeTakeFirstOrThrow()
  return Number(row.count)
}

function parsePostCount(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 5000
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 100 || value > 100_000) throw new Error(`BENCH_DELIVERY_POSTS="${raw}" is invalid; use a whole number from 100 to 100000`)

  return value
}

async function main(): Promise<void> {
  const postCount = parsePostCount(process.env.BENCH_DELIVERY_POSTS)
  const postgresUrl = process.env.PIGEON_BENCH_DATABASE_URL
  const results: CaseResult[] = []

  const sqlite = await createSqliteBenchDatabase()
  try {
    results.push(await runCase('SQLite', sqlite.env, 1, postCount))
  } finally {
    await sqlite.drop()
  }
  if (postgresUrl !== undefined && postgresUrl !== '') {
    const postgres = await createPostgresBenchDatabase(postgresUrl)
    try {
      // Every process on one PostgreSQL database needs the same credentials key; any key will do here.
      results.push(await runCase('PostgreSQL', { ...postgres.env, PIGEON_CREDENTIALS_KEY: randomBytes(32).toString('hex') }, 2, postCount))
    } finally {
      await postgres.drop()
    }
  }

  console.log(`Delivery rate to a webhook receiver on 127.0.0.1 (${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}); ${CHANNELS} channels, worker concurrency ${WORKER_ENV.PIGEON_WORKER_CONCURRENCY}:\n`)
  console.log('| database | workers | posts | seconds | posts/s |')
  console.log('|---|---:|---:|---:|---:|')
  for (const result of results) console.log(`| ${result.name} | ${result.workers} | ${result.posts} | ${result.seconds.toFixed(1)} | ${Math.round(result.postsPerSecond)} |`)
}

await main()
