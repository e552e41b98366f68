import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OPERATOR } from '../../src/auth/actor.ts'
import { setQueuePaused } from '../../src/channel-settings/channel-settings.ts'
import type { AppDeps } from '../../src/deps.ts'
import { newObjectId } from '../../src/ids.ts'
import { insertPost, type PostRecord } from '../../src/storage/posts-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { createCleanup, setUpSharedDatabase, startWorkerProcess, waitUntil } from '../helpers/pigeon-process.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

// Two worker processes on one PostgreSQL database with many posts due in the same minute. The
// receiver counts webhook-ids, which are one per post, so a post delivered twice shows up as a
// repeated id.
const POST_COUNT = 10_000
const CHANNEL_COUNT = 10

describe('postgres: two worker processes', { skip: !DIALECTS.includes('postgres') && 'needs PIGEON_TEST_DATABASE_URL' }, () => {
  it(`deliver ${POST_COUNT} due posts once each`, { timeout: 240_000 }, async (t) => {
    const cleanup = createCleanup(t)
    const { database, deps } = await setUpSharedDatabase('postgres', cleanup)
    const receiver = await startWebhookReceiver(t)
    const tenant = await buildTenant(deps, { plan: 'unlimited' })
    const channels: string[] = []
    for (let index = 0; index < CHANNEL_COUNT; index++) {
      const channel = await buildChannel(deps, tenant.organizationId, { service: 'linkedin', webhookUrl: receiver.url })
      // Paused queues keep every post unclaimed until both workers are polling.
      await setQueuePaused(deps, OPERATOR, { channelId: channel.id, paused: true })
      channels.push(channel.id)
    }

    const createStarted = Date.now()
    const postIds = await insertDuePosts(deps, tenant.organizationId, tenant.accountId, channels)
    const createMs = Date.now() - createStarted
    const env = { ...database.env, PIGEON_WORKER_POLL_MS: '100', PIGEON_WORKER_CONCURRENCY: '32', PIGEON_PG_POOL_SIZE: '20', PIGEON_SHUTDOWN_GRACE_S: '0' }
    const workers = [await startWorkerProcess(cleanup, env), await startWorkerProcess(cleanup, env)]
    const deliverStarted = Date.now()
    for (const channelId of channels) await setQueuePaused(deps, OPERATOR, { channelId, paused: false })
    await waitUntil(async () => (await countByStatus('sent')) === POST_COUNT, `all ${POST_COUNT} posts are sent`, 180_000)
    const deliverMs = Date.now() - deliverStarted
    await new Promise((resolve) => setTimeout(resolve, 1000))

    const ids = receiver.received.map((delivery) => delivery.id)
    const perWorker = await deps.db.kysely
      .selectFrom('delivery_attempts')
      .select(['worker_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('post_id', 'in', deps.db.kysely.selectFrom('posts').select('id').where('channel_id', 'in', channels))
      .groupBy('worker_id')
      .execute()
    t.diagnostic(`stored ${POST_COUNT} due posts in ${createMs} ms; delivered them in ${deliverMs} ms (${Math.round((POST_COUNT * 1000) / deliverMs)} posts/s)`)
    t.diagnostic(`attempts per worker: ${perWorker.map((row) => `${row.worker_id}=${row.count}`).join(', ')}`)

    assert.equal(postIds.length, POST_COUNT)
    assert.equal(ids.length, POST_COUNT)
    assert.equal(new Set(ids).size, POST_COUNT)
    assert.deepEqual(new Set(ids), new Set(postIds.map((id) => `msg_${id}`)))
    assert.equal(await countByStatus('sending'), 0)
    assert.equal(await countByStatus('error'), 0)
    assert.deepEqual(perWorker.map((row) => row.worker_id).sort(), workers.map((worker) => worker.workerId).sort())
    assert.equal(perWorker.reduce((sum, row) => sum + Number(row.count), 0), POST_COUNT)

    async function countByStatus(status: string): Promise<number> {
      const row = await deps.db.kysely
        .selectFrom('posts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('status', '=', status)
        .where('channel_id', 'in', channels)
        .executeTakeFirstOrThrow()
      return Number(row.count)
    }
  })
})

/**
 * Stores the posts as createPost does for shareNow (scheduled, automatic, due at once), in
 * transactions of 500. Creating 10,000 posts through the API takes longer than delivering them,
 * and creation is not what this test measures.
 */
async function insertDuePosts(deps: AppDeps, organizationId: string, accountId: string, channels: string[]): Promise<string[]> {
  const ids: string[] = []
  for (let start = 0; start < POST_COUNT; start += 500) {
    await deps.db.kysely.transaction().execute(async (trx) => {
      for (let index = start; index < Math.min(start + 500, POST_COUNT); index++) {
        const now = Date.now()
        const post: PostRecord = {
          id: newObjectId(),
          organizationId,
          channelId: channels[index % channels.length]!,
          authorAccountId: accountId,
          status: 'scheduled',
          via: 'api',
          shareMode: 'shareNow',
          schedulingType: 'automatic',
          dueAt: now,
          isCustomScheduled: false,
          sharedNow: true,
          needsApproval: false,
          text: `Post ${index}`,
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
        }
        await insertPost(trx, post, [])
        ids.push(post.id)
      }
    })
  }

  return ids
}
