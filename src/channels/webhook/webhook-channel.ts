import { deliveredOutcome, reauthOutcome, rejectedOutcome, retryOutcome } from '../delivery-outcome.ts'
import type { DeliveryOutcome } from '../delivery-outcome.ts'
import { err, ok } from '../../errors/result.ts'
import type { Result } from '../../errors/result.ts'
import { parseWebhookSecret, signWebhook } from './standard-webhooks.ts'

/** One attempt to POST a signed JSON payload to a webhook channel's URL. */
export type WebhookDeliveryRequest = {
  url: string
  /** The channel's `whsec_` signing secret. */
  secret: string
  /** Stable across retries of the same post, so the receiver can drop duplicates. */
  webhookId: string
  /** JSON payload, sent exactly as given. */
  body: string
  /** Attempt time: signed as webhook-timestamp, and the reference for an HTTP-date Retry-After. */
  now: Date
  /** Limit for the whole exchange, from connecting to reading the response body. */
  timeoutMs: number
  /** Cancels the attempt, for example on worker shutdown. */
  signal?: AbortSignal
  userAgent: string
}

/** Error for an unusable webhook URL. The message never repeats credentials or the query string. */
export type WebhookUrlError = { code: 'INVALID_WEBHOOK_URL'; message: string }

// The body is read only for an `id`, a link and an excerpt, so a larger one is cut off rather than
// held in memory.
const MAX_RESPONSE_BYTES = 64 * 1024
const MAX_EXCERPT_CHARS = 200
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000
// Connection errors raised before any byte of the request was written, so the receiver cannot
// have seen it.
const NOT_SENT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/**
 * Checks that a webhook URL is an absolute http or https URL with a host and without a username or
 * password. Returns INVALID_WEBHOOK_URL with a message that names the problem and the fix; a blank
 * URL is reported as missing.
 * @remarks Limitation: it does not block loopback or private-network hosts, so whoever may set a
 * webhook URL can make the worker send requests to internal services.
 */
export function validateWebhookUrl(url: string): Result<URL, WebhookUrlError> {
  if (url.trim() === '') {
    return invalidUrl('The webhook address is missing. Enter the address that should receive this channel\'s posts, such as https://example.com/hooks/pigeon.')
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    // The URL parser rejects an http(s) URL without a host, so name that case before the generic one.
    const problem = /^\s*https?:\/\/(?:[/?#:]|\s*$)/i.test(url) ? 'the host is missing' : 'it is not a valid absolute URL'
    return invalidUrl(
      `Invalid webhook URL: ${problem}. Use a full address such as https://example.com/hooks/pigeon.`,
    )
  }

  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return invalidUrl(
      `Invalid webhook URL: the scheme "${parsed.protocol.slice(0, -1)}" is not supported. Use an http or https URL.`,
    )
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return invalidUrl(
      'Invalid webhook URL: it contains a username or password. Remove them, because the receiver can verify deliveries with the webhook-signature header instead.',
    )
  }

  return ok(parsed)
}

/**
 * Sends one signed delivery (Standard Webhooks headers, `content-type: application/json`) and
 * classifies the result:
 * - 2xx: `delivered`. `remoteId` is a JSON response's string `id`. `externalLink` is its
 *   `externalLink` or else its `url` field, when that is an http(s) URL.
 * - 408, 425, 429 and 5xx: `retry`. A Retry-After on 429 or 503 sets `retryAfterMs` (at most 1 h).
 * - 3xx, 410 and other 4xx: `rejected`, because redirects are not followed and a client error repeats.
 * - No response: `retry`. `outcomeUnknown` is false only for connection errors raised before the
 *   request was written, such as ECONNREFUSED or a DNS failure.
 * - Invalid URL: `rejected`. Invalid secret: `reauth`, because every post on the channel would fail.
 * Messages name the URL without its query string, which may contain a token.
 * @remarks Limitation: fetch does not report whether the request was written before a timeout, so
 * every timeout before the response headers gives `outcomeUnknown: true`, even one while connecting.
 */
export async function deliverWebhook(request: WebhookDeliveryRequest): Promise<DeliveryOutcome> {
  const { secret, webhookId, body, now, timeoutMs } = request
  const validated = validateWebhookUrl(request.url)
  if (!validated.ok) return rejectedOutcome(validated.error.message)
  const target = describeUrl(validated.value)
  if (!parseWebhookSecret(secret).ok) {
    return reauthOutcome(
      `The signing secret of the webhook channel for ${target} is invalid, so deliveries cannot be signed. Generate a new secret for the channel and give it to the receiver.`,
    )
  }
  if (request.signal?.aborted) {
    return retryOutcome(`Webhook delivery to ${target} was cancelled before it was sent.`)
  }

  const signatureHeaders = signWebhook({ secret, webhookId, timestamp: now, body })
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout
  let response: Response
  try {
    response = await fetch(validated.value, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': request.userAgent, ...signatureHeaders },
      body,
      redirect: 'manual',
      signal,
    })
  } catch (error) {
    const cancelled = request.signal?.aborted === true
    return classifyFetchError(error, { target, timedOut: timeout.aborted, cancelled, timeoutMs })
  }

  const responseBody = await readCappedText(response)

  return classifyResponse(response, responseBody, { target, base: validated.value, now })
}

