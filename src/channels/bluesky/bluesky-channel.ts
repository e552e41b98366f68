// Publishing to Bluesky. Each item is an app.bsky.feed.post record written with
// com.atproto.repo.createRecord at a record key derived from the post. Images are blobs from
// com.atproto.repo.uploadBlob, at most 1,000,000 bytes each and 4 per post (app.bsky.embed.images
// lexicon). Link cards are app.bsky.embed.external. Thread replies carry strong references (uri
// and cid) to the thread's root and to their parent.
import { err, ok, type Result } from '../../errors/result.ts'
import type { AdapterOptions, PublishedItem, PublishItem, PublishRequest } from '../channel.ts'
import { deliveredOutcome, reauthOutcome, rejectedOutcome, retryOutcome, type DeliveryOutcome } from '../delivery-outcome.ts'
import { describeErrorBody, readRetryAfterMs, sendApiRequest, type ApiResponse, type ApiResult } from '../http/api-request.ts'
import { fetchMedia } from '../media/fetch-media.ts'
import { withProgress } from '../thread-progress.ts'
import { refreshSession, tokenExpiresAt, xrpcUrl, type BlueskySession } from './bluesky-session.ts'
import { blueskyRecordKey, MAX_THREAD_ITEMS } from './record-key.ts'
import { detectFacets } from './rich-text.ts'

/** Storage of a channel's Bluesky session, so refreshed tokens outlive the attempt. */
export interface BlueskySessionStore {
  /** Stores a refreshed session before it is used. */
  save(session: BlueskySession): Promise<void>
  /** Reads the stored session again, because another worker may have refreshed it meanwhile. */
  reload(): Promise<BlueskySession | null>
}

export interface BlueskyConnection {
  session: BlueskySession
  store: BlueskySessionStore
  /** Language tag for the `langs` field, or null to leave it out. */
  language: string | null
}

/** Largest image blob the app.bsky.embed.images lexicon accepts, in bytes. */
export const MAX_IMAGE_BYTES = 1_000_000
const MAX_IMAGES = 4
const POST_COLLECTION = 'app.bsky.feed.post'
// A token this close to expiry is refreshed before the attempt starts.
const REFRESH_MARGIN_MS = 60_000

type StrongRef = { uri: string; cid: string }

/**
 * Publishes the items of `request` that are not yet published. On a repeat, an item whose derived
 * record key already contains a record counts as published, because the earlier attempt wrote it. An expired
 * access token is refreshed once (and the refreshed session stored); if the refresh is refused,
 * the outcome is `reauth`. Returns `delivered` with the first record's at:// URI and its bsky.app link.
 */
export async function publishToBluesky(connection: BlueskyConnection, request: PublishRequest, options: AdapterOptions): Promise<DeliveryOutcome> {
  if (request.items.length > MAX_THREAD_ITEMS) {
    return rejectedOutcome(`Pigeon publishes at most ${MAX_THREAD_ITEMS} thread items to Bluesky; this post has ${request.items.length}.`)
  }
  const client = new XrpcClient(connection, request, options)
  const fresh = await client.refreshIfExpiring()
  if (!fresh.ok) return fresh.error

  const published = [...request.published].sort((left, right) => left.index - right.index)
  for (const item of request.items.filter((entry) => !published.some((done) => done.index === entry.index))) {
    const written = await publishItem(client, item, published, request, options)
    if (!written.ok) return withProgress(written.error, published.length, request.items.length)
    await request.onPublished(written.value)
    published.push(written.value)
  }

  const first = published[0]
  if (first === undefined) return rejectedOutcome('The post has nothing to publish.')

  return deliveredOutcome({
    remoteId: first.remoteId,
    externalLink: first.externalLink,
    responseSummary: `Bluesky stored ${published.length} record${published.length === 1 ? '' : 's'}; the first is ${first.remoteId}.`,
  })
}

async function publishItem(client: XrpcClient, item: PublishItem, published: PublishedItem[], request: PublishRequest, options: AdapterOptions): Promise<Result<PublishedItem, DeliveryOutcome>> {
  const rkey = blueskyRecordKey(request.postId, item.index)
  if (request.isRepeat) {
    const existing = await client.findRecord(rkey)
    if (!existing.ok) return existing
    if (existing.value !== null) return ok(client.toPublished(item.index, rkey, existing.value))
  }

  const record = await buildRecord(client, item, published, request, options)
  if (!record.ok) return record
  const body = { repo: client.session.did, collection: POST_COLLECTION, rkey, validate: true, record: record.value }
  const result = await client.call('POST', 'com.atproto.repo.createRecord', { json: body })
  if (!result.ok) return result

  const { response } = result.value
  const created = response.json as { uri?: unknown; cid?: unknown } | null
  if (response.status === 200 && typeof created?.uri === 'string' && typeof created.cid === 'string') {
    return ok(client.toPublished(item.index, rkey, { uri: created.uri, cid: created.cid }))
  }
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    // The PDS rejects a second record at a key, so a rejection may mean an earlier attempt wrote
    // this item. Reading the key distinguishes the two cases.
    const existing = await client.findRecord(rkey)
    if (existing.ok && existing.value !== null) return ok(client.toPublished(item.index, rkey, existing.value))
  }

  return err(failureOutcome(response, `writing item ${item.index + 1}`, request.now(), true))
}

