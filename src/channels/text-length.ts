import twitterText from 'twitter-text'
import { NETWORK_RULES, type MediaKind, type NetworkService, type TextUnit } from './network-rules.ts'

const graphemeSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

// NOTE: iterating Intl.Segmenter over one long string takes time quadratic in its length on
// Node 20.20. Measured there, 40,000 ASCII characters took 1.5 s and checking a 100,000-character
// Bluesky post took 33 s, so text is segmented in windows of this many UTF-16 code units.
const SEGMENT_WINDOW = 256

/**
 * Splits text into grapheme clusters (UAX #29, as Intl.Segmenter finds them).
 *
 * Each window starts at a cluster boundary and its last cluster is dropped and segmented again
 * at the start of the next window, because it may continue past the window's end. Every other
 * boundary only depends on text inside the window, so the result equals one whole-text pass.
 */
export function* segmentGraphemes(text: string): Generator<string> {
  let start = 0
  let window = SEGMENT_WINDOW
  while (start < text.length) {
    let end = Math.min(text.length, start + window)
    // Never cut a surrogate pair: a lone high surrogate would end a cluster too early.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1
    const segments = [...graphemeSegmenter.segment(text.slice(start, end))]
    if (end === text.length) {
      for (const { segment } of segments) yield segment
      return
    }
    if (segments.length < 2) {
      // One cluster fills the whole window (such as a letter with hundreds of combining marks).
      window *= 2
      continue
    }

    const last = segments.pop()!
    for (const { segment } of segments) yield segment
    start += last.index
    window = SEGMENT_WINDOW
  }
}

/** Counts user-perceived characters: a ZWJ family, a flag or `e` plus a combining accent is 1. */
export function countGraphemes(text: string): number {
  let count = 0
  for (const _segment of segmentGraphemes(text)) count += 1

  return count
}

/** Counts the bytes of the UTF-8 encoding, as Bluesky's `maxLength` and YouTube's description do. */
export function countUtf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** Counts X's weighted length with twitter-text 3.1.0: any URL is 23, CJK and emoji weigh 2. */
export function xWeightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength
}

export interface MastodonCountOptions {
  /** Length each URL counts as: the instance's `characters_reserved_per_url`. */
  charactersReservedPerUrl: number
  /** The content warning, which shares the text's limit. */
  spoilerText?: string
}

// Mastodon's Account::MENTION_RE: `@user` or `@user@domain`, not preceded by a word character,
// `=` or `/` (so e-mail addresses and URL paths are not mentions).
const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}'
const MASTODON_MENTION = new RegExp(`(?<![=/${WORD}])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[${WORD}.-]+[${WORD}]+)?`, 'giu')

/**
 * Counts a status as Mastodon's StatusLengthValidator does: the graphemes of the content warning
 * followed by the text, where each URL with a scheme counts as `charactersReservedPerUrl` and a
 * mention `@user@domain` counts as `@user`.
 */
export function mastodonLength(text: string, options: MastodonCountOptions): number {
  return countGraphemes((options.spoilerText ?? '') + mastodonCountableText(text, options.charactersReservedPerUrl))
}

function mastodonCountableText(text: string, charactersReservedPerUrl: number): string {
  if (/^\s*$/u.test(text)) return ''

  const urls = twitterText.extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false }).map((url) => ({
    start: url.indices[0],
    end: url.indices[1],
    replacement: 'x'.repeat(charactersReservedPerUrl),
  }))
  const mentions = [...text.matchAll(MASTODON_MENTION)]
    // Mastodon skips a mention followed by another @ or by ://, as twitter-text does.
    .filter((match) => !/^(?:@|:\/\/)/u.test(text.slice(match.index + match[0].length)))
    .map((match) => ({ start: match.index, end: match.index + match[0].length, replacement: `@${match[1]}` }))

  let rewritten = ''
  let position = 0
  for (const entity of [...urls, ...mentions].sort((a, b) => a.start - b.start)) {
    if (entity.start < position) continue
    rewritten += text.slice(position, entity.start) + entity.replacement
    position = entity.end
  }

  return rewritten + text.slice(position)
}

// An emoji grapheme contains a character shown as emoji by default, a pictograph made emoji by
// VS16, a regional-indicator flag or a keycap.
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}|\u20E3/u

/**
 * Counts text as the Threads API does: an emoji counts as its UTF-8 bytes (a thumbs-up is 4, a
 * family of four is 25), and any other grapheme counts 1.
 *
 * @remarks Limitation: Threads documents only the emoji rule. Counting other text per grapheme is
 * an assumption, so a combining accent or a Hangul jamo sequence counts 1 here.
 */
export function threadsLength(text: string): number {
  let length = 0
  for (const segment of segmentGraphemes(text)) length += EMOJI.test(segment) ? countUtf8Bytes(segment) : 1

  return length
}

/** Counts hashtags as twitter-text extracts them. */
export function countHashtags(text: string): number {
  return twitterText.extractHashtags(text).length
}

/** Counts `@name` mentions as twitter-text extracts them. */
export function countMentions(text: string): number {
  return twitterText.extractMentions(text).length
}

/** Counts distinct URLs, including ones without a scheme such as `www.example.com`. */
export function countDistinctLinks(text: string): number {
  return new Set(twitterText.extractUrls(text)).size
}

/** A text's length and the limit it is measured against, both in `unit`. */
export interface TextMeasurement {
  length: number
  limit: number
  unit: TextUnit
}

export interface MeasureTextOptions {
  /** The Mastodon instance's limits. Default: 500 characters, URLs count 23. */
  mastodon?: { maxCharacters: number; charactersReservedPerUrl: number }
  /** The Mastodon content warning; it counts toward the same limit as the text. */
  spoilerText?: string
  /** Kind of the post's first media item; TikTok and WhatsApp allow other lengths with media. */
  mediaKind?: MediaKind
}

/** Counts `text` in `unit`. */
export function countText(unit: TextUnit, text: string, options: MeasureTextOptions = {}): number {
  switch (unit) {
    case 'graphemes':
      return countGraphemes(text)
    case 'utf8Bytes':
      return countUtf8Bytes(text)
    case 'utf16CodeUnits':
      return text.length
    case 'xWeighted':
      return xWeightedLength(text)
    case 'mastodon':
      return mastodonLength(text, { charactersReservedPerUrl: options.mastodon?.charactersReservedPerUrl ?? 23, spoilerText: options.spoilerText ?? '' })
    case 'threads':
      return threadsLength(text)
  }
}

/** Measures `text` against every text limit of the service; all of them must hold. */
export function measureTextLimits(service: NetworkService, text: string, options: MeasureTextOptions = {}): TextMeasurement[] {
  const rules = NETWORK_RULES[service]
  const limits = (options.mediaKind === undefined ? undefined : rules.textByMediaKind?.[options.mediaKind]) ?? rules.text

  return limits.map((limit) => ({
    length: countText(limit.unit, text, options),
    limit: limit.unit === 'mastodon' && options.mastodon !== undefined ? options.mastodon.maxCharacters : limit.limit,
    unit: limit.unit,
  }))
}

/**
 * Measures `text` for a composer's counter: of the service's limits, returns the one the text
 * uses most of (for Bluesky, graphemes or UTF-8 bytes, whichever is closer to its limit).
 */
export function measureText(service: NetworkService, text: string, options: MeasureTextOptions = {}): TextMeasurement {
  const measurements = measureTextLimits(service, text, options)

  return measurements.reduce((closest, next) => (next.length / next.limit > closest.length / closest.limit ? next : closest))
}
