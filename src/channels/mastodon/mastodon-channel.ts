// Publishing to Mastodon: media through POST /api/v2/media (202 while the instance processes it,
// then GET /api/v1/media/:id until it returns 200 instead of 206), statuses through
// POST /api/v1/statuses with an Idempotency-Key, and threads as a chain of replies. Facts from the
// Mastodon API documentation at docs.joinmastodon.org, methods media and statuses.
import { setTimeout as sleep } from 'node:timers/promises'
import { err, ok, type Result } from '../../errors/result.ts'
import type { AdapterOptions, PublishedItem, PublishItem, PublishMedia, PublishRequest } from '../channel.ts'
import { deliveredOutcome, reauthOutcome, rejectedOutcome, retryOutcome, type DeliveryOutcome } from '../delivery-outcome.ts'
import { describeErrorBody, readRetryAfterMs, sendApiRequest, type ApiResponse, type ApiResult } from '../http/api-request.ts'
import { fetchMedia } from '../media/fetch-media.ts'
import { withProgress } from '../thread-progress.ts'

/** The instance and account a Mastodon channel publishes to. */
export interface MastodonConnection {
  serverUrl: string
  accessToken: string
  /** public, unlisted, private or direct; null leaves the account's default. */
  visibility: string | null
  /** ISO 639-1 code; null lets the instance detect the language. */
  language: string | null
}

export interface MastodonPublishOptions extends AdapterOptions {
  /** How long to wait for the instance to process one upload. Default: 60000. */
  mediaProcessingBudgetMs?: number
  /** First wait between two checks of an upload; it doubles up to 5 s. Default: 500. */
  mediaPollIntervalMs?: number
}

/**
 * How long Mastodon remembers an Idempotency-Key: "Idempotency keys are stored for up to 1 hour"
 * (POST /api/v1/statuses). A repeat after that could publish a second status.
 */
export const MASTODON_IDEMPOTENCY_WINDOW_MS = 60 * 60 * 1000

const UNPROCESSED_MEDIA = /not finished processing/i
const MAX_POLL_INTERVAL_MS = 5000

/** Returns the Idempotency-Key of one item, the same for every attempt at that item of that post. */
export function mastodonIdempotencyKey(postId: string, itemIndex: number): string {
  return `pigeon-${postId}-${itemIndex}`
}

/**
 * Publishes the items of `request` that are not yet published, in order, each as a reply to the
 * one before. Returns `delivered` with the first status's id and URL once every item is out.
 * Failures map to outcomes: 401 and 403 need reconnecting, 429 and 5xx are retried (5xx and
 * timeouts with `outcomeUnknown`, since the status may exist), other 4xx are rejected with the
 * instance's reason. Items published before a failure stay published, through `onPublished`.
 */
export async function publishToMastodon(connection: MastodonConnection, request: PublishRequest, options: MastodonPublishOptions): Promise<DeliveryOutcome> {
  const published = [...request.published].sort((left, right) => left.index - right.index)
  const pending = request.items.filter((item) => !published.some((done) => done.index === item.index))

  for (const item of pending) {
    const inReplyTo = published.at(-1)?.remoteId ?? null
    const mediaIds = await uploadMedia(connection, item.media, request, options)
    if (!mediaIds.ok) return withProgress(mediaIds.error, published.length, request.items.length)

    const status = await postStatus(connection, { item, inReplyTo, mediaIds: mediaIds.value, request, options })
    if (!status.ok) return withProgress(status.error, published.length, request.items.length)
    await request.onPublished(status.value)
    published.push(status.value)
  }

  const first = published[0]
  if (first === undefined) return rejectedOutcome('The post has nothing to publish.')

  return deliveredOutcome({
    remoteId: first.remoteId,
    externalLink: first.externalLink,
    responseSummary: `Mastodon published ${published.length} status${published.length === 1 ? '' : 'es'}; the first is ${first.remoteId}.`,
  })
}

interface StatusInput {
  item: PublishItem
  inReplyTo: string | null
  mediaIds: string[]
  request: PublishRequest
  options: MastodonPublishOptions
}

