import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildServer } from '../../src/api/http/server.ts'
import { OPERATOR } from '../../src/auth/actor.ts'
import { connectBluesky } from '../../src/channel-settings/network-connections.ts'
import { mastodonIdempotencyKey } from '../../src/channels/mastodon/mastodon-channel.ts'
import type { AppDeps } from '../../src/deps.ts'
import { findNetworkCredentials } from '../../src/storage/network-connections-repo.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { startFakeBluesky } from '../helpers/fake-bluesky.ts'
import { startFakeMastodon } from '../helpers/fake-mastodon.ts'
import { buildBlueskyChannel, buildMastodonChannel } from '../helpers/network-channels.ts'
import { createCleanup, killWorker, setUpSharedDatabase, startWorkerProcess, waitUntil } from '../helpers/pigeon-process.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) { __typename ... on PostActionSuccess { post { id } } ... on MutationError { message } }
}`

const GET_POST = 'query GetPost($id: PostId!) { post(input: { id: $id }) { id status sentAt externalLink error { message } } }'

const GET_CHANNEL = 'query GetChannel($id: ChannelId!) { channel(input: { id: $id }) { id isDisconnected } }'

/** Settings of an in-process app: quick retries and a short network timeout for the hanging fakes. */
const FAST_RETRIES = { PIGEON_NETWORK_TIMEOUT_MS: '500', PIGEON_RETRY_BASE_MS: '200', PIGEON_WORKER_POLL_MS: '100' }

async function createPost(app: TestApp, key: string, channelId: string, text: string): Promise<string> {
  const response = await app.graphql(CREATE_POST, { input: { channelId, text, mode: 'shareNow', schedulingType: 'automatic' } }, key)
  return postIdOf(response.body)
}

async function createPostOverHttp(url: string, key: string, channelId: string, text: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: CREATE_POST, variables: { input: { channelId, text, mode: 'shareNow', schedulingType: 'automatic' } } }),
  })
  return postIdOf(await response.json())
}

function postIdOf(body: any): string {
  const payload = body?.data?.createPost
  if (payload?.__typename !== 'PostActionSuccess') throw new Error(`createPost failed: ${JSON.stringify(body)}`)

  return payload.post.id as string
}

async function readPost(app: TestApp, key: string, postId: string): Promise<Record<string, any>> {
  return (await app.graphql(GET_POST, { id: postId }, key)).body.data!.post as Record<string, any>
}

/** Waits for the post's status in the database, then reads it once through the API. */
async function waitForStatus(app: TestApp, key: string, postId: string, status: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  await waitUntil(async () => (await statusOf(app.deps, postId)) === status, `post ${postId} is ${status}`, timeoutMs)

  return readPost(app, key, postId)
}

async function attemptsOf(deps: AppDeps, postId: string) {
  return deps.db.kysely.selectFrom('delivery_attempts').select(['attempt', 'worker_id', 'outcome', 'summary', 'remote_key']).where('post_id', '=', postId).orderBy('attempt').execute()
}

async function statusOf(deps: AppDeps, postId: string): Promise<string> {
  return (await deps.db.kysely.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirstOrThrow()).status
}

async function countSending(deps: AppDeps): Promise<number> {
  const row = await deps.db.kysely.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('count')).where('status', '=', 'sending').executeTakeFirstOrThrow()
  return Number(row.count)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: delivery faults`, () => {
    it('publishes once across a SIGKILL mid-send', async (t) => {
      const cleanup = createCleanup(t)
      const { database, deps } = await setUpSharedDatabase(dialect, cleanup)
      const mastodon = await startFakeMastodon(t)
      const bluesky = await startFakeBluesky(t)
      const receiver = await startWebhookReceiver(t)
      const tenant = await buildTenant(deps, { plan: 'unlimited' })
      const mastodonId = await buildMastodonChannel(deps, tenant.organizationId, mastodon)
      const blueskyId = await buildBlueskyChannel(deps, tenant.organizationId, bluesky)
      const webhook = await buildChannel(deps, tenant.organizationId, { service: 'linkedin', webhookUrl: receiver.url })
      // The first write to each network is stored and then gets no response, so the worker is
      // mid-send, with the post on the network, when it is killed.
      mastodon.script.add('statuses', { kind: 'acceptThenHang' })
      bluesky.script.add('createRecord', { kind: 'acceptThenHang' })
      const env = { ...database.env, PIGEON_WORKER_POLL_MS: '100', PIGEON_WORKER_LEASE_MS: '3000', PIGEON_WEBHOOK_TIMEOUT_MS: '1000', PIGEON_NETWORK_TIMEOUT_MS: '60000', PIGEON_RETRY_BASE_MS: '200', PIGEON_SHUTDOWN_GRACE_S: '0' }
      // The API runs in this process and the workers in children, all on one database.
      const server = await buildServer(deps)
      const url = await server.listen({ host: '127.0.0.1', port: 0 })
      cleanup(() => server.close())
      const first = await startWorkerProcess(cleanup, env)

      const post = (channelId: string, text: string) => createPostOverHttp(url, tenant.apiKey, channelId, text)
      const crashedOnMastodon = await post(mastodonId, 'Sent across a crash to Mastodon')
      const crashedOnBluesky = await post(blueskyId, 'Sent across a crash to Bluesky')
      await waitUntil(async () => mastodon.statuses.length === 1 && bluesky.records.length === 1 && (await statusOf(deps, crashedOnMastodon)) === 'sending' && (await statusOf(deps, crashedOnBluesky)) === 'sending', 'both networks hold a write the worker is waiting on', 20_000)
      const others = [await post(mastodonId, 'Another Mastodon post'), await post(blueskyId, 'Another Bluesky post'), await post(webhook.id, 'A webhook post')]
      await killWorker(first)
      const statesAfterKill = [await statusOf(deps, crashedOnMastodon), await statusOf(deps, crashedOnBluesky)]
      const second = await startWorkerProcess(cleanup, env)
      const all = [crashedOnMastodon, crashedOnBluesky, ...others]
      await waitUntil(async () => (await Promise.all(all.map((id) => statusOf(deps, id)))).every((status) => status === 'sent'), 'every post is sent', 30_000)
      await new Promise((resolve) => setTimeout(resolve, 500))

      const mastodonAttempts = await attemptsOf(deps, crashedOnMastodon)
      const blueskyAttempts = await attemptsOf(deps, crashedOnBluesky)
      const key = mastodonIdempotencyKey(crashedOnMastodon, 0)
      assert.equal(first.child.signalCode, 'SIGKILL')
      assert.deepEqual(statesAfterKill, ['sending', 'sending'])
      assert.deepEqual(mastodon.statuses.map((status) => status.text).sort(), ['Another Mastodon post', 'Sent across a crash to Mastodon'])
      assert.deepEqual(bluesky.records.map((record) => record.value.text).sort(), ['Another Bluesky post', 'Sent across a crash to Bluesky'])
      assert.equal(receiver.received.length, 1)
      assert.equal(await countSending(deps), 0)
      assert.deepEqual(mastodonAttempts.map((attempt) => attempt.outcome), ['abandoned', 'delivered'])
      assert.equal(mastodonAttempts[0]!.worker_id, first.workerId)
      assert.equal(mastodonAttempts[1]!.worker_id, second.workerId)
      assert.equal(mastodonAttempts[1]!.remote_key, key)
      assert.equal(mastodon.requests.filter((entry) => entry.headers['idempotency-key'] === key).length, 2)
      assert.deepEqual(blueskyAttempts.map((attempt) => attempt.outcome), ['abandoned', 'delivered'])
    })

    it('repeats an unanswered write idempotently', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true, env: FAST_RETRIES })
      const mastodon = await startFakeMastodon(t)
      const bluesky = await startFakeBluesky(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const mastodonId = await buildMastodonChannel(app.deps, tenant.organizationId, mastodon)
      const blueskyId = await buildBlueskyChannel(app.deps, tenant.organizationId, bluesky)
      mastodon.script.add('statuses', { kind: 'acceptThenHang' })
      bluesky.script.add('createRecord', { kind: 'acceptThenHang' })

      const onMastodon = await createPost(app, tenant.apiKey, mastodonId, 'Accepted, then silence')
      const onBluesky = await createPost(app, tenant.apiKey, blueskyId, 'Accepted, then silence')
      const posts = [await waitForStatus(app, tenant.apiKey, onMastodon, 'sent'), await waitForStatus(app, tenant.apiKey, onBluesky, 'sent')]
      await new Promise((resolve) => setTimeout(resolve, 500))

      assert.equal(mastodon.statuses.length, 1)
      assert.equal(bluesky.records.length, 1)
      assert.equal(posts[0]!.externalLink, mastodon.statuses[0]!.url)
      for (const postId of [onMastodon, onBluesky]) {
        const attempts = await attemptsOf(app.deps, postId)
        assert.deepEqual(attempts.map((attempt) => attempt.outcome), ['unknown', 'delivered'])
        assert.match(attempts[0]!.summary ?? '', /did not respond/)
      }
    })

    it('fails an unknown outcome past the key window', async (t) => {
      let clock = Date.now()
      const app = await startTestApp(t, dialect, { worker: true, env: FAST_RETRIES, now: () => new Date(clock) })
      const mastodon = await startFakeMastodon(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const mastodonId = await buildMastodonChannel(app.deps, tenant.organizationId, mastodon)
      mastodon.script.add('statuses', { kind: 'acceptThenHang' }, { kind: 'acceptThenHang' })

      const postId = await createPost(app, tenant.apiKey, mastodonId, 'Lost in the network')
      await waitUntil(async () => (await attemptsOf(app.deps, postId)).some((attempt) => attempt.outcome === 'unknown'), 'the first attempt timed out', 20_000)
      clock += 2 * 60 * 60 * 1000
      const post = await waitForStatus(app, tenant.apiKey, postId, 'error')

      assert.match(post.error.message, /^Outcome unknown: /)
      assert.match(post.error.message, /only one hour/)
      assert.match(post.error.message, /Check the channel for the post/)
      assert.equal(mastodon.statuses.length, 1)
      assert.deepEqual((await attemptsOf(app.deps, postId)).map((attempt) => attempt.outcome), ['unknown', 'unknown'])
    })

    it('retries a 500 and publishes once', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true, env: FAST_RETRIES })
      const mastodon = await startFakeMastodon(t)
      const bluesky = await startFakeBluesky(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const mastodonId = await buildMastodonChannel(app.deps, tenant.organizationId, mastodon)
      const blueskyId = await buildBlueskyChannel(app.deps, tenant.organizationId, bluesky)
      mastodon.script.add('statuses', { kind: 'fail', status: 500 })
      bluesky.script.add('createRecord', { kind: 'fail', status: 500 })

      const onMastodon = await createPost(app, tenant.apiKey, mastodonId, 'Server error first')
      const onBluesky = await createPost(app, tenant.apiKey, blueskyId, 'Server error first')
      await waitForStatus(app, tenant.apiKey, onMastodon, 'sent')
      await waitForStatus(app, tenant.apiKey, onBluesky, 'sent')

      assert.equal(mastodon.statuses.length, 1)
      assert.equal(bluesky.records.length, 1)
      const [mastodonFirst] = await attemptsOf(app.deps, onMastodon)
      const [blueskyFirst] = await attemptsOf(app.deps, onBluesky)
      assert.match(mastodonFirst!.summary ?? '', /Mastodon returned HTTP 500 while publishing item 1/)
      assert.match(blueskyFirst!.summary ?? '', /Bluesky returned HTTP 500 while writing item 1/)
    })

    it('holds a rate-limited channel only', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true, env: FAST_RETRIES })
      const mastodon = await startFakeMastodon(t)
      const bluesky = await startFakeBluesky(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const mastodonId = await buildMastodonChannel(app.deps, tenant.organizationId, mastodon)
      const blueskyId = await buildBlueskyChannel(app.deps, tenant.organizationId, bluesky)
      mastodon.script.add('statuses', { kind: 'rateLimit', retryAfterSeconds: 3 })

      const limited = await createPost(app, tenant.apiKey, mastodonId, 'Hit the limit')
      await waitUntil(async () => (await channelLimit(app.deps, mastodonId)) !== null, 'the channel is rate-limited', 20_000)
      const limitedAt = mastodon.requests.find((entry) => entry.path === '/api/v1/statuses')!.at
      const queued = await createPost(app, tenant.apiKey, mastodonId, 'Waits for the limit')
      const elsewhere = await createPost(app, tenant.apiKey, blueskyId, 'Not held back')
      await waitForStatus(app, tenant.apiKey, elsewhere, 'sent')
      const blueskySentAt = Date.now()
      const limitedPost = await waitForStatus(app, tenant.apiKey, limited, 'sent')
      await waitForStatus(app, tenant.apiKey, queued, 'sent')

      const statusRequests = mastodon.requests.filter((entry) => entry.path === '/api/v1/statuses')
      assert.ok(blueskySentAt < limitedAt + 3000, 'the Bluesky post went out while Mastodon was rate-limited')
      assert.equal(statusRequests.length, 3)
      assert.ok(statusRequests.slice(1).every((entry) => entry.at >= limitedAt + 2900), 'no Mastodon request before Retry-After passed')
      assert.equal(mastodon.statuses.length, 2)
      assert.equal(limitedPost.error, null)
      const [firstAttempt] = await attemptsOf(app.deps, limited)
      assert.match(firstAttempt!.summary ?? '', /rate-limited the account while publishing item 1 \(HTTP 429\)/)
    })

    it('refreshes an expired session', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true, env: FAST_RETRIES })
      const bluesky = await startFakeBluesky(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const blueskyId = await buildBlueskyChannel(app.deps, tenant.organizationId, bluesky)
      const storedBefore = await findNetworkCredentials(app.deps.db.kysely, blueskyId)
      bluesky.expireAccessTokens()

      const postId = await createPost(app, tenant.apiKey, blueskyId, 'After a refresh')
      await waitForStatus(app, tenant.apiKey, postId, 'sent')
      const channel = (await app.graphql(GET_CHANNEL, { id: blueskyId }, tenant.apiKey)).body.data!.channel

      assert.equal(bluesky.records.length, 1)
      assert.notEqual(await findNetworkCredentials(app.deps.db.kysely, blueskyId), storedBefore)
      assert.equal(channel.isDisconnected, false)
    })

    it('fails due posts when the refresh is refused', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true, env: FAST_RETRIES })
      const bluesky = await startFakeBluesky(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const blueskyId = await buildBlueskyChannel(app.deps, tenant.organizationId, bluesky)
      bluesky.expireAccessTokens()
      bluesky.revokeRefreshTokens()

      const postIds = [await createPost(app, tenant.apiKey, blueskyId, 'Needs a reconnect'), await createPost(app, tenant.apiKey, blueskyId, 'Also waits')]
      const posts = [await waitForStatus(app, tenant.apiKey, postIds[0]!, 'error'), await waitForStatus(app, tenant.apiKey, postIds[1]!, 'error')]
      const disconnected = (await app.graphql(GET_CHANNEL, { id: blueskyId }, tenant.apiKey)).body.data!.channel
      const reconnected = await connectBluesky(app.deps, OPERATOR, { channelId: blueskyId, identifier: bluesky.handle, appPassword: bluesky.appPassword, service: bluesky.url })
      const after = (await app.graphql(GET_CHANNEL, { id: blueskyId }, tenant.apiKey)).body.data!.channel

      assert.equal(bluesky.records.length, 0)
      for (const post of posts) assert.match(post.error.message, /^Reconnect required: /)
      assert.ok(posts.some((post) => /refused to refresh the session of pigeon\.test/.test(post.error.message)))
      assert.equal(disconnected.isDisconnected, true)
      assert.ok(reconnected.ok)
      assert.equal(after.isDisconnected, false)
      assert.equal(await countSending(app.deps), 0)
    })

    it('asks to reconnect a revoked Mastodon token', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true, env: FAST_RETRIES })
      const mastodon = await startFakeMastodon(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const mastodonId = await buildMastodonChannel(app.deps, tenant.organizationId, mastodon)
      for (const token of mastodon.validTokens()) mastodon.revokeToken(token)

      const postId = await createPost(app, tenant.apiKey, mastodonId, 'Token revoked')
      const post = await waitForStatus(app, tenant.apiKey, postId, 'error')

      assert.match(post.error.message, /^Reconnect required: Mastodon rejected the access token while publishing item 1 \(HTTP 401: The access token is invalid\)/)
      assert.equal(mastodon.statuses.length, 0)
    })
  })
}

async function channelLimit(deps: AppDeps, channelId: string): Promise<number | null> {
  const row = await deps.db.kysely.selectFrom('channels').select('rate_limited_until').where('id', '=', channelId).executeTakeFirstOrThrow()
  return row.rate_limited_until
}
