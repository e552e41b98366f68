import type { DeliveryOutcome } from '../channels/delivery-outcome.ts'
import { deliverWebhook } from '../channels/webhook/webhook-channel.ts'
import type { AppDeps } from '../deps.ts'
import { findChannelById, type DeliveryMethod } from '../storage/channels-repo.ts'
import { findTagIdsForPosts, type PostRecord } from '../storage/posts-repo.ts'
import { deliverToNetwork } from './network-delivery.ts'
import { buildWebhookBody, webhookIdFor } from './webhook-payload.ts'

/** Result of one delivery attempt, for the worker to record. */
export interface DeliveryResult {
  outcome: DeliveryOutcome
  /** The channel's delivery method at the time of the attempt; null when it had none. */
  deliveryMethod: DeliveryMethod | null
  /** The idempotency key, record key or webhook id the attempt sent, when it sent one. */
  remoteKey: string | null
}

/**
 * Sends one claimed post through its channel's delivery method: a signed webhook, or a native
 * Mastodon or Bluesky adapter. `isRepeat` is true when an earlier attempt at the post exists.
 */
export async function deliverPost(deps: AppDeps, post: PostRecord, signal: AbortSignal, isRepeat: boolean): Promise<DeliveryResult> {
  const channel = await findChannelById(deps.db.kysely, post.channelId)
  if (channel === undefined) return { outcome: { kind: 'rejected', reason: `Channel ${post.channelId} no longer exists.` }, deliveryMethod: null, remoteKey: null }
  const deliveryMethod = channel.deliveryMethod
  if (channel.isDisconnected) {
    return { outcome: { kind: 'reauth', reason: `Channel ${channel.name} is disconnected; reconnect it on its Connection page (/app/channels/${channel.id}/connection) or with pigeon channels reconnect ${channel.id}, then retry the post.` }, deliveryMethod, remoteKey: null }
  }
  if (deliveryMethod === 'mastodon' || deliveryMethod === 'bluesky') {
    return { ...(await deliverToNetwork(deps, post, channel, signal, isRepeat)), deliveryMethod }
  }
  if (deliveryMethod !== 'webhook' || channel.webhookUrl === null || channel.webhookSecret === null) {
    return { outcome: { kind: 'rejected', reason: `Channel ${channel.name} has no delivery method; connect it on its Connection page (/app/channels/${channel.id}/connection) or ${connectHint(channel.service, channel.id)}, then retry the post.` }, deliveryMethod: null, remoteKey: null }
  }

  const now = deps.now()
  const tagIds = (await findTagIdsForPosts(deps.db.kysely, [post.id])).get(post.id) ?? []
  const webhookId = webhookIdFor(post)
  const outcome = await deliverWebhook({
    url: channel.webhookUrl,
    secret: channel.webhookSecret,
    webhookId,
    body: buildWebhookBody(post, channel, tagIds, now),
    now,
    timeoutMs: deps.config.worker.webhookTimeoutMs,
    signal,
    userAgent: 'Pigeon-Webhook/1.0',
  })

  return { outcome, deliveryMethod, remoteKey: webhookId }
}

function connectHint(service: string, channelId: string): string {
  if (service === 'mastodon') return `with an account (pigeon channels connect-mastodon ${channelId} --instance HOST) or a webhook (pigeon channels connect-webhook ${channelId} --url URL)`
  if (service === 'bluesky') return `with an account (pigeon channels connect-bluesky ${channelId} --identifier HANDLE --app-password PASSWORD) or a webhook (pigeon channels connect-webhook ${channelId} --url URL)`

  return `with a webhook (pigeon channels connect-webhook ${channelId} --url URL)`
}