async function postStatus(connection: MastodonConnection, input: StatusInput): Promise<Result<PublishedItem, DeliveryOutcome>> {
  const { item, request, options } = input
  const body = {
    status: statusText(item),
    media_ids: input.mediaIds,
    ...(input.inReplyTo !== null && { in_reply_to_id: input.inReplyTo }),
    ...(request.spoilerText !== null && request.spoilerText !== '' && { spoiler_text: request.spoilerText }),
    ...(connection.visibility !== null && { visibility: connection.visibility }),
    ...(connection.language !== null && { language: connection.language }),
  }
  const headers = {
    authorization: `Bearer ${connection.accessToken}`,
    'content-type': 'application/json',
    'idempotency-key': mastodonIdempotencyKey(request.postId, item.index),
  }
  const send = () => sendApiRequest(`${connection.serverUrl}/api/v1/statuses`, { method: 'POST', headers, body: JSON.stringify(body) }, { timeoutMs: options.requestTimeoutMs, signal: request.signal })

  let result = await send()
  // Every upload was processed before this request. A 422 about processing therefore means the
  // instance changed its mind, so Pigeon waits for the media again and repeats the request once,
  // with the same key.
  if (result.ok && result.response.status === 422 && UNPROCESSED_MEDIA.test(result.response.text)) {
    for (const id of input.mediaIds) {
      const ready = await waitForProcessing(connection, id, request, options)
      if (!ready.ok) return ready
    }
    result = await send()
  }

  return readStatus(result, item, request.now())
}