async function buildRecord(client: XrpcClient, item: PublishItem, published: PublishedItem[], request: PublishRequest, options: AdapterOptions): Promise<Result<Record<string, unknown>, DeliveryOutcome>> {
  const embed = await buildEmbed(client, item, request, options)
  if (!embed.ok) return embed
  const facets = await detectFacets(item.text, (handle) => client.resolveHandle(handle))
  const root = published.find((entry) => entry.index === 0)
  const parent = published.at(-1)
  if (item.index > 0 && (root?.remoteCid == null || parent?.remoteCid == null)) {
    return err(rejectedOutcome(`Item ${item.index + 1} of the thread has no published parent to reply to.`))
  }

  return ok({
    $type: POST_COLLECTION,
    text: item.text,
    createdAt: request.now().toISOString(),
    ...(facets.length > 0 && { facets }),
    ...(client.language !== null && { langs: [client.language] }),
    ...(embed.value !== null && { embed: embed.value }),
    ...(item.index > 0 && { reply: { root: { uri: root!.remoteId, cid: root!.remoteCid }, parent: { uri: parent!.remoteId, cid: parent!.remoteCid } } }),
  })
}

/** Images (with alt text) or a link card; Bluesky allows one embed per record. */
async function buildEmbed(client: XrpcClient, item: PublishItem, request: PublishRequest, options: AdapterOptions): Promise<Result<Record<string, unknown> | null, DeliveryOutcome>> {
  const unsupported = item.media.find((entry) => entry.kind !== 'image')
  if (unsupported !== undefined) {
    return err(rejectedOutcome(`Pigeon publishes only images to Bluesky, not ${unsupported.kind}s; remove ${unsupported.url} from the post.`))
  }
  if (item.media.length > MAX_IMAGES) return err(rejectedOutcome(`Bluesky takes at most ${MAX_IMAGES} images per post; item ${item.index + 1} has ${item.media.length}.`))

  if (item.media.length > 0) {
    const images = []
    for (const entry of item.media) {
      const file = await fetchMedia(entry.url, options.media, { kind: 'image', maxBytes: MAX_IMAGE_BYTES, limitOwner: 'Bluesky', signal: request.signal })
      if (!file.ok) return err(file.error.retryable ? retryOutcome(file.error.message) : rejectedOutcome(file.error.message))
      const blob = await client.uploadBlob(file.value.bytes, file.value.contentType, entry.url)
      if (!blob.ok) return blob
      images.push({ alt: entry.altText, image: blob.value })
    }
    return ok({ $type: 'app.bsky.embed.images', images })
  }
  if (item.link === null) return ok(null)

  const { link } = item
  // A thumbnail that cannot be fetched or is too large leaves the card without one, rather than
  // holding the whole post back.
  let thumb: unknown = null
  if (link.thumbnailUrl !== null) {
    const file = await fetchMedia(link.thumbnailUrl, options.media, { kind: 'image', maxBytes: MAX_IMAGE_BYTES, limitOwner: 'Bluesky', signal: request.signal })
    const blob = file.ok ? await client.uploadBlob(file.value.bytes, file.value.contentType, link.thumbnailUrl) : null
    if (blob?.ok) thumb = blob.value
  }

  return ok({ $type: 'app.bsky.embed.external', external: { uri: link.url, title: link.title ?? '', description: link.description ?? '', ...(thumb !== null && { thumb }) } })
}

/** XRPC calls with the channel's session, refreshing it once when the PDS reports it expired. */
class XrpcClient {
  session: BlueskySession
  readonly language: string | null
  private refreshed = false

  constructor(
    private readonly connection: BlueskyConnection,
    private readonly request: PublishRequest,
    private readonly options: AdapterOptions,
  ) {
    this.session = connection.session
    this.language = connection.language
  }

  async refreshIfExpiring(): Promise<Result<void, DeliveryOutcome>> {
    const expiresAt = tokenExpiresAt(this.session.accessJwt)
    if (expiresAt === null || expiresAt - this.request.now().getTime() > REFRESH_MARGIN_MS) return ok(undefined)

    return this.refresh()
  }

  /** Sends a call; an ExpiredToken or 401 response triggers one refresh and one repeat. */
  async call(method: 'GET' | 'POST', nsid: string, input: { json?: unknown; params?: Record<string, string>; bytes?: Uint8Array; contentType?: string }): Promise<Result<{ response: ApiResponse }, DeliveryOutcome>> {
    for (;;) {
      const headers: Record<string, string> = { authorization: `Bearer ${this.session.accessJwt}` }
      let body: string | Uint8Array | undefined
      if (input.json !== undefined) {
        headers['content-type'] = 'application/json'
        body = JSON.stringify(input.json)
      } else if (input.bytes !== undefined) {
        headers['content-type'] = input.contentType ?? 'application/octet-stream'
        body = input.bytes
      }
      const result = await sendApiRequest(xrpcUrl(this.session.serviceUrl, nsid, input.params), { method, headers, body }, { timeoutMs: this.options.requestTimeoutMs, signal: this.request.signal })
      if (!result.ok) return err(noAnswerOutcome(result, nsid, method === 'POST' && nsid === 'com.atproto.repo.createRecord'))
      if (!isExpiredSession(result.response) || this.refreshed) return ok({ response: result.response })

      const renewed = await this.refresh()
      if (!renewed.ok) return renewed
    }
  }

