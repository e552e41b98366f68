import type { Actor } from '../auth/actor.ts'
import { canAccessOrganization } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { findChannelById, lockChannelQueue } from '../storage/channels-repo.ts'
import { findPostById, replacePostTags, resetDeliveryState, updatePost, type PostRecord } from '../storage/posts-repo.ts'
import { invalidInput, postNotFound, type PostError } from './post-errors.ts'
import { checkText, normalizeAssets, type AssetInput, type SchedulingType, type ShareMode, type StoredAsset } from './post-input.ts'
import { checkDueAt, checkIdeaId, checkMetadata, checkScheduledPostLimit, checkTagIds } from './post-rules.ts'
import { findNextFreeSlot, isQueued, reslotQueue } from './queue.ts'
import { noFreeSlot } from './create-post.ts'
import { validatePostForNetwork } from './validate-for-network.ts'

/**
 * An editPost request. A field that is absent (undefined) keeps its value; Buffer's rules for
 * null apply: `text: null` clears the text, `mode: null` leaves scheduling unchanged.
 */
export interface EditPostCommand {
  id: string
  text?: string | null
  assets?: readonly AssetInput[] | null
  metadata?: Record<string, unknown> | null
  mode?: ShareMode | null
  schedulingType?: SchedulingType | null
  dueAt?: Date | null
  tagIds?: readonly string[] | null
  ideaId?: string | null
  draftId?: string | null
  saveToDraft?: boolean | null
  approvalChange?: 'request' | 'revert' | null
  source?: string | null
  aiAssisted?: boolean | null
}

/**
 * Edits a post that has not been sent. Changing `mode` reschedules it (a failed post is scheduled
 * again from its first attempt); `saveToDraft` moves it to or from drafts. The channel's queue is
 * re-slotted when a queued post leaves it.
 */
export async function editPost(deps: AppDeps, actor: Actor, input: EditPostCommand): Promise<Result<PostRecord, PostError>> {
  const now = deps.now()
  const existing = await findPostById(deps.db.kysely, input.id)
  if (existing === undefined || !canAccessOrganization(actor, existing.organizationId)) return err(postNotFound(input.id))
  if (existing.status === 'sent' || existing.status === 'sending') {
    return err({
      code: 'POST_NOT_EDITABLE',
      message: existing.status === 'sent' ? `Post ${existing.id} was already sent and can no longer be edited.` : `Post ${existing.id} is being sent right now; try again in a minute.`,
    })
  }

  const updated = await applyContentChanges(deps, existing, input)
  if (!updated.ok) return updated
  const post = updated.value.post
  const channel = (await findChannelById(deps.db.kysely, post.channelId))!
  const network = validatePostForNetwork({ service: channel.service, text: post.text, assets: post.assets as StoredAsset[], metadata: post.metadata })
  if (!network.ok) return network
  const wasQueued = isQueued(existing)
  const scheduling = applyStatusChanges(post, existing, input, now)
  if (!scheduling.ok) return scheduling
  if (post.status === 'scheduled' && existing.status !== 'scheduled') {
    const limit = await checkScheduledPostLimit(deps.db.kysely, post.organizationId)
    if (!limit.ok) return limit
  }

  const saved = await deps.db.kysely.transaction().execute(async (trx) => {
    await lockChannelQueue(trx, deps.db.dialect, channel.id)
    if (scheduling.value.reschedule && post.status === 'scheduled') {
      const due = post.shareMode === 'customScheduled' ? post.dueAt : post.shareMode === 'shareNow' ? now.getTime() : (await findNextFreeSlot(trx, channel, now))?.getTime() ?? null
      if (due === null) return err(noFreeSlot(channel.id))
      post.dueAt = due
      post.runAt = due
    }
    await updatePost(trx, post)
    if (existing.status === 'error' && post.status === 'scheduled') await resetDeliveryState(trx, post.id)
    if (updated.value.tagIds !== null) await replacePostTags(trx, post.id, updated.value.tagIds)

    const nowQueued = isQueued(post)
    if (post.shareMode === 'shareNext' && scheduling.value.reschedule && nowQueued) {
      await reslotQueue(trx, channel, { from: now, orderedIds: [post.id], now: now.getTime() })
    } else if (wasQueued && !nowQueued) {
      await reslotQueue(trx, channel, { from: now, now: now.getTime() })
    }

    return ok((await findPostById(trx, post.id))!)
  })
  if (saved.ok) deps.log.info({ postId: post.id, status: saved.value.status, dueAt: saved.value.dueAt }, 'post edited')

  return saved
}

