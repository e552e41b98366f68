import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { buildChannel, buildTenant } from '../../test/helpers/factories.ts'
import type { ApiKeyActor } from '../auth/actor.ts'
import { verifyApiKey } from '../auth/api-keys.ts'
import { createPost, type CreatePostCommand } from '../posts/create-post.ts'
import { findChannelById } from '../storage/channels-repo.ts'
import { findPostById } from '../storage/posts-repo.ts'
import { describeChannelRemoval, removeChannel } from './remove-channel.ts'

function command(channelId: string, overrides: Partial<CreatePostCommand> = {}): CreatePostCommand {
  return { channelId, mode: 'addToQueue', schedulingType: 'automatic', dueAt: null, text: 'text', assets: [], metadata: null, tagIds: null, ideaId: null, draftId: null, saveToDraft: null, needsApproval: false, source: null, aiAssisted: null, ...overrides }
}

async function setUp(t: Parameters<typeof startTestApp>[0], dialect: (typeof DIALECTS)[number]) {
  const app = await startTestApp(t, dialect)
  const tenant = await buildTenant(app.deps)
  const verified = await verifyApiKey(app.deps, tenant.apiKey)
  if (!verified.ok) throw new Error('the tenant key does not verify')
  const channel = await buildChannel(app.deps, tenant.organizationId)

  return { deps: app.deps, actor: verified.value as ApiKeyActor, channel }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: removeChannel`, () => {
    it('counts what removal deletes', async (t) => {
      const { deps, actor, channel } = await setUp(t, dialect)
      await createPost(deps, actor, command(channel.id))
      await createPost(deps, actor, command(channel.id, { mode: 'customScheduled', dueAt: new Date(Date.now() + 86_400_000) }))
      await createPost(deps, actor, command(channel.id, { saveToDraft: true }))
      const sent = await createPost(deps, actor, command(channel.id))
      assert.ok(sent.ok)
      await deps.db.kysely.updateTable('posts').set({ status: 'sent' }).where('id', '=', sent.value.id).execute()

      const summary = await describeChannelRemoval(deps, actor, channel.id)

      assert.equal(summary.ok, true)
      assert.deepEqual(summary.ok && { unpublished: summary.value.unpublished, drafts: summary.value.drafts, sending: summary.value.sending, history: summary.value.history }, { unpublished: 2, drafts: 1, sending: 0, history: 1 })
      assert.ok(await findChannelById(deps.db.kysely, channel.id), 'describing changes nothing')
    })

    it('deletes the channel and every post on it', async (t) => {
      const { deps, actor, channel } = await setUp(t, dialect)
      const queued = await createPost(deps, actor, command(channel.id))
      assert.ok(queued.ok)

      const removed = await removeChannel(deps, actor, channel.id)

      assert.equal(removed.ok && removed.value.unpublished, 1)
      assert.equal(await findChannelById(deps.db.kysely, channel.id), undefined)
      assert.equal(await findPostById(deps.db.kysely, queued.value.id), undefined)
    })

    it('hides another account\'s channel', async (t) => {
      const { deps, actor } = await setUp(t, dialect)
      const other = await buildTenant(deps)
      const foreign = await buildChannel(deps, other.organizationId)

      const described = await describeChannelRemoval(deps, actor, foreign.id)
      const removed = await removeChannel(deps, actor, foreign.id)

      assert.equal(!described.ok && described.error.code, 'CHANNEL_NOT_FOUND')
      assert.equal(!removed.ok && removed.error.code, 'CHANNEL_NOT_FOUND')
      assert.ok(await findChannelById(deps.db.kysely, foreign.id))
    })
  })
}