function classifyResponse(
  response: Response,
  responseBody: CappedText,
  context: { target: string; base: URL; now: Date },
): DeliveryOutcome {
  const { status } = response
  const { target } = context
  const excerpt = excerptOf(responseBody.text)
  const quoted = excerpt === '' ? '' : `: "${excerpt}"`
  if (status >= 200 && status <= 299) {
    return deliveredOutcome({ ...readCreatedItem(responseBody), responseSummary: `HTTP ${status}${quoted}` })
  }
  if (status >= 300 && status <= 399) {
    const location = describeLocation(response.headers.get('location'), context.base)
    return rejectedOutcome(
      `Webhook endpoint ${target} redirected with HTTP ${status}${location}, and redirects are not followed. Set the channel's URL to the final URL.`,
    )
  }
  if (status === 410) {
    return rejectedOutcome(
      `Webhook endpoint ${target} returned HTTP 410 Gone, so it no longer accepts deliveries. Update the channel's URL or remove the channel.`,
    )
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    const honoursRetryAfter = status === 429 || status === 503
    const retryAfterMs = honoursRetryAfter ? parseRetryAfter(response.headers.get('retry-after'), context.now) : null
    // A 504 comes from a gateway that stopped waiting, so the receiver behind it may have
    // processed the request.
    return retryOutcome(
      `Webhook receiver at ${target} returned HTTP ${status}${quoted}. Delivery will be retried. Check the receiver's logs if this repeats.`,
      { retryAfterMs, outcomeUnknown: status === 504 },
    )
  }

  const signatureHint =
    status === 401 || status === 403
      ? " If the receiver verifies signatures, check that it uses this channel's signing secret."
      : ''
  return rejectedOutcome(
    `Webhook receiver at ${target} rejected the delivery with HTTP ${status}${quoted}. It will not be retried. Fix the receiver or the payload it expects.${signatureHint}`,
  )
}

function classifyFetchError(
  error: unknown,
  context: { target: string; timedOut: boolean; cancelled: boolean; timeoutMs: number },
): DeliveryOutcome {
  const { target } = context
  if (context.timedOut) {
    return retryOutcome(
      `Webhook receiver at ${target} did not respond within ${context.timeoutMs} ms. It may have received the request, so the retry reuses the same webhook-id for deduplication.`,
      { outcomeUnknown: true },
    )
  }
  if (context.cancelled) {
    return retryOutcome(
      `Webhook delivery to ${target} was cancelled while in progress. The receiver may have received the request, so the retry reuses the same webhook-id for deduplication.`,
      { outcomeUnknown: true },
    )
  }
  // Node's fetch (undici) reports every network failure as a TypeError whose cause is the socket,
  // DNS or TLS error. Any other error is a bug and is rethrown.
  if (!(error instanceof TypeError) || !(error.cause instanceof Error)) throw error

  const code = readErrorCode(error.cause)
  // NOTE: undici signals a port on the Fetch standard's blocked list only through this message.
  if (code === undefined && error.cause.message === 'bad port') {
    return rejectedOutcome(
      `Webhook URL ${target} uses a port that fetch blocks for safety. Serve the receiver on another port, such as 443.`,
    )
  }
  if (code !== undefined && NOT_SENT_ERROR_CODES.has(code)) {
    return retryOutcome(
      `Could not connect to webhook receiver at ${target} (${code}), so the request was not sent. Check that the host resolves and the receiver is running. Delivery will be retried.`,
    )
  }

  return retryOutcome(
    `Connection to webhook receiver at ${target} failed before a response (${code ?? error.cause.message}). It may have received the request, so the retry reuses the same webhook-id for deduplication.`,
    { outcomeUnknown: true },
  )
}

