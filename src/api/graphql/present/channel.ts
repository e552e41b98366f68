import { serviceName } from '../../../channel-settings/channel-settings.ts'
import type { ChannelRecord } from '../../../storage/channels-repo.ts'

const DAY_ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/** What an API key's owner may do with a channel through Pigeon. */
const CHANNEL_ACTIONS = ['viewChannel', 'viewPublish', 'readUpdates', 'manageUpdates', 'managePostingSchedule', 'scheduleUpdates']

/** Presents a stored channel as Buffer's Channel type. */
export function presentChannel(channel: ChannelRecord): Record<string, unknown> {
  const schedule = [...channel.postingSchedule].sort((left, right) => DAY_ORDER.indexOf(left.day) - DAY_ORDER.indexOf(right.day))

  return {
    id: channel.id,
    allowedActions: channel.isLocked ? ['viewChannel'] : CHANNEL_ACTIONS,
    avatar: channel.avatar ?? '',
    descriptor: `${serviceName(channel.service)} ${channel.type === 'profile' ? 'Profile' : channel.type}`,
    displayName: channel.displayName,
    externalLink: null,
    hasActiveMemberDevice: false,
    isDisconnected: channel.isDisconnected || channel.deliveryMethod === null,
    isLocked: channel.isLocked,
    isNew: false,
    isQueuePaused: channel.isQueuePaused,
    linkShortening: { isEnabled: false, config: null },
    metadata: presentChannelMetadata(channel),
    name: channel.name,
    organizationId: channel.organizationId,
    postingGoal: null,
    postingSchedule: schedule.map((day) => ({ day: day.day, times: day.times, paused: day.paused })),
    products: ['publish'],
    scopes: [],
    service: channel.service,
    serviceId: channel.serviceId,
    showTrendingTopicSuggestions: false,
    timezone: channel.timezone,
    type: channel.type,
    weeklyPostingLimit: null,
    createdAt: channel.createdAt,
    updatedAt: channel.updatedAt,
  }
}

/**
 * Presents Buffer's ChannelMetadata of a natively connected channel: the Mastodon instance and its
 * status limit, or the Bluesky PDS. Other channels have none.
 */
function presentChannelMetadata(channel: ChannelRecord): Record<string, unknown> | null {
  if (channel.serverUrl === null) return null
  if (channel.deliveryMethod === 'mastodon') {
    return { __typename: 'MastodonMetadata', serverUrl: channel.serverUrl, maxCharacters: channel.networkLimits?.maxCharacters ?? 500 }
  }
  if (channel.deliveryMethod === 'bluesky') return { __typename: 'BlueskyMetadata', serverUrl: channel.serverUrl }

  return null
}