async function applyContentChanges(
  deps: AppDeps,
  existing: PostRecord,
  input: EditPostCommand,
): Promise<Result<{ post: PostRecord; tagIds: string[] | null }, PostError>> {
  const post: PostRecord = { ...existing, updatedAt: deps.now().getTime() }

  if (input.text !== undefined) {
    const text = checkText(input.text ?? '')
    if (!text.ok) return text
    post.text = text.value
  }
  if (input.assets !== undefined) {
    const assets = normalizeAssets(input.assets ?? [])
    if (!assets.ok) return assets
    post.assets = assets.value
  }
  if (input.metadata !== undefined) post.metadata = mergeMetadata(existing.metadata, input.metadata)
  if (post.text.trim() === '' && post.assets.length === 0) return err(invalidInput('text', 'Text is required when the post has no assets.', 'CONTENT_MISSING'))
  const metadata = checkMetadata(post.metadata, post.text, post.assets as Parameters<typeof checkMetadata>[2])
  if (!metadata.ok) return metadata

  if (input.ideaId !== undefined && input.ideaId !== null) {
    const idea = await checkIdeaId(deps.db.kysely, existing.organizationId, input.ideaId)
    if (!idea.ok) return idea
    post.ideaId = input.ideaId
  }
  if (input.draftId !== undefined && input.draftId !== null) post.draftId = input.draftId
  if (input.source !== undefined && input.source !== null) post.source = input.source
  if (input.aiAssisted !== undefined && input.aiAssisted !== null) post.aiAssisted = input.aiAssisted
  if (input.schedulingType !== undefined && input.schedulingType !== null) post.schedulingType = input.schedulingType

  let tagIds: string[] | null = null
  if (input.tagIds !== undefined && input.tagIds !== null) {
    const checked = await checkTagIds(deps.db.kysely, existing.organizationId, input.tagIds)
    if (!checked.ok) return checked
    tagIds = checked.value
  }

  return ok({ post, tagIds })
}

/** Service metadata merges per service: fields left out keep their stored value. */
function mergeMetadata(existing: Record<string, unknown> | null, changes: Record<string, unknown> | null): Record<string, unknown> | null {
  if (changes === null) return existing
  const merged: Record<string, unknown> = { ...(existing ?? {}) }
  for (const [service, value] of Object.entries(changes)) {
    const previous = merged[service]
    merged[service] =
      value !== null && typeof value === 'object' && previous !== null && typeof previous === 'object'
        ? { ...(previous as Record<string, unknown>), ...(value as Record<string, unknown>) }
        : value
  }

  return merged
}

function applyStatusChanges(post: PostRecord, existing: PostRecord, input: EditPostCommand, now: Date): Result<{ reschedule: boolean }, PostError> {
  if (input.approvalChange === 'request') {
    if (existing.status !== 'draft') return err(invalidInput('approvalChange', `Only drafts can be sent for approval; post ${existing.id} is ${existing.status}.`))
    post.status = 'needs_approval'
    post.needsApproval = true
    return ok({ reschedule: false })
  }
  if (input.approvalChange === 'revert') {
    if (existing.status !== 'needs_approval') return err(invalidInput('approvalChange', `Post ${existing.id} is not awaiting approval; it is ${existing.status}.`))
    post.status = 'draft'
    post.needsApproval = false
    return ok({ reschedule: false })
  }

  if (input.saveToDraft === true) {
    post.status = 'draft'
    post.runAt = null
    if (!post.isCustomScheduled) post.dueAt = null
    return ok({ reschedule: false })
  }

  const mode = input.mode ?? null
  const leavesDraft = input.saveToDraft === false && (existing.status === 'draft' || existing.status === 'needs_approval')
  if (mode === null && !leavesDraft) {
    if (input.dueAt !== undefined && input.dueAt !== null) {
      return err(invalidInput('dueAt', 'dueAt is only read together with mode customScheduled; send mode as well.'))
    }
    return ok({ reschedule: false })
  }

  const nextMode = mode ?? (post.shareMode as ShareMode)
  const dueAt = input.dueAt ?? (mode === null && nextMode === 'customScheduled' && post.dueAt !== null ? new Date(post.dueAt) : null)
  const timing = checkDueAt(nextMode, dueAt, now)
  if (!timing.ok) return timing

  if (existing.status === 'needs_approval' && input.saveToDraft !== false) {
    // Approval is outside the public API, so a post awaiting it only changes its requested timing.
    post.shareMode = nextMode
    post.isCustomScheduled = nextMode === 'customScheduled'
    post.dueAt = dueAt?.getTime() ?? null
    return ok({ reschedule: false })
  }

  post.status = existing.status === 'draft' && input.saveToDraft !== false ? 'draft' : 'scheduled'
  post.shareMode = nextMode
  post.isCustomScheduled = nextMode === 'customScheduled'
  post.sharedNow = nextMode === 'shareNow'
  post.dueAt = dueAt?.getTime() ?? null
  post.needsApproval = false
  post.errorMessage = null
  post.errorRaw = null

  return ok({ reschedule: post.status === 'scheduled' })
}
