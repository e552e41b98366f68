import type { Actor } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { lockChannelQueue } from '../storage/channels-repo.ts'
import { findPostById, insertPost, type PostRecord, type PostStatus } from '../storage/posts-repo.ts'
import { invalidInput, type PostError } from './post-errors.ts'
import { checkText, normalizeAssets, type AssetInput, type SchedulingType, type ShareMode } from './post-input.ts'
import { checkDueAt, checkIdeaId, checkMetadata, checkScheduledPostLimit, checkTagIds, loadChannelForActor } from './post-rules.ts'
import { findNextFreeSlot, reslotQueue } from './queue.ts'
import { validatePostForNetwork } from './validate-for-network.ts'

/** A createPost request, shaped like Buffer's CreatePostInput with dates already parsed. */
export interface CreatePostCommand {
  channelId: string
  mode: ShareMode
  schedulingType: SchedulingType
  dueAt: Date | null
  text: string | null
  assets: readonly AssetInput[]
  metadata: Record<string, unknown> | null
  tagIds: readonly string[] | null
  ideaId: string | null
  draftId: string | null
  saveToDraft: boolean | null
  needsApproval: boolean
  source: string | null
  aiAssisted: boolean | null
}

/**
 * Creates a post on a channel the actor can reach. Drafts and posts awaiting approval are stored
 * without publishing; other posts are scheduled by their share mode: addToQueue takes the next
 * free slot, shareNext goes to the front of the queue (the rest move back a slot each), shareNow
 * is due at once, customScheduled keeps its dueAt. Nothing is stored when a check fails.
 */
export async function createPost(deps: AppDeps, actor: Actor, input: CreatePostCommand): Promise<Result<PostRecord, PostError>> {
  const now = deps.now()
  const channelResult = await loadChannelForActor(deps.db.kysely, actor, input.channelId)
  if (!channelResult.ok) return channelResult
  const channel = channelResult.value
  if (channel.isLocked) {
    return err(invalidInput('channelId', `Channel ${channel.id} is locked because the organization is over its channel limit; unlock it or post to another channel.`))
  }

  const text = checkText(input.text ?? '')
  if (!text.ok) return text
  const assets = normalizeAssets(input.assets)
  if (!assets.ok) return assets
  if (text.value.trim() === '' && assets.value.length === 0) return err(invalidInput('text', 'Text is required when the post has no assets.', 'CONTENT_MISSING'))
  const metadata = checkMetadata(input.metadata, text.value, assets.value)
  if (!metadata.ok) return metadata
  const network = validatePostForNetwork({ service: channel.service, text: text.value, assets: assets.value, metadata: input.metadata })
  if (!network.ok) return network
  const timing = checkDueAt(input.mode, input.dueAt, now)
  if (!timing.ok) return timing
  if (input.needsApproval && input.saveToDraft === false) {
    return err(invalidInput('needsApproval', 'needsApproval: true creates a draft awaiting approval, so it cannot be combined with saveToDraft: false.'))
  }

  const tagIds = await checkTagIds(deps.db.kysely, channel.organizationId, input.tagIds ?? [])
  if (!tagIds.ok) return tagIds
  if (input.ideaId !== null) {
    const idea = await checkIdeaId(deps.db.kysely, channel.organizationId, input.ideaId)
    if (!idea.ok) return idea
  }

  const status: PostStatus = input.needsApproval ? 'needs_approval' : input.saveToDraft === true ? 'draft' : 'scheduled'
  if (status !== 'draft') {
    const limit = await checkScheduledPostLimit(deps.db.kysely, channel.organizationId)
    if (!limit.ok) return limit
  }

  const post: PostRecord = {
    id: newObjectId(now),
    organizationId: channel.organizationId,
    channelId: channel.id,
    authorAccountId: actor.accountId,
    status,
    via: 'api',
    shareMode: input.mode,
    schedulingType: input.schedulingType,
    dueAt: input.mode === 'customScheduled' ? input.dueAt!.getTime() : null,
    isCustomScheduled: input.mode === 'customScheduled',
    sharedNow: input.mode === 'shareNow',
    needsApproval: input.needsApproval,
    text: text.value,
    assets: assets.value,
    metadata: input.metadata,
    ideaId: input.ideaId,
    draftId: input.draftId,
    source: input.source,
    aiAssisted: input.aiAssisted ?? false,
    sentAt: null,
    externalLink: null,
    remoteId: null,
    errorMessage: null,
    errorRaw: null,
    runAt: null,
    attempts: 0,
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
  }

  const created = await deps.db.kysely.transaction().execute(async (trx) => {
    await lockChannelQueue(trx, deps.db.dialect, channel.id)
    if (status === 'scheduled') {
      const due = await initialDueAt(trx, channel, input.mode, post.dueAt, now)
      if (due === null) return err(noFreeSlot(channel.id))
      post.dueAt = due
      post.runAt = due
    }
    await insertPost(trx, post, tagIds.value)
    if (status === 'scheduled' && input.mode === 'shareNext') {
      await reslotQueue(trx, channel, { from: now, orderedIds: [post.id], now: now.getTime() })
    }

    return ok((await findPostById(trx, post.id))!)
  })
  if (created.ok) {
    deps.log.info({ postId: post.id, channelId: channel.id, mode: input.mode, status, dueAt: created.value.dueAt }, 'post created')
  }

  return created
}

async function initialDueAt(
  db: Parameters<typeof findNextFreeSlot>[0],
  channel: Parameters<typeof findNextFreeSlot>[1],
  mode: ShareMode,
  customDueAt: number | null,
  now: Date,
): Promise<number | null> {
  if (mode === 'shareNow') return now.getTime()
  if (mode === 'customScheduled') return customDueAt

  // shareNext also starts from the first free slot; re-slotting then moves the queue back.
  const slot = await findNextFreeSlot(db, channel, now)
  return slot === null ? null : slot.getTime()
}

export function noFreeSlot(channelId: string): PostError {
  return {
    code: 'NO_FREE_SLOT',
    message: `Channel ${channelId} has no free posting time in the next year: add times to its posting schedule, unpause its days, or use mode customScheduled.`,
  }
}
