import type { Actor } from '../auth/actor.ts'
import { canAccessOrganization } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { findChannelById, lockChannelQueue } from '../storage/channels-repo.ts'
import { deletePostById, findPostById } from '../storage/posts-repo.ts'
import { postNotFound, type PostError } from './post-errors.ts'
import { isQueued, reslotQueue } from './queue.ts'

/**
 * Deletes a post of any status. When it was queued, the posts behind it move up one slot each.
 * A post being sent at that moment may still reach the network; the worker's result is dropped.
 */
export async function deletePost(deps: AppDeps, actor: Actor, postId: string): Promise<Result<{ id: string }, PostError>> {
  const post = await findPostById(deps.db.kysely, postId)
  if (post === undefined || !canAccessOrganization(actor, post.organizationId)) return err(postNotFound(postId))

  const now = deps.now()
  const wasQueued = isQueued(post)
  const deleted = await deps.db.kysely.transaction().execute(async (trx) => {
    await lockChannelQueue(trx, deps.db.dialect, post.channelId)
    const removed = await deletePostById(trx, post.id)
    if (removed && wasQueued) {
      const channel = await findChannelById(trx, post.channelId)
      if (channel !== undefined) await reslotQueue(trx, channel, { from: now, now: now.getTime() })
    }
    return removed
  })
  if (!deleted) return err(postNotFound(postId))
  deps.log.info({ postId, channelId: post.channelId, status: post.status }, 'post deleted')

  return ok({ id: post.id })
}
