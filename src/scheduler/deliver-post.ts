import type { DeliveryOutcome } from '../channels/delivery-outcome.ts'
import { deliverWebhook } from '../channels/webhook/webhook-channel.ts'
import type { AppDeps } from '../deps.ts'
import { findChannelById } from '../storage/channels-repo.ts'
import { findTagIdsForPosts, type PostRecord } from '../storage/posts-repo.ts'
import { buildWebhookBody, webhookIdFor } from './webhook-payload.ts'

/** Sends one claimed post through its channel's delivery method and returns what happened. */
export async function deliverPost(deps: AppDeps, post: PostRecord, signal: AbortSignal): Promise<DeliveryOutcome> {
  const channel = await findChannelById(deps.db.kysely, post.channelId)
  if (channel === undefined) return { kind: 'rejected', reason: `Channel ${post.channelId} no longer exists.` }
  if (channel.isDisconnected) {
    return { kind: 'reauth', reason: `Channel ${channel.name} is disconnected; reconnect it, then retry the post.` }
  }
  if (channel.deliveryMethod !== 'webhook' || channel.webhookUrl === null || channel.webhookSecret === null) {
    return {
      kind: 'rejected',
      reason: `Channel ${channel.name} has no delivery method; connect a webhook (pigeon channels connect-webhook ${channel.id} --url URL), then retry the post.`,
    }
  }

  const now = deps.now()
  const tagIds = (await findTagIdsForPosts(deps.db.kysely, [post.id])).get(post.id) ?? []

  return deliverWebhook({
    url: channel.webhookUrl,
    secret: channel.webhookSecret,
    webhookId: webhookIdFor(post),
    body: buildWebhookBody(post, channel, tagIds, now),
    now,
    timeoutMs: deps.config.worker.webhookTimeoutMs,
    signal,
    userAgent: 'Pigeon-Webhook/1.0',
  })
}
