import type { PostError } from '../posts/post-errors.ts'
import type { AssetInput, ShareMode } from '../posts/post-input.ts'
import { field, fieldList, type FormBody } from './form.ts'
import { formatInZone, localToInstant } from './zoned-time.ts'

/** Media kinds the composer offers; documents need a thumbnail and title, so they stay API-only. */
export const MEDIA_TYPES = ['image', 'video', 'link'] as const
/** Media rows the composer shows. */
export const MEDIA_ROWS = 4
export const SHARE_MODES: readonly ShareMode[] = ['addToQueue', 'shareNext', 'shareNow', 'customScheduled']

export interface MediaRow {
  type: string
  url: string
  altText: string
}

/** Values typed into the composer, kept to show the form again after an error. */
export interface ComposeValues {
  channelIds: string[]
  text: string
  media: MediaRow[]
  /** A share mode, or 'keep' when editing leaves the timing alone. */
  mode: string
  dueDate: string
  dueTime: string
  /** The idea the post is made from, or '' for none. */
  ideaId: string
}

export function readComposeValues(form: FormBody): ComposeValues {
  const types = fieldList(form, 'mediaType')
  const urls = fieldList(form, 'mediaUrl')
  const alts = fieldList(form, 'mediaAlt')
  const media = urls.map((url, index) => ({ type: types[index] ?? 'image', url: url.trim(), altText: alts[index] ?? '' }))

  return {
    channelIds: fieldList(form, 'channelIds'),
    text: field(form, 'text').replace(/\r\n/g, '\n'),
    media,
    mode: field(form, 'mode') || 'addToQueue',
    dueDate: field(form, 'dueDate'),
    dueTime: field(form, 'dueTime'),
    ideaId: field(form, 'ideaId'),
  }
}

/** Fills the media rows up to {@link MEDIA_ROWS} blank ones, keeping what was typed. */
export function mediaRowsForForm(media: readonly MediaRow[]): MediaRow[] {
  const rows = media.filter((row) => row.url !== '' || row.altText !== '')
  while (rows.length < MEDIA_ROWS) rows.push({ type: 'image', url: '', altText: '' })

  return rows
}

/** Turns filled media rows into the API's asset input; the domain checks the URLs. */
export function toAssets(media: readonly MediaRow[]): AssetInput[] {
  return media
    .filter((row) => row.url !== '')
    .map((row) => {
      if (row.type === 'video') return { video: { url: row.url } }
      if (row.type === 'link') return { link: { url: row.url } }
      return { image: { url: row.url, metadata: { altText: row.altText.trim() } } }
    })
}

/** Turns filled media rows into an idea's media; the domain checks the URLs and types. */
export function toIdeaMedia(media: readonly MediaRow[]): Array<{ url: string; alt: string | null; type: string }> {
  return media.filter((row) => row.url !== '').map((row) => ({ url: row.url, alt: row.altText.trim() || null, type: row.type }))
}

/** Media rows of a stored idea, for a composer started from it. */
export function mediaRowsFromIdea(media: ReadonlyArray<{ url: string; alt: string | null; type: string }>): MediaRow[] {
  return media.map((item) => ({ type: item.type, url: item.url, altText: item.alt ?? '' }))
}

/** Media rows of a stored post, for the edit form. */
export function mediaRowsFromAssets(assets: readonly unknown[]): MediaRow[] {
  return assets.map((asset) => {
    const value = (asset ?? {}) as { type?: unknown; url?: unknown; altText?: unknown }
    return { type: typeof value.type === 'string' ? value.type : 'link', url: typeof value.url === 'string' ? value.url : '', altText: typeof value.altText === 'string' ? value.altText : '' }
  })
}

export function isShareMode(mode: string): mode is ShareMode {
  return (SHARE_MODES as readonly string[]).includes(mode)
}

/** Reads the custom due time typed in the viewer's zone, when the mode needs one. */
export function readDueAt(values: ComposeValues, timeZone: string): { ok: true; value: Date | null } | { ok: false; message: string } {
  if (values.mode !== 'customScheduled') return { ok: true, value: null }
  if (values.dueDate === '' || values.dueTime === '') return { ok: false, message: 'Choose the date and time to publish at.' }

  return localToInstant(values.dueDate, values.dueTime, timeZone)
}

/** A post operation's failure as the composer shows it: next to a form field, or in the summary when `field` is null. */
export interface ComposeProblem {
  field: 'text' | 'dueAt' | null
  message: string
}

/**
 * Rewords a domain failure for the composer. A broken rule about a field of the form is described
 * in the page's terms (media, Share now) and the viewer's zone. Every other failure keeps the
 * domain's message.
 */
export function composeProblem(error: PostError, dueAt: Date | null, viewerZone: string): ComposeProblem {
  if (error.code === 'INVALID_INPUT' && error.rule === 'CONTENT_MISSING') {
    return { field: 'text', message: 'Text is required when the post has no media.' }
  }
  if (error.code === 'INVALID_INPUT' && error.rule === 'DUE_AT_NOT_IN_FUTURE' && dueAt !== null) {
    return { field: 'dueAt', message: `${formatInZone(dueAt.getTime(), viewerZone)} (${viewerZone}) is in the past; pick a later time, or choose Share now.` }
  }

  return { field: null, message: error.message }
}
