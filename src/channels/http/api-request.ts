/** A response of a network's API, with its body read (up to MAX_BODY_BYTES) and parsed when JSON. */
export interface ApiResponse {
  status: number
  headers: Headers
  /** The parsed JSON body, or null when the body is empty, not JSON or cut off. */
  json: unknown
  text: string
}

/**
 * A request that got no response. `reached` is 'no' for failures before the request was written
 * (refused connection, DNS), so the server cannot have processed it, and 'maybe' for everything
 * after, such as a timeout while waiting for the response.
 */
export interface ApiFailure {
  reached: 'no' | 'maybe'
  detail: string
}

export type ApiResult = { ok: true; response: ApiResponse } | { ok: false; failure: ApiFailure }

export interface ApiRequestInit {
  method: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string | FormData | Uint8Array
}

const MAX_BODY_BYTES = 1024 * 1024
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000
const MAX_DETAIL_CHARS = 300
// Connection errors raised before any byte of the request was written.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT'])

/**
 * Sends one request with fetch, limited to `timeoutMs` from connecting to reading the body, and
 * cancelled by `signal`. Network failures come back as an ApiFailure; any other thrown error is a
 * bug and is rethrown. Redirects are not followed, because an API that redirects a POST is
 * misconfigured.
 */
export async function sendApiRequest(url: string, init: ApiRequestInit, options: { timeoutMs: number; signal?: AbortSignal }): Promise<ApiResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal])
  try {
    const response = await fetch(url, { method: init.method, headers: init.headers, body: init.body, signal, redirect: 'manual' })
    const text = await readCappedText(response)

    return { ok: true, response: { status: response.status, headers: response.headers, json: parseJson(text), text } }
  } catch (error) {
    return { ok: false, failure: describeFailure(error, timeout.aborted, options.timeoutMs) }
  }
}

function describeFailure(error: unknown, timedOut: boolean, timeoutMs: number): ApiFailure {
  if (timedOut) return { reached: 'maybe', detail: `no response within ${timeoutMs} ms` }
  if (error instanceof Error && error.name === 'AbortError') return { reached: 'maybe', detail: 'the request was cancelled' }
  // fetch (undici) reports network failures as a TypeError whose cause is the socket or DNS error.
  if (!(error instanceof TypeError)) throw error

  const cause = error.cause as (Error & { code?: unknown }) | undefined
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  if (code !== undefined && NOT_SENT_CODES.has(code)) return { reached: 'no', detail: `could not connect (${code})` }

  return { reached: 'maybe', detail: `the connection failed (${code ?? cause?.message ?? error.message})` }
}

async function readCappedText(response: Response): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks).toString('utf8')
    chunks.push(value)
    size += value.byteLength
  }
  await reader.cancel().catch(() => undefined)

  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8')
}

function parseJson(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * Reads how long the server asked the client to wait, in ms, capped at 24 hours: Retry-After
 * (seconds or an HTTP date), then the rate-limit reset headers that Mastodon (X-RateLimit-Reset,
 * an ISO date) and Bluesky (RateLimit-Reset, epoch seconds) send. Returns null when none is usable.
 */
export function readRetryAfterMs(headers: Headers, now: Date): number | null {
  const candidates = [headers.get('retry-after'), headers.get('x-ratelimit-reset'), headers.get('ratelimit-reset')]
  for (const value of candidates) {
    const delay = value === null ? null : parseDelay(value.trim(), now)
    if (delay !== null) return Math.min(delay, MAX_RETRY_AFTER_MS)
  }

  return null
}

function parseDelay(value: string, now: Date): number | null {
  if (/^\d+$/.test(value)) {
    const seconds = Number(value)
    // A number this large is a Unix time, not a delay: Bluesky's RateLimit-Reset is one.
    return seconds > 1_000_000_000 ? Math.max(seconds * 1000 - now.getTime(), 0) : seconds * 1000
  }
  const date = Date.parse(value)

  return Number.isNaN(date) ? null : Math.max(date - now.getTime(), 0)
}

/**
 * Returns the error text of a JSON error body (`error`, `message`, `error_description`), or a
 * whitespace-collapsed excerpt of the raw body, cut to 300 characters. Never includes headers.
 */
export function describeErrorBody(response: ApiResponse): string {
  const fields = typeof response.json === 'object' && response.json !== null ? (response.json as Record<string, unknown>) : {}
  const parts = [fields.error, fields.message, fields.error_description].filter((part): part is string => typeof part === 'string' && part !== '')
  const detail = parts.length > 0 ? [...new Set(parts)].join(': ') : response.text.replace(/\s+/g, ' ').trim()

  return detail.length > MAX_DETAIL_CHARS ? `${detail.slice(0, MAX_DETAIL_CHARS)}…` : detail
}
