import { err, ok, type Result } from '../errors/result.ts'
import { invalidInput, type PostError } from './post-errors.ts'

export type ShareMode = 'addToQueue' | 'shareNext' | 'shareNow' | 'customScheduled'
export type SchedulingType = 'automatic' | 'notification'

/** An asset as the API receives it: exactly one of the four kinds is set. */
export interface AssetInput {
  image?: { url: string; thumbnailUrl?: string | null; metadata?: { altText: string; animatedThumbnail?: string | null; userTags?: Array<{ handle: string; x: number; y: number }> | null } | null } | null
  video?: { url: string; thumbnailUrl?: string | null; metadata?: { thumbnailOffset?: number | null; title?: string | null } | null } | null
  document?: { url: string; thumbnailUrl: string; title: string } | null
  link?: { url: string; title?: string | null; description?: string | null; thumbnailUrl?: string | null } | null
}

/** An asset as Pigeon stores it and hands it to delivery. */
export type StoredAsset =
  | { type: 'image'; url: string; thumbnailUrl: string | null; altText: string; animatedThumbnail: string | null; userTags: Array<{ handle: string; x: number; y: number }> }
  | { type: 'video'; url: string; thumbnailOffset: number | null; title: string | null }
  | { type: 'document'; url: string; thumbnailUrl: string; title: string }
  | { type: 'link'; url: string; title: string | null; description: string | null; thumbnailUrl: string | null }

/** Longest post text Pigeon accepts, in UTF-16 code units; networks' own limits are lower. */
export const MAX_TEXT_LENGTH = 100_000
export const MAX_ASSETS = 35
/** Maximum length of a media URL, in UTF-16 code units. */
export const MAX_URL_LENGTH = 4096

/** Checks that `value` is an absolute http(s) URL without credentials in it; each failure names its rule. */
export function checkMediaUrl(field: string, value: string): Result<string, PostError> {
  if (value.length > MAX_URL_LENGTH) return err(invalidInput(field, `${field} is longer than ${MAX_URL_LENGTH} characters.`, 'URL_TOO_LONG'))

  let url: URL
  try {
    url = new URL(value)
  } catch {
    return err(invalidInput(field, `${field} "${value.slice(0, 200)}" is not a valid URL; use an absolute https:// URL.`, 'URL_INVALID'))
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return err(invalidInput(field, `${field} must use http or https, not ${url.protocol.replace(':', '')}.`, 'URL_SCHEME'))
  }
  if (url.username !== '' || url.password !== '') {
    return err(invalidInput(field, `${field} must not contain a user name or password.`, 'URL_CREDENTIALS'))
  }

  return ok(url.toString())
}

/** Validates and normalizes the asset list; every problem names its index. */
export function normalizeAssets(assets: readonly AssetInput[], field = 'assets'): Result<StoredAsset[], PostError> {
  if (assets.length > MAX_ASSETS) return err(invalidInput(field, `A post can have at most ${MAX_ASSETS} assets; got ${assets.length}.`))

  const stored: StoredAsset[] = []
  for (const [index, asset] of assets.entries()) {
    const at = `${field}[${index}]`
    const kinds = (['image', 'video', 'document', 'link'] as const).filter((kind) => asset[kind] !== undefined && asset[kind] !== null)
    if (kinds.length !== 1) {
      return err(invalidInput(at, `${at} must set exactly one of image, video, document or link; it sets ${kinds.length === 0 ? 'none' : kinds.join(' and ')}.`))
    }
    const result = normalizeAsset(asset, at)
    if (!result.ok) return result
    stored.push(result.value)
  }

  return ok(stored)
}

function normalizeAsset(asset: AssetInput, at: string): Result<StoredAsset, PostError> {
  if (asset.image) {
    const url = checkMediaUrl(`${at}.image.url`, asset.image.url)
    if (!url.ok) return url
    const thumbnail = asset.image.thumbnailUrl ? checkMediaUrl(`${at}.image.thumbnailUrl`, asset.image.thumbnailUrl) : ok(null)
    if (!thumbnail.ok) return thumbnail
    const userTags = asset.image.metadata?.userTags ?? []
    for (const [tagIndex, tag] of userTags.entries()) {
      if (!(tag.x >= 0 && tag.x <= 1 && tag.y >= 0 && tag.y <= 1)) {
        return err(invalidInput(`${at}.image.metadata.userTags[${tagIndex}]`, `User tag positions x and y must be between 0 and 1; got x=${tag.x}, y=${tag.y}.`))
      }
    }

    return ok({
      type: 'image',
      url: url.value,
      thumbnailUrl: thumbnail.value,
      altText: asset.image.metadata?.altText ?? '',
      animatedThumbnail: asset.image.metadata?.animatedThumbnail ?? null,
      userTags: userTags.map((tag) => ({ handle: tag.handle, x: tag.x, y: tag.y })),
    })
  }
  if (asset.video) {
    if (asset.video.thumbnailUrl !== undefined && asset.video.thumbnailUrl !== null) {
      return err(invalidInput(`${at}.video.thumbnailUrl`, `${at}.video.thumbnailUrl is not supported; set video.metadata.thumbnailOffset (milliseconds into the video) instead.`))
    }
    const url = checkMediaUrl(`${at}.video.url`, asset.video.url)
    if (!url.ok) return url
    const offset = asset.video.metadata?.thumbnailOffset ?? null
    if (offset !== null && offset < 0) return err(invalidInput(`${at}.video.metadata.thumbnailOffset`, 'thumbnailOffset must be 0 or more milliseconds.'))

    return ok({ type: 'video', url: url.value, thumbnailOffset: offset, title: asset.video.metadata?.title ?? null })
  }
  if (asset.document) {
    const url = checkMediaUrl(`${at}.document.url`, asset.document.url)
    if (!url.ok) return url
    const thumbnail = checkMediaUrl(`${at}.document.thumbnailUrl`, asset.document.thumbnailUrl)
    if (!thumbnail.ok) return thumbnail

    return ok({ type: 'document', url: url.value, thumbnailUrl: thumbnail.value, title: asset.document.title })
  }

  const link = asset.link!
  const url = checkMediaUrl(`${at}.link.url`, link.url)
  if (!url.ok) return url

  return ok({ type: 'link', url: url.value, title: link.title ?? null, description: link.description ?? null, thumbnailUrl: link.thumbnailUrl ?? null })
}

/** Checks the post text: its size, and that it has no lone UTF-16 surrogates. */
export function checkText(text: string): Result<string, PostError> {
  if (text.length > MAX_TEXT_LENGTH) {
    return err(invalidInput('text', `Text is ${text.length} characters long; Pigeon accepts at most ${MAX_TEXT_LENGTH}.`))
  }
  if (!text.isWellFormed()) {
    return err(invalidInput('text', 'Text contains an unpaired UTF-16 surrogate; send valid Unicode text.'))
  }

  return ok(text)
}
