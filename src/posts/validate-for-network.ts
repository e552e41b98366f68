import { BlockList, isIP } from 'node:net'
import {
  MASTODON_DEFAULT_LIMITS,
  NETWORK_RULES,
  isNetworkService,
  type MediaKind,
  type MediaOption,
  type MediaRules,
  type NetworkRules,
  type NetworkService,
  type TextUnit,
} from '../channels/network-rules.ts'
import { countDistinctLinks, countHashtags, countMentions, countText, measureTextLimits, type MeasureTextOptions, type TextMeasurement } from '../channels/text-length.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { invalidInput, type PostError } from './post-errors.ts'
import { normalizeAssets, type AssetInput, type StoredAsset } from './post-input.ts'

/**
 * Limits a Mastodon instance reports in `GET /api/v2/instance` (`configuration.statuses`). Each
 * one left out takes Mastodon's default: 500 characters, 23 per URL, 4 attachments.
 *
 * TODO: pass the channel's stored instance limits from createPost and editPost — when channels
 * store them.
 */
export interface ChannelLimits {
  maxCharacters?: number
  charactersReservedPerUrl?: number
  maxMediaAttachments?: number
}

export interface NetworkPostInput {
  /** The channel's service, a value of Buffer's `Service` enum. */
  service: string
  text: string
  assets: readonly StoredAsset[]
  /** Buffer's `PostInputMetaData`; only the entry of `service` is read. */
  metadata: Record<string, unknown> | null
  /** Read only for Mastodon channels. */
  channelLimits?: ChannelLimits
}

type Metadata = Record<string, unknown>

/** Rules, service metadata and counting options shared by the checks of one post. */
interface NetworkContext {
  service: NetworkService
  rules: NetworkRules
  metadata: Metadata
  counting: MeasureTextOptions
}

/**
 * Checks a post against its network's rules: text length as the network counts it, media count
 * and kinds, required media and metadata, metadata field lengths, and each thread item. Returns
 * the first problem as INVALID_INPUT naming the field, the measured value and the limit.
 *
 * Throws when `service` is not in Buffer's `Service` enum, because channels only store those.
 *
 * @remarks Limitation: media files are never downloaded, so file size, format, dimensions and
 * duration, and public URLs that return 404, are only found when the network fetches them.
 */
export function validatePostForNetwork(input: NetworkPostInput): Result<void, PostError> {
  if (!isNetworkService(input.service)) throw new Error(`No posting rules for service "${input.service}"`)
  const context = networkContext(input.service, input.metadata, input.channelLimits)

  const content = checkContent(context, { text: input.text, assets: input.assets, textField: 'text', assetsField: 'assets', isThreadItem: false })
  if (!content.ok) return content
  const metadata = checkMetadataFields(context)
  if (!metadata.ok) return metadata

  return checkThread(context)
}

function networkContext(service: NetworkService, metadata: Metadata | null, channelLimits: ChannelLimits | undefined): NetworkContext {
  const base = NETWORK_RULES[service]
  const serviceMetadata = asObject(metadata?.[base.metadataKey]) ?? {}
  const spoilerText = typeof serviceMetadata.spoilerText === 'string' ? serviceMetadata.spoilerText : ''
  if (!base.hasInstanceLimits) return { service, rules: base, metadata: serviceMetadata, counting: {} }

  const limits = {
    maxCharacters: channelLimits?.maxCharacters ?? MASTODON_DEFAULT_LIMITS.maxCharacters,
    charactersReservedPerUrl: channelLimits?.charactersReservedPerUrl ?? MASTODON_DEFAULT_LIMITS.charactersReservedPerUrl,
    maxMediaAttachments: channelLimits?.maxMediaAttachments ?? MASTODON_DEFAULT_LIMITS.maxMediaAttachments,
  }
  const withInstanceMax = (options: readonly MediaOption[]) => options.map((option) => (option.max > 1 ? { ...option, max: limits.maxMediaAttachments } : option))
  const rules: NetworkRules = { ...base, media: { ...base.media, options: withInstanceMax(base.media.options) } }
  const counting = { mastodon: { maxCharacters: limits.maxCharacters, charactersReservedPerUrl: limits.charactersReservedPerUrl }, spoilerText }

  return { service, rules, metadata: serviceMetadata, counting }
}

