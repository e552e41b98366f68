// Signing and verification per the Standard Webhooks specification 1.0.0
// (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
// HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`, sent as `v1,<base64>` entries in
// the webhook-signature header. Receivers can use verifyWebhook as the reference for their side.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { err, ok } from '../../errors/result.ts'
import type { Result } from '../../errors/result.ts'

/** Prefix that marks a symmetric Standard Webhooks signing secret. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_'

// The specification requires symmetric keys of 24 to 64 bytes (192 to 512 bits).
const MIN_SECRET_BYTES = 24
const MAX_SECRET_BYTES = 64
const GENERATED_SECRET_BYTES = 32
const SIGNATURE_VERSION = 'v1'
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/
// Printable ASCII without spaces, so the ID is a valid header value. A full stop would make the
// signed content ambiguous, because it separates the ID from the timestamp.
const WEBHOOK_ID_PATTERN = /^[\x21-\x2d\x2f-\x7e]+$/

/** The three headers a signed delivery carries. */
export type WebhookSignatureHeaders = {
  'webhook-id': string
  /** Attempt time in whole seconds since the Unix epoch. */
  'webhook-timestamp': string
  /** Space-separated `v1,<base64 HMAC-SHA256>` entries, one per signing secret. */
  'webhook-signature': string
}

/** Request headers as fetch's `Headers` or as a plain object such as Node's `IncomingHttpHeaders`. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/** Error for an unusable signing secret. The message never contains the secret. */
export type WebhookSecretError = { code: 'INVALID_WEBHOOK_SECRET'; message: string }

/** Error for a received webhook that failed verification. */
export type WebhookVerificationError = {
  code:
    | 'MISSING_WEBHOOK_HEADER'
    | 'INVALID_WEBHOOK_TIMESTAMP'
    | 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE'
    | 'WEBHOOK_SIGNATURE_MISMATCH'
  message: string
}

/** A verified delivery's metadata. */
export type VerifiedWebhook = {
  /** Stable across retries of the same event, so receivers can use it as an idempotency key. */
  webhookId: string
  timestamp: Date
}

/** Generates a signing secret: `whsec_` followed by 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return WEBHOOK_SECRET_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64')
}

/**
 * Parses a `whsec_<base64>` signing secret into its HMAC key. Returns an INVALID_WEBHOOK_SECRET
 * error when the prefix is missing, the rest is not base64, or the key is not 24 to 64 bytes long.
 */
export function parseWebhookSecret(secret: string): Result<Buffer, WebhookSecretError> {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) {
    return invalidSecret(
      `Invalid webhook secret: it must start with "${WEBHOOK_SECRET_PREFIX}". Copy the whole signing secret, including the prefix.`,
    )
  }

  const encoded = secret.slice(WEBHOOK_SECRET_PREFIX.length)
  const key = Buffer.from(encoded, 'base64')
  // Buffer.from skips characters outside the alphabet, so a round trip detects them.
  if (!BASE64_PATTERN.test(encoded) || stripPadding(key.toString('base64')) !== stripPadding(encoded)) {
    return invalidSecret(
      `Invalid webhook secret: the part after "${WEBHOOK_SECRET_PREFIX}" is not valid base64 (A-Z, a-z, 0-9, "+", "/" and "=" padding). Copy the secret again without spaces or line breaks.`,
    )
  }
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    return invalidSecret(
      `Invalid webhook secret: the key is ${key.length} bytes, but Standard Webhooks requires ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes. Generate a new secret.`,
    )
  }

  return ok(key)
}

/**
 * Signs a delivery and returns the Standard Webhooks headers to send with `body`. Pass several
 * secrets while rotating, so receivers that hold either one accept the delivery.
 * Throws when a secret is invalid, when `webhookId` is empty or contains a space, full stop or
 * non-ASCII character, or when `timestamp` is an invalid Date: callers validate those beforehand.
 */
export function signWebhook(input: {
  secret: string | readonly string[]
  webhookId: string
  timestamp: Date
  body: string
}): WebhookSignatureHeaders {
  const { webhookId, timestamp, body } = input
  if (!WEBHOOK_ID_PATTERN.test(webhookId)) {
    throw new Error(
      'webhookId must be non-empty printable ASCII without spaces or full stops, because it is signed as part of "<id>.<timestamp>.<body>"',
    )
  }
  if (Number.isNaN(timestamp.getTime())) {
    throw new Error('timestamp is an invalid Date')
  }

  const seconds = String(Math.floor(timestamp.getTime() / 1000))
  const signatures = parseSecretsOrThrow(input.secret).map(
    (key) => `${SIGNATURE_VERSION},${computeSignature(key, webhookId, seconds, body)}`,
  )

  return {
    'webhook-id': webhookId,
    'webhook-timestamp': seconds,
    'webhook-signature': signatures.join(' '),
  }
}

