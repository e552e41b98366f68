import type { PostError } from '../posts/post-errors.ts'
import { MAX_URL_LENGTH, type AssetInput, type ShareMode } from '../posts/post-input.ts'
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
  const rows = filledMediaRows(media)
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

/**
 * A post operation's failure as the composer shows it: next to a form field, or in the summary
 * when `field` is null. `media-N` is the address field of the Nth media row shown, counted from 0.
 */
export interface ComposeProblem {
  field: 'text' | 'dueAt' | `media-${number}` | null
  message: string
}

/** Form values and context that {@link composeProblem} rewords a failure with. */
export interface ComposeProblemContext {
  dueAt: Date | null
  viewerZone: string
  /** The submitted media rows, blank ones included, as {@link readComposeValues} read them. */
  media: readonly MediaRow[]
  /** The channel the post failed on, for rules that differ between networks. */
  channelName: string
}

const ASSET_PATH = /assets\[(\d+)\](\.\w+\.url)?/
const ASSET_FIELD = new RegExp(`^${ASSET_PATH.source}`)
const ASSET_PATHS = new RegExp(ASSET_PATH.source, 'g')
const SUPPORTED_SCHEMES = 'https:// or http://'

/**
 * Returns the index, among the rows that {@link mediaRowsForForm} shows, of the row that became
 * asset `assetIndex`. {@link toAssets} skips rows without an address, so the two can differ.
 */
export function mediaRowIndexOfAsset(media: readonly MediaRow[], assetIndex: number): number {
  const withAddress = filledMediaRows(media).flatMap((row, index) => (row.url === '' ? [] : [index]))

  return withAddress[assetIndex] ?? -1
}

/** Rewords a media URL rule for the address field of media row `rowNumber` (counted from 1). */
function mediaUrlMessage(rule: string | undefined, rowNumber: number, url: string): string | null {
  const label = `Media address ${rowNumber}`
  switch (rule) {
    case 'URL_INVALID':
      return `${label} ("${url.slice(0, 200)}") is not a valid URL; enter a full address that starts with ${SUPPORTED_SCHEMES}.`
    case 'URL_SCHEME':
      return `${label} starts with ${url.slice(0, url.indexOf(':') + 1)}, which Pigeon does not fetch; enter an address that starts with ${SUPPORTED_SCHEMES}.`
    case 'URL_CREDENTIALS':
      return `${label} contains a user name or password; remove them from the address.`
    case 'URL_TOO_LONG':
      return `${label} is ${url.length} characters long; Pigeon accepts at most ${MAX_URL_LENGTH}.`
    default:
      return null
  }
}

/** Places an error about `assets[N]` next to the media row it came from, in the page's words. */
function mediaProblem(error: { field: string; message: string; rule?: string }, media: readonly MediaRow[]): ComposeProblem | null {
  const match = ASSET_FIELD.exec(error.field)
  if (match === null) return null
  const rowIndex = mediaRowIndexOfAsset(media, Number(match[1]))
  if (rowIndex === -1) return null

  const rowNumber = rowIndex + 1
  const url = filledMediaRows(media)[rowIndex]?.url ?? ''
  const reworded = match[2] === undefined ? null : mediaUrlMessage(error.rule, rowNumber, url)
  // Other rules (a network's media limits, for example) keep their message, with the API's path replaced by the row's name.
  const message = reworded ?? error.message.replace(ASSET_PATHS, (path: string) => (path.endsWith('.url') ? `media address ${rowNumber}` : `media item ${rowNumber}`))

  return { field: `media-${rowIndex}`, message }
}

/**
 * Rewords a domain failure for the composer. A broken rule about a field of the form is placed
 * next to that field and described in the page's terms (media address, Share now) and the
 * viewer's zone. A text rule of one network names the channel. Every other failure keeps the
 * domain's message for the summary.
 */
export function composeProblem(error: PostError, context: ComposeProblemContext): ComposeProblem {
  if (error.code !== 'INVALID_INPUT') return { field: null, message: error.message }
  if (error.rule === 'CONTENT_MISSING') {
    return { field: 'text', message: 'Text is required when the post has no media.' }
  }
  if (error.rule === 'DUE_AT_NOT_IN_FUTURE' && context.dueAt !== null) {
    return { field: 'dueAt', message: `${formatInZone(context.dueAt.getTime(), context.viewerZone)} (${context.viewerZone}) is in the past; pick a later time, or choose Share now.` }
  }
  if (error.field === 'text' && error.rule === 'NETWORK_TEXT_RULE') {
    return { field: 'text', message: `${context.channelName}: ${error.message.replace(/^text /, 'the text ')}` }
  }
  if (error.field === 'text') return { field: 'text', message: error.message }

  return mediaProblem(error, context.media) ?? { field: null, message: error.message }
}

/**
 * Adds a problem to the composer's field errors. A field that already has a different message
 * keeps both, so each channel's own limit stays visible; an identical message is shown once.
 */
export function addFieldProblem(errors: Record<string, string>, field: string, message: string): void {
  const existing = errors[field]
  if (existing === undefined) errors[field] = message
  else if (!existing.includes(message)) errors[field] = `${existing} ${message}`
}

/** Returns the media rows that have an address or alt text, in order: the rows the form shows filled. */
function filledMediaRows(media: readonly MediaRow[]): MediaRow[] {
  return media.filter((row) => row.url !== '' || row.altText !== '')
}
