import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { settleExpiredLeases } from '../../src/scheduler/expired-leases.ts'
import { claimDuePosts, findExpiredLeases, findNextRunAt, renewLeases, settleExpiredLease } from '../../src/storage/delivery-repo.ts'
import { extendRateLimit } from '../../src/storage/network-connections-repo.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { DIALECTS, type Dialect } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { startFakeMastodon } from '../helpers/fake-mastodon.ts'
import { buildMastodonChannel } from '../helpers/network-channels.ts'

// The delivery state machine at the storage level, on a clock the test moves: claims, leases that
// run out, and the rules for posts whose worker died mid-send.

const LEASE_MS = 30_000
const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) { __typename ... on PostActionSuccess { post { id } } ... on MutationError { message } }
}`

interface Harness {
  app: TestApp
  apiKey: string
  organizationId: string
  clock: { now: number }
  createPost(channelId: string): Promise<string>
  status(postId: string): Promise<{ status: string; error_message: string | null }>
}

async function setUp(t: TestContext, dialect: Dialect): Promise<Harness> {
  const clock = { now: Date.now() }
  const app = await startTestApp(t, dialect, { now: () => new Date(clock.now), env: { PIGEON_WORKER_LEASE_MS: String(LEASE_MS), PIGEON_MAX_ATTEMPTS: '3' } })
  const tenant = await buildTenant(app.deps, { plan: 'unlimited' })

  return {
    app,
    apiKey: tenant.apiKey,
    organizationId: tenant.organizationId,
    clock,
    async createPost(channelId) {
      const response = await app.graphql(CREATE_POST, { input: { channelId, text: 'State machine', mode: 'shareNow', schedulingType: 'automatic' } }, tenant.apiKey)
      return response.body.data!.createPost.post.id as string
    },
    status: (postId) => app.deps.db.kysely.selectFrom('posts').select(['status', 'error_message']).where('id', '=', postId).executeTakeFirstOrThrow(),
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: delivery state`, () => {
    it('skips rate-limited channels when claiming', async (t) => {
      const { app, organizationId, clock, createPost } = await setUp(t, dialect)
      const limited = await buildChannel(app.deps, organizationId, { webhookUrl: 'https://hooks.example/a' })
      const open = await buildChannel(app.deps, organizationId, { webhookUrl: 'https://hooks.example/b' })
      const limitedPost = await createPost(limited.id)
      const openPost = await createPost(open.id)
      await extendRateLimit(app.deps.db.kysely, limited.id, clock.now + 60_000)

      const claimed = await claimDuePosts(app.deps.db, { workerId: 'worker-a', limit: 10, now: clock.now, leaseMs: LEASE_MS })
      const nextRunAt = await findNextRunAt(app.deps.db)
      const later = await claimDuePosts(app.deps.db, { workerId: 'worker-a', limit: 10, now: clock.now + 60_001, leaseMs: LEASE_MS })

      assert.deepEqual(claimed.map((entry) => entry.post.id), [openPost])
      assert.equal(nextRunAt, clock.now + 60_000)
      assert.deepEqual(later.map((entry) => entry.post.id), [limitedPost])
    })

    it('lets one sweeper settle a lease', async (t) => {
      const { app, organizationId, clock, createPost, status } = await setUp(t, dialect)
      const channel = await buildChannel(app.deps, organizationId, { webhookUrl: 'https://hooks.example/a' })
      const postId = await createPost(channel.id)
      await claimDuePosts(app.deps.db, { workerId: 'worker-dead', limit: 1, now: clock.now, leaseMs: LEASE_MS })
      const now = clock.now + LEASE_MS + 1
      const [lease] = await findExpiredLeases(app.deps.db, now)

      const results = await Promise.all([settleExpiredLease(app.deps.db, { lease: lease!, now, action: 'requeue' }), settleExpiredLease(app.deps.db, { lease: lease!, now, action: 'fail', message: 'lost' })])

      assert.equal(results.filter((settled) => settled).length, 1)
      assert.notEqual((await status(postId)).status, 'sending')
    })

    it('renews only its own leases', async (t) => {
      const { app, organizationId, clock, createPost } = await setUp(t, dialect)
      const channel = await buildChannel(app.deps, organizationId, { webhookUrl: 'https://hooks.example/a' })
      const postId = await createPost(channel.id)
      await claimDuePosts(app.deps.db, { workerId: 'worker-a', limit: 1, now: clock.now, leaseMs: LEASE_MS })

      const stranger = await renewLeases(app.deps.db, { workerId: 'worker-b', postIds: [postId], until: clock.now + 5 * LEASE_MS })
      const owner = await renewLeases(app.deps.db, { workerId: 'worker-a', postIds: [postId], until: clock.now + 5 * LEASE_MS })
      const expired = await findExpiredLeases(app.deps.db, clock.now + 2 * LEASE_MS)

      assert.equal(stranger, 0)
      assert.equal(owner, 1)
      assert.deepEqual(expired, [])
    })

    it('settles crashed sends by channel', async (t) => {
      const { app, organizationId, clock, createPost, status } = await setUp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const webhook = await buildChannel(app.deps, organizationId, { webhookUrl: 'https://hooks.example/a' })
      const mastodonId = await buildMastodonChannel(app.deps, organizationId, mastodon)
      const webhookPost = await createPost(webhook.id)
      const staleMastodonPost = await createPost(mastodonId)
      await claimDuePosts(app.deps.db, { workerId: 'worker-dead', limit: 10, now: clock.now, leaseMs: LEASE_MS })
      clock.now += 30 * 60 * 1000
      const freshMastodonPost = await createPost(mastodonId)
      await claimDuePosts(app.deps.db, { workerId: 'worker-dead', limit: 10, now: clock.now, leaseMs: LEASE_MS })
      clock.now += 40 * 60 * 1000

      const settled = await settleExpiredLeases(app.deps, app.deps.log)

      assert.deepEqual(settled, { requeued: 2, failed: 1 })
      assert.equal((await status(webhookPost)).status, 'scheduled')
      assert.equal((await status(freshMastodonPost)).status, 'scheduled')
      assert.equal((await status(staleMastodonPost)).status, 'error')
      assert.match((await status(staleMastodonPost)).error_message ?? '', /^Outcome unknown: The worker delivering the post stopped/)
    })

    it('fails a crashed send out of attempts', async (t) => {
      const { app, organizationId, clock, createPost, status } = await setUp(t, dialect)
      const channel = await buildChannel(app.deps, organizationId, { webhookUrl: 'https://hooks.example/a' })
      const postId = await createPost(channel.id)

      for (let attempt = 1; attempt <= 3; attempt++) {
        await claimDuePosts(app.deps.db, { workerId: `worker-${attempt}`, limit: 1, now: clock.now, leaseMs: LEASE_MS })
        clock.now += LEASE_MS + 1
        await settleExpiredLeases(app.deps, app.deps.log)
      }

      assert.equal((await status(postId)).status, 'error')
      assert.match((await status(postId)).error_message ?? '', /^Delivery failed after 3 attempts/)
    })
  })
}
