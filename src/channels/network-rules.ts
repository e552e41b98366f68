/**
 * Posting rules of each network Buffer's API can post to, kept as data so that a changed limit is a
 * one-line edit. Text lengths are counted by the functions in text-length.ts, by `unit`.
 *
 * Where no network documentation was at hand, the values follow Buffer's developer guide
 * "Character Limits" (developers.buffer.com/guides/character-limits), which counts most networks
 * in UTF-16 code units.
 */

/** Services of Buffer's `Service` enum. */
export type NetworkService =
  | 'bluesky'
  | 'facebook'
  | 'googlebusiness'
  | 'instagram'
  | 'linkedin'
  | 'mastodon'
  | 'pinterest'
  | 'startPage'
  | 'threads'
  | 'tiktok'
  | 'twitter'
  | 'youtube'
  | 'substack'
  | 'whatsapp'

/**
 * Counting method of a text limit:
 * - `graphemes`: user-perceived characters (Unicode extended grapheme clusters).
 * - `utf8Bytes`: bytes of the UTF-8 encoding.
 * - `utf16CodeUnits`: JavaScript `string.length`, so most emoji count 2.
 * - `xWeighted`: X's weighted length from twitter-text (URLs 23, CJK and emoji 2).
 * - `mastodon`: graphemes, with each URL as a fixed length and `@user@domain` as `@user`.
 * - `threads`: 1 per character, but each emoji counts its UTF-8 byte length.
 */
export type TextUnit = 'graphemes' | 'utf8Bytes' | 'utf16CodeUnits' | 'xWeighted' | 'mastodon' | 'threads'

/** Largest allowed length of a text, in `unit`. */
export interface TextLimit {
  unit: TextUnit
  limit: number
}

/**
 * Media kinds. `gif` is an image asset whose URL path ends in `.gif`; it counts as an `image` on
 * networks whose options never name `gif`.
 */
export type MediaKind = 'image' | 'gif' | 'video' | 'document'

/** One accepted way to fill a post's media: `min` to `max` items, each of one of `kinds`. */
export interface MediaOption {
  kinds: readonly MediaKind[]
  /** Default: 1. */
  min?: number
  max: number
}

/** The media a post may carry. */
export interface MediaRules {
  /** True when a post without images or videos is rejected. */
  required: boolean
  /** The post's media must match one of these; an empty list means the network takes no media. */
  options: readonly MediaOption[]
}

/** A metadata field that must be set, optionally only for one value of `type`. */
export interface RequiredMetadataField {
  /** Dotted path inside `metadata.<metadataKey>`, e.g. `detailsEvent.title`. */
  field: string
  /** The field is required only when `metadata.<metadataKey>.type` has this value. */
  whenType?: string
  /** Advice the error message ends with, such as `set it to true or false`. */
  hint: string
}

/** A length limit on a text field of the service's metadata. */
export interface MetadataTextLimit {
  /** Dotted path inside `metadata.<metadataKey>`. */
  field: string
  limit: TextLimit
}

/** Everything Pigeon checks about a post before storing it for one network. */
export interface NetworkRules {
  /** Name used in error messages. */
  name: string
  /** Key of the service's entry in Buffer's `PostInputMetaData`. */
  metadataKey: string
  /** Limits on the post text; every one of them must hold. */
  text: readonly TextLimit[]
  /** Limits that replace `text` when the post's first media item is of that kind. */
  textByMediaKind?: Partial<Record<MediaKind, readonly TextLimit[]>>
  /** Characters the network rejects in the text and in the fields of `metadataTextLimits`. */
  forbiddenCharacters?: readonly string[]
  maxHashtags?: number
  maxMentions?: number
  /** Most distinct URLs the text may contain. */
  maxLinks?: number
  media: MediaRules
  /** Media rules that replace `media` for one value of `metadata.<metadataKey>.type`. */
  mediaByPostType?: Readonly<Record<string, MediaRules>>
  /**
   * True when the network downloads media from the URL itself while publishing, so a URL that
   * only Pigeon's own network can reach fails there.
   */
  fetchesMediaFromUrl: boolean
  requiredMetadata: readonly RequiredMetadataField[]
  metadataTextLimits: readonly MetadataTextLimit[]
  /** Pairs of metadata date fields where the start must come before the end. */
  metadataDateRanges?: ReadonlyArray<{ start: string; end: string }>
  /** True when `metadata.<metadataKey>.thread` may hold a chain of replies. */
  supportsThreads: boolean
  /**
   * True when each server sets its own limits (Mastodon), so a channel's stored instance limits
   * replace the text limit and the largest media count here.
   */
  hasInstanceLimits: boolean
}

/** Mastodon's defaults, used until a channel stores its instance's `configuration.statuses`. */
export const MASTODON_DEFAULT_LIMITS = { maxCharacters: 500, charactersReservedPerUrl: 23, maxMediaAttachments: 4 } as const

const utf16 = (limit: number): TextLimit => ({ unit: 'utf16CodeUnits', limit })

const NO_METADATA_RULES = { requiredMetadata: [], metadataTextLimits: [] } as const

