import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { buildChannel, buildTenant } from '../../test/helpers/factories.ts'
import { verifyApiKey } from '../auth/api-keys.ts'
import { findPostById } from '../storage/posts-repo.ts'
import { createPost } from './create-post.ts'
import { getPost } from './get-post.ts'
import { retryPost } from './retry-post.ts'

async function setUp(t: Parameters<typeof startTestApp>[0], dialect: (typeof DIALECTS)[number], options: { connected: boolean }) {
  const app = await startTestApp(t, dialect)
  const tenant = await buildTenant(app.deps)
  const verified = await verifyApiKey(app.deps, tenant.apiKey)
  if (!verified.ok) throw new Error('the tenant key does not verify')
  const channel = await buildChannel(app.deps, tenant.organizationId, options.connected ? { webhookUrl: 'http://127.0.0.1:9/hook' } : {})
  const created = await createPost(app.deps, verified.value, { channelId: channel.id, mode: 'addToQueue', schedulingType: 'automatic', dueAt: null, text: 'will fail', assets: [], metadata: null, tagIds: null, ideaId: null, draftId: null, saveToDraft: null, needsApproval: false, source: null, aiAssisted: null })
  if (!created.ok) throw new Error(created.error.message)

  return { deps: app.deps, actor: verified.value, postId: created.value.id, tenant }
}

async function markFailed(deps: Awaited<ReturnType<typeof setUp>>['deps'], postId: string): Promise<void> {
  await deps.db.kysely.updateTable('posts').set({ status: 'error', attempts: 6, error_message: 'Delivery failed after 6 attempts.' }).where('id', '=', postId).execute()
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: retryPost`, () => {
    it('schedules a failed post now from attempt one', async (t) => {
      const { deps, actor, postId } = await setUp(t, dialect, { connected: true })
      await markFailed(deps, postId)

      const retried = await retryPost(deps, actor, postId)
      const post = await findPostById(deps.db.kysely, postId)

      assert.equal(retried.ok, true)
      assert.equal(post?.status, 'scheduled')
      assert.equal(post?.attempts, 0)
      assert.equal(post?.errorMessage, null)
      assert.ok(Math.abs(post!.dueAt! - Date.now()) < 5000)
    })

    it('refuses a post that has not failed', async (t) => {
      const { deps, actor, postId } = await setUp(t, dialect, { connected: true })

      const retried = await retryPost(deps, actor, postId)

      assert.equal(!retried.ok && retried.error.code, 'POST_NOT_EDITABLE')
    })

    it('refuses while the channel cannot deliver', async (t) => {
      const { deps, actor, postId } = await setUp(t, dialect, { connected: false })
      await markFailed(deps, postId)

      const retried = await retryPost(deps, actor, postId)

      assert.equal(!retried.ok && retried.error.code, 'CHANNEL_NOT_CONNECTED')
      assert.equal((await findPostById(deps.db.kysely, postId))?.status, 'error')
    })

    it('hides another account\'s post', async (t) => {
      const { deps, postId } = await setUp(t, dialect, { connected: true })
      await markFailed(deps, postId)
      const other = await buildTenant(deps)
      const otherActor = await verifyApiKey(deps, other.apiKey)
      assert.ok(otherActor.ok)

      const retried = await retryPost(deps, otherActor.value, postId)
      const read = await getPost(deps, otherActor.value, postId)

      assert.equal(!retried.ok && retried.error.code, 'POST_NOT_FOUND')
      assert.equal(!read.ok && read.error.code, 'POST_NOT_FOUND')
    })
  })
}
