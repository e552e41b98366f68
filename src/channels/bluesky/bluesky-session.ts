// Bluesky sessions with an app password. com.atproto.server.createSession returns a short-lived
// access token (accessJwt) and a refresh token (refreshJwt). com.atproto.server.refreshSession,
// called with the refresh token, returns a new pair. A request with an expired access token gets
// HTTP 400 with the error "ExpiredToken". Facts from the com.atproto.server lexicons and
// docs.bsky.app.
import { err, ok, type Result } from '../../errors/result.ts'
import { describeErrorBody, sendApiRequest, type ApiResult } from '../http/api-request.ts'

/** A logged-in Bluesky account. Tokens are secret: never log them. */
export interface BlueskySession {
  /** The account's PDS, which serves every repository call. */
  serviceUrl: string
  did: string
  handle: string
  accessJwt: string
  refreshJwt: string
}

/** Failure of a session call; `unauthorized` means only new credentials can help. */
export interface BlueskySessionError {
  message: string
  unauthorized: boolean
}

/** Default entryway for accounts hosted by Bluesky; it points each account at its own PDS. */
export const DEFAULT_BLUESKY_SERVICE = 'https://bsky.social'

/**
 * Logs in with a handle, DID or email and an app password. The session's `serviceUrl` is the PDS
 * named in the returned DID document, or `serviceUrl` itself when the document names none.
 */
export async function createSession(serviceUrl: string, identifier: string, password: string, timeoutMs: number): Promise<Result<BlueskySession, BlueskySessionError>> {
  const body = JSON.stringify({ identifier: identifier.trim().replace(/^@/, ''), password })
  const result = await sendApiRequest(xrpcUrl(serviceUrl, 'com.atproto.server.createSession'), { method: 'POST', headers: { 'content-type': 'application/json' }, body }, { timeoutMs })

  return readSession(result, serviceUrl, 'logging in')
}

/** Exchanges the refresh token for a new token pair. */
export async function refreshSession(session: BlueskySession, timeoutMs: number): Promise<Result<BlueskySession, BlueskySessionError>> {
  const result = await sendApiRequest(xrpcUrl(session.serviceUrl, 'com.atproto.server.refreshSession'), { method: 'POST', headers: { authorization: `Bearer ${session.refreshJwt}` } }, { timeoutMs })

  return readSession(result, session.serviceUrl, 'refreshing the session')
}

/** Ends the session on the PDS, so its refresh token stops working. */
export async function deleteSession(session: BlueskySession, timeoutMs: number): Promise<Result<void, BlueskySessionError>> {
  const result = await sendApiRequest(xrpcUrl(session.serviceUrl, 'com.atproto.server.deleteSession'), { method: 'POST', headers: { authorization: `Bearer ${session.refreshJwt}` } }, { timeoutMs })
  if (result.ok && result.response.status === 200) return ok(undefined)

  return err(describeSessionFailure(result, 'ending the session'))
}

/** Returns the expiry time in a JWT's `exp` claim, in epoch ms, or null without one. The signature is not checked. */
export function tokenExpiresAt(jwt: string): number | null {
  const payload = jwt.split('.')[1]
  if (payload === undefined) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null
  } catch {
    return null
  }
}

/** The XRPC endpoint of a method on a server: `{server}/xrpc/{nsid}`. */
export function xrpcUrl(serviceUrl: string, nsid: string, params?: Record<string, string>): string {
  const query = params === undefined ? '' : `?${new URLSearchParams(params).toString()}`
  return `${serviceUrl.replace(/\/+$/, '')}/xrpc/${nsid}${query}`
}

function readSession(result: ApiResult, serviceUrl: string, step: string): Result<BlueskySession, BlueskySessionError> {
  if (!result.ok || result.response.status !== 200) return err(describeSessionFailure(result, step))

  const body = result.response.json as { did?: unknown; handle?: unknown; accessJwt?: unknown; refreshJwt?: unknown; didDoc?: unknown } | null
  if (typeof body?.did !== 'string' || typeof body.handle !== 'string' || typeof body.accessJwt !== 'string' || typeof body.refreshJwt !== 'string') {
    return err({ message: `Bluesky returned no did, handle and tokens while ${step}.`, unauthorized: false })
  }

  return ok({ serviceUrl: pdsEndpointOf(body.didDoc) ?? serviceUrl, did: body.did, handle: body.handle, accessJwt: body.accessJwt, refreshJwt: body.refreshJwt })
}

function describeSessionFailure(result: ApiResult, step: string): BlueskySessionError {
  if (!result.ok) return { message: `Bluesky did not respond while ${step}: ${result.failure.detail}.`, unauthorized: false }

  const { status } = result.response
  // 400 (ExpiredToken, InvalidToken) and 401 (AuthenticationRequired) both mean the credentials
  // are no longer good; nothing but new ones can fix that.
  const unauthorized = status === 400 || status === 401 || status === 403
  return { message: `Bluesky returned HTTP ${status} while ${step}: ${describeErrorBody(result.response) || 'no details'}.`, unauthorized }
}

/** Returns the `#atproto_pds` service endpoint of a DID document, or null when it has none. */
function pdsEndpointOf(didDoc: unknown): string | null {
  const services = (didDoc as { service?: unknown } | null | undefined)?.service
  if (!Array.isArray(services)) return null
  const pds = services.find((entry: { id?: unknown; type?: unknown }) => typeof entry?.id === 'string' && entry.id.endsWith('#atproto_pds') && entry.type === 'AtprotoPersonalDataServer') as { serviceEndpoint?: unknown } | undefined

  return typeof pds?.serviceEndpoint === 'string' && /^https?:\/\//.test(pds.serviceEndpoint) ? pds.serviceEndpoint.replace(/\/+$/, '') : null
}
