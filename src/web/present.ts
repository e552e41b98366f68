import { serviceName } from '../channel-settings/channel-settings.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import type { PostRecord } from '../storage/posts-repo.ts'
import { formatInZone } from './zoned-time.ts'

/** State of a channel as the web app shows it. */
export interface ChannelState {
  key: 'connected' | 'paused' | 'disconnected' | 'not-connected'
  label: string
  description: string
}

/** Returns the one state a channel list shows, most pressing first: disconnected, not connected, paused, connected. */
export function channelState(channel: ChannelRecord): ChannelState {
  if (channel.isDisconnected) return { key: 'disconnected', label: 'Disconnected', description: 'The network no longer accepts Pigeon’s access: reconnect the channel, then retry its failed posts.' }
  if (channel.deliveryMethod === null) return { key: 'not-connected', label: 'Not connected', description: 'Connect the channel: posts that fall due before then fail.' }
  if (channel.isQueuePaused) return { key: 'paused', label: 'Paused', description: 'The queue is paused: nothing is published until it is resumed.' }

  return { key: 'connected', label: 'Connected', description: 'Posts are delivered when they fall due.' }
}

export interface ChannelView {
  id: string
  name: string
  displayName: string | null
  service: string
  serviceName: string
  timezone: string
  state: ChannelState
  isQueuePaused: boolean
  isLocked: boolean
  deliveryMethod: string | null
  webhookUrl: string | null
  /** The connected network account, such as `user@instance`, for native connections. */
  remoteUsername: string | null
  /** The network account the channel publishes to; null for a webhook or no connection. */
  account: string | null
  organizationId: string
}

export function presentChannel(channel: ChannelRecord): ChannelView {
  return {
    id: channel.id,
    name: channel.name,
    displayName: channel.displayName,
    service: channel.service,
    serviceName: serviceName(channel.service),
    timezone: channel.timezone,
    state: channelState(channel),
    isQueuePaused: channel.isQueuePaused,
    isLocked: channel.isLocked,
    deliveryMethod: channel.deliveryMethod,
    webhookUrl: channel.webhookUrl,
    remoteUsername: channel.remoteUsername,
    account: channel.deliveryMethod === 'mastodon' || channel.deliveryMethod === 'bluesky' ? channel.remoteUsername : null,
    organizationId: channel.organizationId,
  }
}

/** Returns the URL when it is http or https, so it is safe in an href, else null (javascript: and other schemes). */
export function safeHref(url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : null
  } catch {
    return null
  }
}

/** A time shown in the channel's zone and in the viewer's. */
export interface TimeView {
  iso: string
  inChannelZone: string
  inViewerZone: string
  sameZone: boolean
}

export function presentTime(instantMs: number | null, channelZone: string, viewerZone: string): TimeView | null {
  if (instantMs === null) return null

  return {
    iso: new Date(instantMs).toISOString(),
    inChannelZone: formatInZone(instantMs, channelZone),
    inViewerZone: formatInZone(instantMs, viewerZone),
    sameZone: channelZone === viewerZone,
  }
}

const STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  needs_approval: 'Awaiting approval',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  error: 'Failed',
}

export interface MediaView {
  type: string
  url: string | null
  altText: string
}

export interface PostView {
  id: string
  text: string
  status: string
  statusLabel: string
  channelId: string
  channelName: string
  serviceName: string
  channelZone: string
  due: TimeView | null
  sent: TimeView | null
  link: string | null
  error: string | null
  isQueued: boolean
  isCustomScheduled: boolean
  media: MediaView[]
}

function presentMedia(asset: unknown): MediaView {
  const value = (asset ?? {}) as { type?: unknown; url?: unknown; altText?: unknown }
  return {
    type: typeof value.type === 'string' ? value.type : 'link',
    url: safeHref(typeof value.url === 'string' ? value.url : null),
    altText: typeof value.altText === 'string' ? value.altText : '',
  }
}

/** Presents a post for a page. `channel` is missing only when the channel was removed meanwhile. */
export function presentPost(post: PostRecord, channel: ChannelRecord | undefined, viewerZone: string): PostView {
  const channelZone = channel?.timezone ?? viewerZone

  return {
    id: post.id,
    text: post.text,
    status: post.status,
    statusLabel: STATUS_LABELS[post.status] ?? post.status,
    channelId: post.channelId,
    channelName: channel?.name ?? 'Removed channel',
    serviceName: channel === undefined ? '' : serviceName(channel.service),
    channelZone,
    due: presentTime(post.dueAt, channelZone, viewerZone),
    sent: presentTime(post.sentAt, channelZone, viewerZone),
    link: safeHref(post.externalLink),
    error: post.errorMessage,
    isQueued: post.status === 'scheduled' && !post.isCustomScheduled,
    isCustomScheduled: post.isCustomScheduled,
    media: post.assets.map(presentMedia),
  }
}