/** Rules of every service, keyed by Buffer's `Service` value. */
export const NETWORK_RULES: Readonly<Record<NetworkService, NetworkRules>> = {
  bluesky: {
    name: 'Bluesky',
    metadataKey: 'bluesky',
    // app.bsky.feed.post lexicon: text has maxGraphemes 300 and maxLength 3000 (UTF-8 bytes).
    text: [
      { unit: 'graphemes', limit: 300 },
      { unit: 'utf8Bytes', limit: 3000 },
    ],
    media: { required: false, options: [{ kinds: ['image'], max: 4 }, { kinds: ['video'], max: 1 }] },
    fetchesMediaFromUrl: false,
    ...NO_METADATA_RULES,
    supportsThreads: true,
    hasInstanceLimits: false,
  },
  facebook: {
    name: 'Facebook',
    metadataKey: 'facebook',
    // NOTE: Facebook Pages take 63,206 characters; Buffer itself stops at 5,000, but Pigeon
    // publishes to the network directly and so applies the network's own limit.
    text: [utf16(63_206)],
    media: { required: false, options: [{ kinds: ['image'], max: 10 }, { kinds: ['video'], max: 1 }] },
    mediaByPostType: {
      reel: { required: true, options: [{ kinds: ['video'], max: 1 }] },
      story: { required: true, options: [{ kinds: ['image', 'video'], max: 1 }] },
    },
    fetchesMediaFromUrl: false,
    requiredMetadata: [],
    metadataTextLimits: [{ field: 'firstComment', limit: utf16(5000) }],
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  googlebusiness: {
    name: 'Google Business Profile',
    metadataKey: 'google',
    // NOTE: Buffer's guide gives 4,000, but Google Business Profile local posts take a 1,500
    // character summary, so the lower value applies.
    text: [utf16(1500)],
    media: { required: false, options: [{ kinds: ['image'], max: 1 }] },
    fetchesMediaFromUrl: false,
    requiredMetadata: [
      { field: 'type', hint: 'set it to whats_new, offer or event' },
      { field: 'detailsWhatsNew', whenType: 'whats_new', hint: 'add the button and link of the update' },
      { field: 'detailsOffer', whenType: 'offer', hint: 'add the offer title, start and end' },
      { field: 'detailsOffer.title', whenType: 'offer', hint: 'name the offer' },
      { field: 'detailsOffer.startDate', whenType: 'offer', hint: 'set when the offer starts' },
      { field: 'detailsOffer.endDate', whenType: 'offer', hint: 'set when the offer ends' },
      { field: 'detailsEvent', whenType: 'event', hint: 'add the event title, start and end' },
      { field: 'detailsEvent.title', whenType: 'event', hint: 'name the event' },
      { field: 'detailsEvent.startDate', whenType: 'event', hint: 'set when the event starts' },
      { field: 'detailsEvent.endDate', whenType: 'event', hint: 'set when the event ends' },
    ],
    metadataTextLimits: [
      { field: 'detailsEvent.title', limit: utf16(58) },
      { field: 'detailsOffer.title', limit: utf16(58) },
      { field: 'detailsOffer.code', limit: utf16(58) },
    ],
    metadataDateRanges: [
      { start: 'detailsEvent.startDate', end: 'detailsEvent.endDate' },
      { start: 'detailsOffer.startDate', end: 'detailsOffer.endDate' },
    ],
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  instagram: {
    name: 'Instagram',
    metadataKey: 'instagram',
    text: [utf16(2200)],
    maxHashtags: 30,
    maxMentions: 20,
    media: { required: true, options: [{ kinds: ['image', 'video'], max: 10 }] },
    mediaByPostType: {
      carousel: { required: true, options: [{ kinds: ['image', 'video'], min: 2, max: 10 }] },
      reel: { required: true, options: [{ kinds: ['video'], max: 1 }] },
      story: { required: true, options: [{ kinds: ['image', 'video'], max: 1 }] },
    },
    // Meta's servers download each image and video from its URL when the post is published.
    fetchesMediaFromUrl: true,
    requiredMetadata: [
      { field: 'type', hint: 'set it to post, carousel, reel or story' },
      { field: 'shouldShareToFeed', hint: 'set it to true or false' },
    ],
    metadataTextLimits: [{ field: 'firstComment', limit: utf16(2200) }],
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  linkedin: {
    name: 'LinkedIn',
    metadataKey: 'linkedin',
    text: [utf16(3000)],
    media: { required: false, options: [{ kinds: ['image'], max: 20 }, { kinds: ['video'], max: 1 }, { kinds: ['document'], max: 1 }] },
    fetchesMediaFromUrl: false,
    requiredMetadata: [],
    metadataTextLimits: [{ field: 'firstComment', limit: utf16(1250) }],
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  mastodon: {
    name: 'Mastodon',
    metadataKey: 'mastodon',
    text: [{ unit: 'mastodon', limit: MASTODON_DEFAULT_LIMITS.maxCharacters }],
    // Mastodon's PostStatusService rejects a status that combines a video with any other attachment.
    media: { required: false, options: [{ kinds: ['image'], max: MASTODON_DEFAULT_LIMITS.maxMediaAttachments }, { kinds: ['video'], max: 1 }] },
    fetchesMediaFromUrl: false,
    ...NO_METADATA_RULES,
    supportsThreads: true,
    hasInstanceLimits: true,
  },
  pinterest: {
    name: 'Pinterest',
    metadataKey: 'pinterest',
    text: [utf16(500)],
    media: { required: true, options: [{ kinds: ['image'], max: 5 }, { kinds: ['video'], max: 1 }] },
    fetchesMediaFromUrl: false,
    requiredMetadata: [{ field: 'boardServiceId', hint: "use the serviceId of one of the channel's boards (channel.metadata.boards)" }],
    metadataTextLimits: [
      { field: 'title', limit: utf16(100) },
      { field: 'url', limit: utf16(2048) },
    ],
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  startPage: {
    name: 'Start Page',
    metadataKey: 'startPage',
    // NOTE: Buffer publishes no limits for Start Page posts; 10,000 characters and 10 images or
    // 1 video are generous guesses that only stop runaway input.
    text: [utf16(10_000)],
    media: { required: false, options: [{ kinds: ['image'], max: 10 }, { kinds: ['video'], max: 1 }] },
    fetchesMediaFromUrl: false,
    ...NO_METADATA_RULES,
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  threads: {
    name: 'Threads',
    metadataKey: 'threads',
    // Threads API docs: posts are limited to 500 characters, and emoji count as their UTF-8
    // bytes. Since 2025-12-22 a post with more than 5 distinct links fails.
    text: [{ unit: 'threads', limit: 500 }],
    maxLinks: 5,
    media: { required: false, options: [{ kinds: ['image', 'video'], max: 20 }] },
    // Threads downloads each image and video from its URL, so the URL must be public.
    fetchesMediaFromUrl: true,
    requiredMetadata: [],
    metadataTextLimits: [{ field: 'topic', limit: utf16(50) }],
    supportsThreads: true,
    hasInstanceLimits: false,
  },
  tiktok: {
    name: 'TikTok',
    metadataKey: 'tiktok',
    // Buffer's guide: 2,200 for a video caption and 4,000 for a photo post.
    text: [utf16(2200)],
    textByMediaKind: { image: [utf16(4000)] },
    media: { required: true, options: [{ kinds: ['image'], max: 35 }, { kinds: ['video'], max: 1 }] },
    fetchesMediaFromUrl: false,
    requiredMetadata: [],
    metadataTextLimits: [{ field: 'title', limit: utf16(90) }],
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  twitter: {
    name: 'X',
    metadataKey: 'twitter',
    // TODO: accept 25,000 weighted characters for X Premium accounts — when channels store the
    // account's subscription tier.
    text: [{ unit: 'xWeighted', limit: 280 }],
    media: { required: false, options: [{ kinds: ['image'], max: 4 }, { kinds: ['gif'], max: 1 }, { kinds: ['video'], max: 1 }] },
    fetchesMediaFromUrl: false,
    ...NO_METADATA_RULES,
    supportsThreads: true,
    hasInstanceLimits: false,
  },
  youtube: {
    name: 'YouTube',
    metadataKey: 'youtube',
    // The post text becomes the video description: at most 5,000 bytes, without < or >.
    text: [{ unit: 'utf8Bytes', limit: 5000 }],
    forbiddenCharacters: ['<', '>'],
    media: { required: true, options: [{ kinds: ['video'], max: 1 }] },
    fetchesMediaFromUrl: false,
    requiredMetadata: [
      { field: 'title', hint: 'set the video title (at most 100 characters)' },
      { field: 'categoryId', hint: 'use a YouTube video category id, such as "22" for People & Blogs' },
    ],
    metadataTextLimits: [{ field: 'title', limit: utf16(100) }],
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  substack: {
    name: 'Substack',
    metadataKey: 'substack',
    // NOTE: Substack publishes no limits for notes; these are generous guesses.
    text: [utf16(10_000)],
    media: { required: false, options: [{ kinds: ['image'], max: 10 }] },
    fetchesMediaFromUrl: false,
    ...NO_METADATA_RULES,
    supportsThreads: false,
    hasInstanceLimits: false,
  },
  whatsapp: {
    name: 'WhatsApp',
    metadataKey: 'whatsapp',
    // WhatsApp Cloud API: a text message body takes 4,096 characters and a media caption 1,024;
    // each message carries one media item. NOTE: whether Buffer's WhatsApp channel posts through
    // that API is not documented, so these limits may differ from what it enforces.
    text: [utf16(4096)],
    textByMediaKind: { image: [utf16(1024)], video: [utf16(1024)], document: [utf16(1024)] },
    media: { required: false, options: [{ kinds: ['image'], max: 1 }, { kinds: ['video'], max: 1 }, { kinds: ['document'], max: 1 }] },
    fetchesMediaFromUrl: false,
    ...NO_METADATA_RULES,
    supportsThreads: false,
    hasInstanceLimits: false,
  },
}

/** True when `service` is a value of Buffer's `Service` enum. */
export function isNetworkService(service: string): service is NetworkService {
  return Object.hasOwn(NETWORK_RULES, service)
}