/**
 * Verifies a received delivery: all three headers are present, the timestamp is within
 * `toleranceSeconds` of `now` (Default: 300) in either direction to limit replays, and at least one
 * `v1` signature matches `body` under one of the secrets. Signatures are compared in constant time.
 * Pass the raw request body exactly as received, because re-serialised JSON rarely matches byte for
 * byte. Throws when a secret, `now` or `toleranceSeconds` is invalid, because those are the
 * receiver's configuration, not properties of the request.
 */
export function verifyWebhook(input: {
  secret: string | readonly string[]
  headers: WebhookHeaders
  body: string | Uint8Array
  now: Date
  toleranceSeconds?: number
}): Result<VerifiedWebhook, WebhookVerificationError> {
  const { headers, body, now, toleranceSeconds = 300 } = input
  if (Number.isNaN(now.getTime())) throw new Error('now is an invalid Date')
  if (!(Number.isFinite(toleranceSeconds) && toleranceSeconds >= 0)) {
    throw new Error(`toleranceSeconds must be a non-negative finite number, got ${toleranceSeconds}`)
  }

  const keys = parseSecretsOrThrow(input.secret)
  const webhookId = readHeader(headers, 'webhook-id')
  const timestampHeader = readHeader(headers, 'webhook-timestamp')
  const signatureHeader = readHeader(headers, 'webhook-signature')
  if (webhookId === undefined || timestampHeader === undefined || signatureHeader === undefined) {
    return err({
      code: 'MISSING_WEBHOOK_HEADER',
      message: 'Webhook verification failed: the webhook-id, webhook-timestamp and webhook-signature headers are all required.',
    })
  }

  const timestamp = checkTimestamp(timestampHeader, now, toleranceSeconds)
  if (!timestamp.ok) return timestamp

  const expected = keys.map((key) => Buffer.from(computeSignature(key, webhookId, timestampHeader, body)))
  const received = parseV1Signatures(signatureHeader)
  if (!received.some((signature) => expected.some((candidate) => isSameBytes(signature, candidate)))) {
    return err({
      code: 'WEBHOOK_SIGNATURE_MISMATCH',
      message: 'Webhook verification failed: no v1 signature matches the body. Check that the receiver uses the channel\'s signing secret and verifies the raw body before parsing it.',
    })
  }

  return ok({ webhookId, timestamp: timestamp.value })
}

function computeSignature(key: Buffer, webhookId: string, seconds: string, body: string | Uint8Array): string {
  return createHmac('sha256', key).update(`${webhookId}.${seconds}.`).update(body).digest('base64')
}

function checkTimestamp(
  header: string,
  now: Date,
  toleranceSeconds: number,
): Result<Date, WebhookVerificationError> {
  const seconds = Number(header)
  if (!/^\d+$/.test(header) || !Number.isSafeInteger(seconds)) {
    return err({
      code: 'INVALID_WEBHOOK_TIMESTAMP',
      message: 'Webhook verification failed: webhook-timestamp must be an integer number of seconds since the Unix epoch.',
    })
  }

  const skewSeconds = Math.floor(now.getTime() / 1000) - seconds
  if (Math.abs(skewSeconds) > toleranceSeconds) {
    const direction = skewSeconds > 0 ? 'behind' : 'ahead of'
    return err({
      code: 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE',
      message: `Webhook verification failed: webhook-timestamp is ${Math.abs(skewSeconds)} s ${direction} the receiver's clock, beyond the ${toleranceSeconds} s tolerance. The request may be a replay, or one of the clocks is wrong.`,
    })
  }

  return ok(new Date(seconds * 1000))
}

/** Returns the signatures of the `v1` entries, skipping other versions such as `v1a` (ed25519). */
function parseV1Signatures(header: string): Buffer[] {
  const signatures: Buffer[] = []
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',')
    if (comma === -1 || entry.slice(0, comma) !== SIGNATURE_VERSION) continue
    signatures.push(Buffer.from(entry.slice(comma + 1)))
  }

  return signatures
}

function isSameBytes(a: Buffer, b: Buffer): boolean {
  // timingSafeEqual requires equal lengths. A length mismatch reveals only the length, which is
  // public anyway: an HMAC-SHA256 in base64 is always 44 characters.
  return a.length === b.length && timingSafeEqual(a, b)
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined

  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue
    return typeof value === 'string' ? value : value.join(' ')
  }

  return undefined
}

function parseSecretsOrThrow(secret: string | readonly string[]): Buffer[] {
  const secrets = typeof secret === 'string' ? [secret] : secret
  if (secrets.length === 0) throw new Error('At least one webhook secret is required')

  return secrets.map((value) => {
    const parsed = parseWebhookSecret(value)
    if (!parsed.ok) throw new Error(parsed.error.message)
    return parsed.value
  })
}

function invalidSecret(message: string): Result<never, WebhookSecretError> {
  return err({ code: 'INVALID_WEBHOOK_SECRET', message })
}

function stripPadding(base64: string): string {
  return base64.replace(/=+$/, '')
}
