import type { ChannelRecord } from '../storage/channels-repo.ts'
import type { PostRecord } from '../storage/posts-repo.ts'

/** Event type of a post delivered to a webhook channel. */
export const POST_PUBLISH_EVENT = 'post.publish'

/** The id receivers see in `webhook-id`: the same for every attempt at one post. */
export function webhookIdFor(post: PostRecord): string {
  return `msg_${post.id}`
}

/**
 * Builds the JSON body for a due post, in the Standard Webhooks envelope: `type`, `timestamp`
 * and `data`. `data.post` carries what a receiver needs to publish it.
 */
export function buildWebhookBody(post: PostRecord, channel: ChannelRecord, tagIds: readonly string[], now: Date): string {
  return JSON.stringify({
    type: POST_PUBLISH_EVENT,
    timestamp: now.toISOString(),
    data: {
      post: {
        id: post.id,
        organizationId: post.organizationId,
        channelId: post.channelId,
        text: post.text,
        assets: post.assets,
        metadata: post.metadata,
        tagIds,
        shareMode: post.shareMode,
        schedulingType: post.schedulingType,
        dueAt: post.dueAt === null ? null : new Date(post.dueAt).toISOString(),
        createdAt: new Date(post.createdAt).toISOString(),
        attempt: post.attempts,
      },
      channel: {
        id: channel.id,
        service: channel.service,
        name: channel.name,
        displayName: channel.displayName,
        timezone: channel.timezone,
      },
    },
  })
}