interface Content {
  text: string
  assets: readonly StoredAsset[]
  textField: string
  assetsField: string
  isThreadItem: boolean
}

function checkContent(context: NetworkContext, content: Content): Result<void, PostError> {
  const postType = typeof context.metadata.type === 'string' ? context.metadata.type : null
  const typedMedia = postType === null ? undefined : context.rules.mediaByPostType?.[postType]
  const media = typedMedia ?? context.rules.media
  const items = mediaItems(content.assets, media)

  const text = checkText(context, content.text, content.textField, items[0]?.kind)
  if (!text.ok) return text
  const kinds = checkMedia(context.rules, media, items, content, typedMedia === undefined ? 'post' : postType!)
  if (!kinds.ok) return kinds

  return context.rules.fetchesMediaFromUrl ? checkPublicUrls(context.rules, content.assets, content.assetsField) : ok(undefined)
}

function checkText(context: NetworkContext, text: string, field: string, mediaKind: MediaKind | undefined): Result<void, PostError> {
  const { rules } = context
  const counting = mediaKind === undefined ? context.counting : { ...context.counting, mediaKind }
  for (const measurement of measureTextLimits(context.service, text, counting)) {
    const length = checkLength(rules, field, measurement, counting)
    if (!length.ok) return length
  }

  const forbidden = checkForbiddenCharacters(rules, text, field)
  if (!forbidden.ok) return forbidden
  const entityLimits = [
    { max: rules.maxHashtags, count: countHashtags, noun: 'hashtags' },
    { max: rules.maxMentions, count: countMentions, noun: '@mentions' },
    { max: rules.maxLinks, count: countDistinctLinks, noun: 'distinct links' },
  ]
  for (const { max, count, noun } of entityLimits) {
    if (max === undefined) continue
    const found = count(text)
    if (found > max) return err(invalidInput(field, `${field} has ${found} ${noun}; ${rules.name} allows ${max}.`, 'NETWORK_TEXT_RULE'))
  }

  return ok(undefined)
}

function checkLength(rules: NetworkRules, field: string, measurement: TextMeasurement, counting: MeasureTextOptions): Result<void, PostError> {
  if (measurement.length <= measurement.limit) return ok(undefined)
  const unit = describeUnit(measurement.unit, counting)

  return err(invalidInput(field, `${field} is ${measurement.length} ${unit.noun} long; ${rules.name} allows ${measurement.limit} (${unit.how}).`, 'NETWORK_TEXT_RULE'))
}

function checkForbiddenCharacters(rules: NetworkRules, text: string, field: string): Result<void, PostError> {
  const forbidden = rules.forbiddenCharacters?.find((character) => text.includes(character))
  if (forbidden === undefined) return ok(undefined)

  return err(invalidInput(field, `${field} contains "${forbidden}", which ${rules.name} rejects; remove every ${rules.forbiddenCharacters!.join(' and ')}.`, 'NETWORK_TEXT_RULE'))
}

function describeUnit(unit: TextUnit, counting: MeasureTextOptions): { noun: string; how: string } {
  switch (unit) {
    case 'graphemes':
      return { noun: 'graphemes', how: 'counted as user-perceived characters' }
    case 'utf8Bytes':
      return { noun: 'UTF-8 bytes', how: 'counted in UTF-8 bytes: 1 for ASCII, 3 for most CJK characters, 4 or more for emoji' }
    case 'utf16CodeUnits':
      return { noun: 'characters', how: 'counted in UTF-16 code units, so most emoji count as 2' }
    case 'xWeighted':
      return { noun: 'weighted characters', how: 'counted as X does: each URL counts as 23, CJK characters and emoji count as 2' }
    case 'threads':
      return { noun: 'characters', how: 'counted as Threads does: each emoji counts as its UTF-8 bytes, 4 or more' }
    case 'mastodon': {
      const perUrl = counting.mastodon?.charactersReservedPerUrl ?? MASTODON_DEFAULT_LIMITS.charactersReservedPerUrl
      const warning = counting.spoilerText ? ', and the content warning in metadata.mastodon.spoilerText counts too' : ''
      return { noun: 'characters', how: `counted as Mastodon does: each URL counts as ${perUrl} and @user@domain as @user${warning}` }
    }
  }
}