type CappedText = { text: string; complete: boolean }

/** Reads at most MAX_RESPONSE_BYTES of the body. A read error ends the text where it happened. */
async function readCappedText(response: Response): Promise<CappedText> {
  if (response.body === null) return { text: '', complete: true }

  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let complete = false
  try {
    while (size < MAX_RESPONSE_BYTES) {
      const { done, value } = await reader.read()
      if (done) {
        complete = true
        break
      }
      const chunk = value.subarray(0, MAX_RESPONSE_BYTES - size)
      chunks.push(chunk)
      size += chunk.byteLength
    }
  } catch {
    // The status has already arrived and decides the outcome, so a body cut short by a reset or
    // the timeout only leaves the text incomplete.
  } finally {
    if (!complete) await reader.cancel().catch(() => undefined)
  }

  return { text: new TextDecoder().decode(Buffer.concat(chunks)), complete }
}

function readCreatedItem(body: CappedText): { remoteId: string | null; externalLink: string | null } {
  const none = { remoteId: null, externalLink: null }
  if (!body.complete) return none
  let parsed: unknown
  try {
    parsed = JSON.parse(body.text)
  } catch {
    return none
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return none

  const fields = parsed as Record<string, unknown>
  const remoteId = typeof fields.id === 'string' && fields.id !== '' ? fields.id : null
  const externalLink = [fields.externalLink, fields.url].find(isHttpUrl) ?? null

  return { remoteId, externalLink }
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !URL.canParse(value)) return false

  const { protocol } = new URL(value)
  return protocol === 'http:' || protocol === 'https:'
}

/**
 * Parses Retry-After as delay-seconds or an HTTP-date (RFC 9110, section 10.2.3) relative to `now`,
 * capped at MAX_RETRY_AFTER_MS. Returns null when the header is missing or invalid.
 */
function parseRetryAfter(header: string | null, now: Date): number | null {
  if (header === null) return null
  const value = header.trim()

  let delayMs: number
  if (/^\d+$/.test(value)) {
    delayMs = Number(value) * 1000
  } else {
    const date = Date.parse(value)
    if (Number.isNaN(date)) return null
    delayMs = Math.max(date - now.getTime(), 0)
  }

  return Math.min(delayMs, MAX_RETRY_AFTER_MS)
}

/** Origin and path only: userinfo, the query string and the fragment may hold secrets. */
function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`
}

function describeLocation(location: string | null, base: URL): string {
  if (location === null || !URL.canParse(location, base.href)) return ''

  return ` to ${describeUrl(new URL(location, base))}`
}

function excerptOf(text: string): string {
  // Collapse whitespace and control characters so the excerpt stays on one line in logs.
  const flat = text.replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim()

  return flat.length > MAX_EXCERPT_CHARS ? `${flat.slice(0, MAX_EXCERPT_CHARS)}…` : flat
}

function readErrorCode(cause: Error): string | undefined {
  const { code, errors } = cause as Error & { code?: unknown; errors?: unknown }
  if (typeof code === 'string') return code
  // With several addresses for a host, Node's connect reports an AggregateError of each attempt.
  if (Array.isArray(errors) && typeof errors[0]?.code === 'string') return errors[0].code as string

  return undefined
}

function invalidUrl(message: string): Result<never, WebhookUrlError> {
  return err({ code: 'INVALID_WEBHOOK_URL', message })
}
