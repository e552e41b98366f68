import { planLimits } from '../accounts/plans.ts'
import type { Actor } from '../auth/actor.ts'
import { canAccessOrganization } from '../auth/actor.ts'
import { err, ok, type Result } from '../errors/result.ts'
import type { Executor } from '../storage/executor.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import { findChannelById } from '../storage/channels-repo.ts'
import { findIdeaById } from '../storage/ideas-repo.ts'
import { countScheduledPosts } from '../storage/posts-repo.ts'
import { findTagsByIds } from '../storage/tags-repo.ts'
import { channelNotFound, invalidInput, type PostError } from './post-errors.ts'
import type { ShareMode, StoredAsset } from './post-input.ts'

/** Loads a channel the actor may post to; another tenant's channel reads as not found. */
export async function loadChannelForActor(db: Executor, actor: Actor, channelId: string): Promise<Result<ChannelRecord, PostError>> {
  const channel = await findChannelById(db, channelId)
  if (channel === undefined || !canAccessOrganization(actor, channel.organizationId)) return err(channelNotFound(channelId))

  return ok(channel)
}

/** Checks that every tag id exists in the organization; the message names the first unknown one. */
export async function checkTagIds(db: Executor, organizationId: string, tagIds: readonly string[]): Promise<Result<string[], PostError>> {
  const unique = [...new Set(tagIds)]
  const tags = await findTagsByIds(db, unique)
  const known = new Set(tags.filter((tag) => tag.organizationId === organizationId).map((tag) => tag.id))
  const unknown = unique.find((id) => !known.has(id))
  if (unknown !== undefined) return err(invalidInput('tagIds', `Tag ${unknown} was not found in this organization.`))

  return ok(unique)
}

export async function checkIdeaId(db: Executor, organizationId: string, ideaId: string): Promise<Result<string, PostError>> {
  const idea = await findIdeaById(db, ideaId)
  if (idea === undefined || idea.organizationId !== organizationId) {
    return err(invalidInput('ideaId', `Idea ${ideaId} was not found in this organization.`))
  }

  return ok(ideaId)
}

/** Checks the scheduled-post cap of the organization's plan. */
export async function checkScheduledPostLimit(db: Executor, organizationId: string): Promise<Result<void, PostError>> {
  const organizations = await db.selectFrom('organizations').select('plan').where('id', '=', organizationId).executeTakeFirst()
  const limit = planLimits(organizations?.plan ?? 'free').scheduledPosts
  const scheduled = await countScheduledPosts(db, organizationId)
  if (scheduled >= limit) {
    return err({
      code: 'LIMIT_REACHED',
      message: `This organization already has ${scheduled} scheduled posts, the most its plan allows (${limit}). Wait for some to be sent, delete some, or save this one as a draft.`,
    })
  }

  return ok(undefined)
}

/** Checks the time rules of a share mode: customScheduled needs a future dueAt, the others none. */
export function checkDueAt(mode: ShareMode, dueAt: Date | null, now: Date): Result<void, PostError> {
  if (mode === 'customScheduled') {
    if (dueAt === null) return err(invalidInput('dueAt', 'dueAt is required when mode is customScheduled.'))
    if (dueAt.getTime() <= now.getTime()) {
      return err(invalidInput('dueAt', `dueAt ${dueAt.toISOString()} is not in the future (now is ${now.toISOString()}); pick a later time or use mode shareNow.`, 'DUE_AT_NOT_IN_FUTURE'))
    }
    return ok(undefined)
  }
  if (dueAt !== null) {
    return err(invalidInput('dueAt', `dueAt is only used with mode customScheduled; remove it or set mode to customScheduled (mode is ${mode}).`))
  }

  return ok(undefined)
}

type ThreadItem = { text?: string | null }

/**
 * Checks the service metadata against the post: a thread's first item must repeat the post text,
 * and a link attachment cannot be combined with assets.
 */
export function checkMetadata(
  metadata: Record<string, unknown> | null,
  text: string,
  assets: readonly StoredAsset[],
): Result<void, PostError> {
  if (metadata === null) return ok(undefined)

  for (const [service, value] of Object.entries(metadata)) {
    if (value === null || typeof value !== 'object') continue
    const serviceMetadata = value as { thread?: ThreadItem[] | null; linkAttachment?: unknown }
    const thread = serviceMetadata.thread
    if (Array.isArray(thread) && thread.length > 0 && (thread[0]?.text ?? '') !== text) {
      return err(invalidInput(`metadata.${service}.thread[0].text`, `The first thread item must have the same text as the post (metadata.${service}.thread[0].text differs from text).`))
    }
    if (serviceMetadata.linkAttachment !== undefined && serviceMetadata.linkAttachment !== null && assets.some((asset) => asset.type !== 'link')) {
      return err(invalidInput(`metadata.${service}.linkAttachment`, `metadata.${service}.linkAttachment cannot be combined with media assets; remove one of them.`))
    }
  }

  return ok(undefined)
}