  async refresh(): Promise<Result<void, DeliveryOutcome>> {
    this.refreshed = true
    const stored = await this.connection.store.reload()
    const storedExpiry = stored === null ? null : tokenExpiresAt(stored.accessJwt)
    if (stored !== null && stored.accessJwt !== this.session.accessJwt && (storedExpiry === null || storedExpiry > this.request.now().getTime() + REFRESH_MARGIN_MS)) {
      this.session = stored
      return ok(undefined)
    }

    const renewed = await refreshSession(this.session, this.options.requestTimeoutMs)
    if (!renewed.ok) {
      return err(renewed.error.unauthorized ? reauthOutcome(`Bluesky refused to refresh the session of ${this.session.handle}: ${renewed.error.message}`) : retryOutcome(renewed.error.message))
    }
    await this.connection.store.save(renewed.value)
    this.session = renewed.value

    return ok(undefined)
  }

  /** Reads the record at a key of this account: its reference, or null when there is none. */
  async findRecord(rkey: string): Promise<Result<StrongRef | null, DeliveryOutcome>> {
    const result = await this.call('GET', 'com.atproto.repo.getRecord', { params: { repo: this.session.did, collection: POST_COLLECTION, rkey } })
    if (!result.ok) return result

    const { response } = result.value
    const found = response.json as { uri?: unknown; cid?: unknown; error?: unknown } | null
    if (response.status === 200 && typeof found?.uri === 'string' && typeof found.cid === 'string') return ok({ uri: found.uri, cid: found.cid })
    if (response.status === 400 && found?.error === 'RecordNotFound') return ok(null)

    return err(failureOutcome(response, `checking for record ${rkey}`, this.request.now(), false))
  }

  async uploadBlob(bytes: Buffer, contentType: string, source: string): Promise<Result<unknown, DeliveryOutcome>> {
    const result = await this.call('POST', 'com.atproto.repo.uploadBlob', { bytes, contentType })
    if (!result.ok) return result

    const { response } = result.value
    const blob = (response.json as { blob?: unknown } | null)?.blob
    if (response.status === 200 && typeof blob === 'object' && blob !== null) return ok(blob)

    return err(failureOutcome(response, `uploading ${source}`, this.request.now(), false))
  }

  /** Resolves a mentioned handle with com.atproto.identity.resolveHandle; null when it fails. */
  async resolveHandle(handle: string): Promise<string | null> {
    const result = await this.call('GET', 'com.atproto.identity.resolveHandle', { params: { handle } })
    const did = result.ok && result.value.response.status === 200 ? (result.value.response.json as { did?: unknown } | null)?.did : null

    return typeof did === 'string' ? did : null
  }

  toPublished(index: number, rkey: string, ref: StrongRef): PublishedItem {
    return { index, remoteId: ref.uri, remoteCid: ref.cid, externalLink: `https://bsky.app/profile/${this.session.did}/post/${rkey}` }
  }
}

function isExpiredSession(response: ApiResponse): boolean {
  const error = (response.json as { error?: unknown } | null)?.error
  return (response.status === 400 && error === 'ExpiredToken') || response.status === 401
}

function noAnswerOutcome(result: Extract<ApiResult, { ok: false }>, nsid: string, mayHaveWritten: boolean): DeliveryOutcome {
  const unknown = mayHaveWritten && result.failure.reached === 'maybe'
  const consequence = unknown ? ' The record may exist, so the retry first reads its record key.' : ''

  return retryOutcome(`Bluesky did not respond to ${nsid}: ${result.failure.detail}.${consequence}`, { outcomeUnknown: unknown })
}

function failureOutcome(response: ApiResponse, step: string, now: Date, mayHaveWritten: boolean): DeliveryOutcome {
  const detail = describeErrorBody(response) || 'no details'
  const { status } = response
  if (status === 401 || status === 403 || isExpiredSession(response)) {
    return reauthOutcome(`Bluesky rejected the session while ${step} (HTTP ${status}: ${detail}).`)
  }
  if (status === 429) {
    return retryOutcome(`Bluesky rate-limited the account while ${step} (HTTP 429); Pigeon waits until the limit resets.`, { retryAfterMs: readRetryAfterMs(response.headers, now) })
  }
  if (status >= 500 || status === 408) {
    const consequence = mayHaveWritten ? ' The record may exist, so the retry first reads its record key.' : ''
    return retryOutcome(`Bluesky returned HTTP ${status} while ${step} (${detail}).${consequence}`, { outcomeUnknown: mayHaveWritten })
  }

  return rejectedOutcome(`Bluesky rejected the request while ${step} (HTTP ${status}: ${detail}).`)
}
