import type { PostRecord } from '../../../storage/posts-repo.ts'
import { presentAssets } from './assets.ts'

/** PostAction values per status: what Pigeon lets the key's owner do with the post next. */
const ACTIONS_BY_STATUS: Record<string, string[]> = {
  draft: ['updatePost', 'deletePost', 'addPostToQueue', 'publishPostNow', 'publishPostNext', 'updatePostSchedule', 'updatePostTags', 'requestPostApproval'],
  needs_approval: ['updatePost', 'deletePost', 'revertPostApprovalRequest'],
  scheduled: ['updatePost', 'deletePost', 'publishPostNow', 'publishPostNext', 'updatePostSchedule', 'updatePostTags', 'movePostToDraft'],
  sending: [],
  sent: ['viewPost'],
  error: ['updatePost', 'deletePost', 'addPostToQueue', 'publishPostNow', 'publishPostNext', 'updatePostSchedule'],
}

/**
 * Presents the stored fields of a post as Buffer's Post type. Fields that need other rows
 * (channel, author, tags, metadata by service) are resolved separately.
 */
export function presentPost(post: PostRecord): Record<string, unknown> {
  return {
    id: post.id,
    record: post,
    allowedActions: ACTIONS_BY_STATUS[post.status] ?? [],
    assets: presentAssets(post.assets),
    channelId: post.channelId,
    dueAt: post.dueAt,
    error: post.status === 'error' ? { message: post.errorMessage ?? 'Publishing failed.', rawError: post.errorRaw, supportUrl: null } : null,
    externalLink: post.externalLink,
    ideaId: post.ideaId,
    isCustomScheduled: post.isCustomScheduled,
    metrics: null,
    metricsUpdatedAt: null,
    notes: [],
    notificationStatus: null,
    schedulingType: post.schedulingType,
    sentAt: post.sentAt,
    sharedNow: post.sharedNow,
    shareMode: post.shareMode,
    status: post.status,
    text: post.text,
    via: post.via,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    contentItemId: null,
  }
}
