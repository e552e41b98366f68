import { measureText } from '../channels/text-length.ts'
import { isNetworkService, type TextUnit } from '../channels/network-rules.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import { serviceName } from '../channel-settings/channel-settings.ts'

/** One channel's character counter, as the composer shows it. */
export interface ChannelTextCount {
  channelId: string
  channelName: string
  serviceName: string
  length: number
  limit: number
  unit: TextUnit
  over: boolean
}

const UNIT_LABELS: Record<TextUnit, string> = {
  graphemes: 'characters',
  utf8Bytes: 'bytes',
  utf16CodeUnits: 'characters',
  xWeighted: 'characters (X weighting)',
  mastodon: 'characters (Mastodon counting)',
  threads: 'characters (Threads counting)',
}

export function unitLabel(unit: TextUnit): string {
  return UNIT_LABELS[unit]
}

/**
 * Counts the text for each channel the way its network does, against the network's limit. A
 * Mastodon channel uses the limits its instance reported when connected, else 500 characters
 * with URLs counting 23.
 */
export function countForChannels(channels: readonly ChannelRecord[], text: string): ChannelTextCount[] {
  return channels.flatMap((channel) => {
    if (!isNetworkService(channel.service)) return []
    const limits = channel.networkLimits
    const measured = measureText(channel.service, text, limits === null ? {} : { mastodon: { maxCharacters: limits.maxCharacters, charactersReservedPerUrl: limits.charactersReservedPerUrl } })
    return [{ channelId: channel.id, channelName: channel.name, serviceName: serviceName(channel.service), length: measured.length, limit: measured.limit, unit: measured.unit, over: measured.length > measured.limit }]
  })
}