interface MediaItem {
  index: number
  kind: MediaKind
}

/** Lists the media assets with their kinds; link assets are not media. */
function mediaItems(assets: readonly StoredAsset[], media: MediaRules): MediaItem[] {
  const gifIsOwnKind = media.options.some((option) => option.kinds.includes('gif'))

  return assets.flatMap((asset, index): MediaItem[] => {
    if (asset.type === 'link') return []
    if (asset.type === 'image' && gifIsOwnKind && new URL(asset.url).pathname.toLowerCase().endsWith('.gif')) return [{ index, kind: 'gif' }]
    return [{ index, kind: asset.type }]
  })
}

function checkMedia(rules: NetworkRules, media: MediaRules, items: MediaItem[], content: Content, postType: string): Result<void, PostError> {
  const field = content.assetsField
  if (items.length === 0) {
    if (!media.required || content.isThreadItem) return ok(undefined)
    return err(invalidInput(field, `${rules.name} requires media: add ${describeOptions(media.options)} to ${field}.`))
  }

  const accepted = new Set(media.options.flatMap((option) => option.kinds))
  const unsupported = items.find((item) => !accepted.has(item.kind))
  if (unsupported !== undefined) {
    const takes = media.options.length === 0 ? 'takes no media' : `takes only ${describeOptions(media.options)}`
    return err(invalidInput(`${field}[${unsupported.index}]`, `${field}[${unsupported.index}] is ${withArticle(kindNoun(unsupported.kind, 1))}, but ${rules.name} ${takes} in one ${postType}.`))
  }
  const fits = media.options.some((option) => items.length >= (option.min ?? 1) && items.length <= option.max && items.every((item) => option.kinds.includes(item.kind)))
  if (!fits) {
    return err(invalidInput(field, `${field} has ${describeItems(items)}; ${rules.name} allows ${describeOptions(media.options)} in one ${postType}.`))
  }

  return ok(undefined)
}

function kindNoun(kind: MediaKind, count: number): string {
  const noun = kind === 'gif' ? 'GIF' : kind

  return count === 1 ? noun : `${noun}s`
}

