import type { Actor } from '../auth/actor.ts'
import { canAccessOrganization } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { findChannelById, lockChannelQueue } from '../storage/channels-repo.ts'
import { findPostById, listQueuedPosts, type PostRecord } from '../storage/posts-repo.ts'
import { postNotFound, type PostError } from './post-errors.ts'
import { isQueued, reslotQueue } from './queue.ts'

/** Moves a queued post to the top or bottom of its channel's queue and re-slots the queue. */
export async function movePostInQueue(
  deps: AppDeps,
  actor: Actor,
  input: { id: string; position: 'top' | 'bottom' },
): Promise<Result<PostRecord, PostError>> {
  const post = await findPostById(deps.db.kysely, input.id)
  if (post === undefined || !canAccessOrganization(actor, post.organizationId)) return err(postNotFound(input.id))
  if (!isQueued(post)) {
    const reason = post.isCustomScheduled ? 'it has a custom time' : post.sharedNow ? 'it is shared now' : `its status is ${post.status}`
    return err({ code: 'POST_NOT_EDITABLE', message: `Post ${post.id} is not in a queue (${reason}); only queued posts can be moved.` })
  }

  const now = deps.now()
  const moved = await deps.db.kysely.transaction().execute(async (trx) => {
    await lockChannelQueue(trx, deps.db.dialect, post.channelId)
    const channel = (await findChannelById(trx, post.channelId))!
    const others = (await listQueuedPosts(trx, channel.id)).map((queued) => queued.id).filter((id) => id !== post.id)
    const order = input.position === 'top' ? [post.id, ...others] : [...others, post.id]
    await reslotQueue(trx, channel, { from: now, orderedIds: order, now: now.getTime() })

    return (await findPostById(trx, post.id))!
  })
  deps.log.info({ postId: post.id, position: input.position, dueAt: moved.dueAt }, 'post moved in queue')

  return ok(moved)
}
