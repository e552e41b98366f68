import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import type { MediaFetchConfig } from '../../config/config.ts'
import { err, ok, type Result } from '../../errors/result.ts'
import { isPublicAddress } from './public-address.ts'

/** A downloaded media file. */
export interface FetchedMedia {
  bytes: Buffer
  /** The response's media type without parameters, in lowercase. */
  contentType: string
}

/** Failure of a download; `retryable` is false when another attempt would fail the same way. */
export interface MediaFetchError {
  retryable: boolean
  message: string
}

export interface FetchMediaOptions {
  kind: 'image' | 'video' | 'document'
  /** A lower size limit than the configured one, such as a network's own cap. */
  maxBytes?: number
  /** Whose limit `maxBytes` is, for the error message; for example "Bluesky". */
  limitOwner?: string
  signal?: AbortSignal
}

const MAX_REDIRECTS = 3
// Media types each kind may have. SVG is left out on purpose: networks reject it and it can carry scripts.
const ACCEPTED_TYPES: Record<FetchMediaOptions['kind'], RegExp> = {
  image: /^image\/(?:jpeg|png|gif|webp|avif|heic|heif)$/,
  video: /^video\/(?:mp4|quicktime|webm)$/,
  document: /^application\/pdf$/,
}

class BlockedAddressError extends Error {}

/**
 * Downloads a post's media file with the configured size cap and time limit, and checks that its
 * Content-Type fits `kind`. Only public addresses are contacted: the check runs on the addresses
 * the connection actually uses (so DNS rebinding cannot slip past it) and again after each of at
 * most 3 redirects. Hosts in `config.allowedPrivateHosts` may resolve to private addresses.
 * Network and HTTP failures come back as a MediaFetchError instead of being thrown.
 */
export async function fetchMedia(url: string, config: MediaFetchConfig, options: FetchMediaOptions): Promise<Result<FetchedMedia, MediaFetchError>> {
  const maxBytes = Math.min(options.maxBytes ?? config.maxBytes, config.maxBytes)
  const deadline = Date.now() + config.timeoutMs
  let current = url

  for (let redirect = 0; redirect <= MAX_REDIRECTS; redirect++) {
    const target = parseMediaUrl(current, config)
    if (!target.ok) return target

    const response = await requestOnce(target.value, { ...config, maxBytes, deadline, signal: options.signal })
    if (!response.ok) return response
    if (response.value.kind === 'redirect') {
      current = new URL(response.value.location, target.value).toString()
      continue
    }

    const { contentType, bytes } = response.value
    if (!ACCEPTED_TYPES[options.kind].test(contentType)) {
      return err({ retryable: false, message: `Media at ${describe(target.value)} has Content-Type "${contentType || 'none'}", which is not a supported ${options.kind} type.` })
    }
    if (bytes === null) {
      const owner = options.limitOwner ?? 'Pigeon (PIGEON_MEDIA_MAX_BYTES)'
      return err({ retryable: false, message: `Media at ${describe(target.value)} is larger than ${maxBytes} bytes, the most ${owner} accepts.` })
    }

    return ok({ bytes, contentType })
  }

  return err({ retryable: false, message: `Media at ${describe(new URL(url))} redirected more than ${MAX_REDIRECTS} times.` })
}

function parseMediaUrl(value: string, config: MediaFetchConfig): Result<URL, MediaFetchError> {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return err({ retryable: false, message: `Media URL "${value.slice(0, 200)}" is not a valid absolute URL.` })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return err({ retryable: false, message: `Media URL ${describe(url)} must use http or https.` })
  }
  const host = hostOf(url)
  if (isIP(host) !== 0 && !isAllowedAddress(host, host, config)) return err(blockedError(url))

  return ok(url)
}

type RawResponse = { kind: 'redirect'; location: string } | { kind: 'body'; contentType: string; bytes: Buffer | null }

function requestOnce(
  url: URL,
  settings: MediaFetchConfig & { maxBytes: number; deadline: number; signal: AbortSignal | undefined },
): Promise<Result<RawResponse, MediaFetchError>> {
  const host = hostOf(url)
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0)
      const blocked = addresses.find((entry) => !isAllowedAddress(entry.address, host, settings))
      if (blocked !== undefined) return callback(new BlockedAddressError(blocked.address), '', 0)
      if (lookupOptions.all) return (callback as unknown as (error: null, addresses: dns.LookupAddress[]) => void)(null, addresses)

      callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }

  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http
    const request = client.request(url, { method: 'GET', lookup, headers: { 'user-agent': 'Pigeon-Media/1.0', accept: '*/*' }, signal: settings.signal })
    const timer = setTimeout(() => request.destroy(new Error('timeout')), Math.max(settings.deadline - Date.now(), 0))
    const finish = (result: Result<RawResponse, MediaFetchError>) => {
      clearTimeout(timer)
      resolve(result)
    }

    request.on('error', (error) => finish(err(describeRequestError(error, url, settings.timeoutMs))))
    request.on('response', (response) => {
      const status = response.statusCode ?? 0
      if ([301, 302, 303, 307, 308].includes(status) && response.headers.location !== undefined) {
        response.resume()
        return finish(ok({ kind: 'redirect', location: response.headers.location }))
      }
      if (status < 200 || status >= 300) {
        response.resume()
        const retryable = status === 408 || status === 429 || status >= 500
        return finish(err({ retryable, message: `Media at ${describe(url)} returned HTTP ${status}${retryable ? '; it will be tried again' : ''}.` }))
      }

      const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
      const declared = Number(response.headers['content-length'])
      if (Number.isFinite(declared) && declared > settings.maxBytes) {
        response.destroy()
        return finish(ok({ kind: 'body', contentType, bytes: null }))
      }
      readBody(response, settings.maxBytes).then(
        (bytes) => finish(ok({ kind: 'body', contentType, bytes })),
        (error: unknown) => finish(err(describeRequestError(error as Error, url, settings.timeoutMs))),
      )
    })
    request.end()
  })
}

/** Reads the body; resolves null as soon as it grows past `maxBytes`. */
function readBody(response: http.IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        response.destroy()
        return resolve(null)
      }
      chunks.push(chunk)
    })
    response.on('end', () => resolve(Buffer.concat(chunks)))
    response.on('error', reject)
  })
}

function describeRequestError(error: Error, url: URL, timeoutMs: number): MediaFetchError {
  if (error instanceof BlockedAddressError) return blockedError(url)
  if (error.message === 'timeout') return { retryable: true, message: `Media at ${describe(url)} did not download within ${timeoutMs} ms; it will be tried again.` }
  const code = (error as NodeJS.ErrnoException).code ?? error.message

  return { retryable: true, message: `Media at ${describe(url)} could not be downloaded (${code}); it will be tried again.` }
}

function blockedError(url: URL): MediaFetchError {
  return {
    retryable: false,
    message: `Media at ${describe(url)} is on a loopback or private address, which Pigeon does not fetch. Host it at a public URL, or list the host in PIGEON_MEDIA_ALLOWED_PRIVATE_HOSTS for a local setup.`,
  }
}

function isAllowedAddress(address: string, host: string, config: MediaFetchConfig): boolean {
  return isPublicAddress(address) || config.allowedPrivateHosts.includes(host)
}

/** Returns the host name in lowercase, without the brackets of an IPv6 literal. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
}

/** Origin and path only, because the query string may carry a signature. */
function describe(url: URL): string {
  return `${url.origin}${url.pathname}`
}
