import type { Actor } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, type Result } from '../errors/result.ts'
import { findChannelById } from '../storage/channels-repo.ts'
import type { PostRecord } from '../storage/posts-repo.ts'
import { editPost } from './edit-post.ts'
import { getPost } from './get-post.ts'
import type { PostError } from './post-errors.ts'

export type RetryPostError = PostError | { code: 'CHANNEL_NOT_CONNECTED'; message: string }

/**
 * Sends a failed post again, now, starting over from its first delivery attempt. Only posts whose
 * status is `error` can be retried, and only while their channel can deliver; otherwise the retry
 * would fail the same way.
 */
export async function retryPost(deps: AppDeps, actor: Actor, postId: string): Promise<Result<PostRecord, RetryPostError>> {
  const post = await getPost(deps, actor, postId)
  if (!post.ok) return post
  if (post.value.status !== 'error') {
    return err({ code: 'POST_NOT_EDITABLE', message: `Post ${postId} has not failed (its status is ${post.value.status}); only failed posts can be retried.` })
  }
  const channel = await findChannelById(deps.db.kysely, post.value.channelId)
  if (channel === undefined || channel.isDisconnected || channel.deliveryMethod === null) {
    return err({ code: 'CHANNEL_NOT_CONNECTED', message: `Channel ${channel?.name ?? post.value.channelId} is not connected; connect it, then retry the post.` })
  }

  const retried = await editPost(deps, actor, { id: postId, mode: 'shareNow' })
  if (retried.ok) deps.log.info({ postId, channelId: channel.id }, 'failed post retried')

  return retried
}