function readStatus(result: ApiResult, item: PublishItem, now: Date): Result<PublishedItem, DeliveryOutcome> {
  const label = `item ${item.index + 1}`
  if (!result.ok) {
    const unknown = result.failure.reached === 'maybe'
    const consequence = unknown ? 'It may have been published, so the retry sends the same Idempotency-Key.' : 'It was not sent.'
    return err(retryOutcome(`Mastodon did not respond to the status request for ${label}: ${result.failure.detail}. ${consequence}`, { outcomeUnknown: unknown }))
  }

  const { response } = result
  if (response.status >= 200 && response.status < 300) {
    const status = response.json as { id?: unknown; url?: unknown; uri?: unknown } | null
    if (typeof status?.id !== 'string') {
      return err(retryOutcome(`Mastodon returned HTTP ${response.status} for ${label} without a status id.`, { outcomeUnknown: true }))
    }
    const link = [status.url, status.uri].find((value): value is string => typeof value === 'string' && /^https?:\/\//.test(value)) ?? null
    return ok({ index: item.index, remoteId: status.id, remoteCid: null, externalLink: link })
  }

  return err(failureOutcome(response, `publishing ${label}`, now, true))
}

/** Uploads an item's media in order and returns the attachment ids once each is processed. */
async function uploadMedia(connection: MastodonConnection, media: PublishMedia[], request: PublishRequest, options: MastodonPublishOptions): Promise<Result<string[], DeliveryOutcome>> {
  const ids: string[] = []
  for (const entry of media) {
    if (entry.kind === 'document') return err(rejectedOutcome(`Mastodon does not accept documents; remove ${entry.url} from the post.`))
    const file = await fetchMedia(entry.url, options.media, { kind: entry.kind, signal: request.signal })
    if (!file.ok) return err(file.error.retryable ? retryOutcome(file.error.message) : rejectedOutcome(file.error.message))

    const form = new FormData()
    form.append('file', new Blob([file.value.bytes], { type: file.value.contentType }), fileNameOf(entry.url, file.value.contentType))
    if (entry.altText !== '') form.append('description', entry.altText)
    const result = await sendApiRequest(`${connection.serverUrl}/api/v2/media`, { method: 'POST', headers: { authorization: `Bearer ${connection.accessToken}` }, body: form }, { timeoutMs: options.requestTimeoutMs, signal: request.signal })
    const uploaded = readUpload(result, entry.url, request.now())
    if (!uploaded.ok) return uploaded

    if (!uploaded.value.ready) {
      const ready = await waitForProcessing(connection, uploaded.value.id, request, options)
      if (!ready.ok) return ready
    }
    ids.push(uploaded.value.id)
  }

  return ok(ids)
}

function readUpload(result: ApiResult, url: string, now: Date): Result<{ id: string; ready: boolean }, DeliveryOutcome> {
  // An upload that may or may not have arrived only leaves an unattached file, which Mastodon
  // deletes later, so it is retried like any other failure.
  if (!result.ok) return err(retryOutcome(`Mastodon did not respond to the upload of ${url}: ${result.failure.detail}.`))

  const { response } = result
  const id = (response.json as { id?: unknown } | null)?.id
  if ((response.status === 200 || response.status === 202) && typeof id === 'string') return ok({ id, ready: response.status === 200 })
  if (response.status === 413) return err(rejectedOutcome(`The instance rejected ${url} as too large (HTTP 413).`))

  return err(failureOutcome(response, `uploading ${url}`, now, false))
}

/** Polls GET /api/v1/media/:id until the instance returns 200, within the processing budget. */
async function waitForProcessing(connection: MastodonConnection, mediaId: string, request: PublishRequest, options: MastodonPublishOptions): Promise<Result<void, DeliveryOutcome>> {
  const budgetMs = options.mediaProcessingBudgetMs ?? 60_000
  const deadline = Date.now() + budgetMs
  let intervalMs = options.mediaPollIntervalMs ?? 500

  while (Date.now() < deadline) {
    try {
      await sleep(Math.min(intervalMs, Math.max(deadline - Date.now(), 0)), undefined, { signal: request.signal })
    } catch {
      return err(retryOutcome(`Waiting for Mastodon to process media ${mediaId} was cancelled.`))
    }
    intervalMs = Math.min(intervalMs * 2, MAX_POLL_INTERVAL_MS)

    const result = await sendApiRequest(`${connection.serverUrl}/api/v1/media/${encodeURIComponent(mediaId)}`, { method: 'GET', headers: { authorization: `Bearer ${connection.accessToken}` } }, { timeoutMs: options.requestTimeoutMs, signal: request.signal })
    if (!result.ok) continue
    if (result.response.status === 200) return ok(undefined)
    if (result.response.status !== 206) return err(failureOutcome(result.response, `processing media ${mediaId}`, request.now(), false))
  }

  return err(rejectedOutcome(`Mastodon did not finish processing media ${mediaId} within ${Math.round(budgetMs / 1000)} s, so the status was not published. Try a smaller file, or retry the post later.`))
}

/** Maps an error status to an outcome. `mayHavePublished` marks 5xx responses to the status request. */
function failureOutcome(response: ApiResponse, step: string, now: Date, mayHavePublished: boolean): DeliveryOutcome {
  const detail = describeErrorBody(response) || 'no details'
  const { status } = response
  if (status === 401 || status === 403) {
    return reauthOutcome(`Mastodon rejected the access token while ${step} (HTTP ${status}: ${detail}).`)
  }
  if (status === 429) {
    return retryOutcome(`Mastodon rate-limited the account while ${step} (HTTP 429); Pigeon waits until the limit resets.`, { retryAfterMs: readRetryAfterMs(response.headers, now) })
  }
  if (status >= 500 || status === 408) {
    const retryAfterMs = status === 503 ? readRetryAfterMs(response.headers, now) : null
    const consequence = mayHavePublished ? ' It may have been published, so the retry sends the same Idempotency-Key.' : ''
    return retryOutcome(`Mastodon returned HTTP ${status} while ${step} (${detail}).${consequence}`, { retryAfterMs, outcomeUnknown: mayHavePublished })
  }

  return rejectedOutcome(`Mastodon rejected the request while ${step} (HTTP ${status}: ${detail}).`)
}

/** Returns the status text, with a link card's URL appended when the text does not contain it. */
function statusText(item: PublishItem): string {
  if (item.link === null || item.text.includes(item.link.url)) return item.text

  return item.text === '' ? item.link.url : `${item.text}\n\n${item.link.url}`
}

function fileNameOf(url: string, contentType: string): string {
  const name = new URL(url).pathname.split('/').pop() ?? ''
  return name !== '' ? name : `media.${contentType.split('/')[1] ?? 'bin'}`
}