function withArticle(noun: string): string {
  return /^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`
}

/** For example "up to 4 images, or 1 GIF, or 1 video". */
function describeOptions(options: readonly MediaOption[]): string {
  return options
    .map((option) => {
      const count = option.max === 1 ? '1' : (option.min ?? 1) > 1 ? `${option.min} to ${option.max}` : `up to ${option.max}`
      return `${count} ${option.kinds.map((kind) => kindNoun(kind, option.max)).join(' or ')}`
    })
    .join(', or ')
}

/** For example "2 images and 1 video". */
function describeItems(items: MediaItem[]): string {
  const counts = new Map<MediaKind, number>()
  for (const item of items) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1)

  return [...counts].map(([kind, count]) => `${count} ${kindNoun(kind, count)}`).join(' and ')
}

const NON_PUBLIC_ADDRESSES = new BlockList()
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  NON_PUBLIC_ADDRESSES.addSubnet(network, prefix, 'ipv4')
}
// Unspecified, loopback, unique local, link local, and IPv4-mapped addresses.
for (const [network, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['::ffff:0:0', 96]] as const) {
  NON_PUBLIC_ADDRESSES.addSubnet(network, prefix, 'ipv6')
}

/**
 * True when the URL's host is an address or name that only a private network can reach:
 * loopback and private ranges, `localhost`, `.local`, `.internal` and single-label names.
 *
 * @remarks Limitation: no DNS lookup is made, so a public name that resolves to a private
 * address, or a URL that answers 404, is only found when the network fails to fetch it.
 */
function isNonPublicHost(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const family = isIP(host)
  if (family !== 0) return NON_PUBLIC_ADDRESSES.check(host, family === 4 ? 'ipv4' : 'ipv6')

  return !host.includes('.') || /\.(localhost|local|internal|home\.arpa)\.?$/.test(host)
}

function checkPublicUrls(rules: NetworkRules, assets: readonly StoredAsset[], field: string): Result<void, PostError> {
  for (const [index, asset] of assets.entries()) {
    if (asset.type === 'link') continue
    const url = new URL(asset.url)
    if (isNonPublicHost(url)) {
      const at = `${field}[${index}].${asset.type}.url`
      return err(invalidInput(at, `${at} points to ${url.hostname}, which the internet cannot reach; ${rules.name} downloads media from its URL when publishing, so use a public URL.`))
    }
  }

  return ok(undefined)
}

function checkMetadataFields(context: NetworkContext): Result<void, PostError> {
  const { rules, metadata } = context
  const at = (field: string) => `metadata.${rules.metadataKey}.${field}`

  for (const required of rules.requiredMetadata) {
    if (required.whenType !== undefined && metadata.type !== required.whenType) continue
    const value = readPath(metadata, required.field)
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      const scope = required.whenType === undefined ? `${rules.name} posts` : `${rules.name} posts of type ${required.whenType}`
      return err(invalidInput(at(required.field), `${at(required.field)} is required for ${scope}; ${required.hint}.`))
    }
  }
  for (const { field, limit } of rules.metadataTextLimits) {
    const value = readPath(metadata, field)
    if (typeof value !== 'string') continue
    const measurement = { length: countText(limit.unit, value, context.counting), limit: limit.limit, unit: limit.unit }
    const length = checkLength(rules, at(field), measurement, context.counting)
    if (!length.ok) return length
    const forbidden = checkForbiddenCharacters(rules, value, at(field))
    if (!forbidden.ok) return forbidden
  }
  for (const range of rules.metadataDateRanges ?? []) {
    const start = toTime(readPath(metadata, range.start))
    const end = toTime(readPath(metadata, range.end))
    if (start !== null && end !== null && start >= end) {
      return err(invalidInput(at(range.end), `${at(range.end)} (${new Date(end).toISOString()}) must be after ${at(range.start)} (${new Date(start).toISOString()}).`))
    }
  }

  return ok(undefined)
}

type ThreadItem = { text?: unknown; assets?: unknown }

function checkThread(context: NetworkContext): Result<void, PostError> {
  const { rules } = context
  const thread = context.metadata.thread
  if (!Array.isArray(thread) || thread.length === 0) return ok(undefined)
  const field = `metadata.${rules.metadataKey}.thread`
  if (!rules.supportsThreads) return err(invalidInput(field, `${rules.name} does not support threads; remove ${field}.`))

  for (const [index, entry] of thread.entries()) {
    const at = `${field}[${index}]`
    const item: ThreadItem = asObject(entry) ?? {}
    const assets = normalizeAssets(Array.isArray(item.assets) ? (item.assets as AssetInput[]) : [], `${at}.assets`)
    if (!assets.ok) return assets
    const text = typeof item.text === 'string' ? item.text : ''
    if (text.trim() === '' && assets.value.length === 0) return err(invalidInput(at, `${at} has no text and no assets; give every thread item text, assets or both.`))

    const content = checkContent(context, { text, assets: assets.value, textField: `${at}.text`, assetsField: `${at}.assets`, isThreadItem: true })
    if (!content.ok) return content
  }

  return ok(undefined)
}

function asObject(value: unknown): Metadata | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Metadata) : null
}

function readPath(metadata: Metadata, path: string): unknown {
  let value: unknown = metadata
  for (const key of path.split('.')) value = asObject(value)?.[key]

  return value
}

/** Milliseconds of a DateTime as createPost receives it (a Date) or as stored (an ISO string). */
function toTime(value: unknown): number | null {
  let time = Number.NaN
  if (value instanceof Date) time = value.getTime()
  if (typeof value === 'string') time = Date.parse(value)

  return Number.isNaN(time) ? null : time
}
