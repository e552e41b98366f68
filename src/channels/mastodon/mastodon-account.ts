// Connecting a Mastodon account: app registration (POST /api/v1/apps), the OAuth authorization
// code flow (GET /oauth/authorize, POST /oauth/token), the account behind a token
// (GET /api/v1/accounts/verify_credentials) and the instance's limits (GET /api/v2/instance).
// Facts from the Mastodon API documentation at docs.joinmastodon.org, methods apps, oauth,
// accounts and instance.
import { err, ok, type Result } from '../../errors/result.ts'
import { describeErrorBody, sendApiRequest, type ApiResult } from '../http/api-request.ts'

/** Out-of-band redirect: the instance shows the authorization code instead of redirecting. */
export const OUT_OF_BAND_REDIRECT = 'urn:ietf:wg:oauth:2.0:oob'

/** Scopes Pigeon requests: read the account behind the token, post statuses, upload media. */
export const MASTODON_SCOPES = 'read:accounts write:statuses write:media'

/** Limits an instance reports in `configuration` of GET /api/v2/instance. */
export interface MastodonInstanceLimits {
  maxCharacters: number
  /** Characters every URL counts as, whatever its length. */
  charactersReservedPerUrl: number
  maxMediaAttachments: number
  imageSizeLimit: number | null
  videoSizeLimit: number | null
  supportedMimeTypes: string[]
}

/** The account a token belongs to, with the author's posting defaults. */
export interface MastodonAccount {
  id: string
  /** `username@instance` as shown to people on other instances. */
  handle: string
  displayName: string | null
  avatar: string | null
  /** Default visibility from the account's preferences: public, unlisted, private or direct. */
  defaultVisibility: string | null
  /** Default post language (ISO 639-1) from the account's preferences. */
  defaultLanguage: string | null
}

/** A registered OAuth application on one instance. */
export interface MastodonApp {
  clientId: string
  clientSecret: string
}

/** Failure of a connection step; `unauthorized` marks a token the instance no longer accepts. */
export interface MastodonAccountError {
  message: string
  unauthorized: boolean
}

// Defaults of Mastodon itself, used when an instance does not report its configuration.
const DEFAULT_LIMITS: MastodonInstanceLimits = {
  maxCharacters: 500,
  charactersReservedPerUrl: 23,
  maxMediaAttachments: 4,
  imageSizeLimit: null,
  videoSizeLimit: null,
  supportedMimeTypes: [],
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Normalizes what a person types as an instance ("mastodon.social", "https://mastodon.social/")
 * to its origin. Requires https, except for loopback hosts used in local testing, because the
 * access token travels in every request.
 */
export function normalizeInstanceUrl(input: string): Result<string, string> {
  const trimmed = input.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return err(`"${input}" is not an instance address; use a host name such as mastodon.social.`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    return err(`The instance address must use https (got ${url.protocol.slice(0, -1)}).`)
  }
  if (url.username !== '' || url.password !== '') return err('The instance address must not contain a user name or password.')

  return ok(url.origin)
}

/** Registers Pigeon as an OAuth application on the instance (POST /api/v1/apps). */
export async function registerApp(serverUrl: string, input: { clientName: string; website: string | null; timeoutMs: number }): Promise<Result<MastodonApp, MastodonAccountError>> {
  const body = { client_name: input.clientName, redirect_uris: OUT_OF_BAND_REDIRECT, scopes: MASTODON_SCOPES, ...(input.website !== null && { website: input.website }) }
  const result = await sendApiRequest(`${serverUrl}/api/v1/apps`, jsonPost(body), { timeoutMs: input.timeoutMs })
  const response = expectOk(result, `registering Pigeon on ${serverUrl}`)
  if (!response.ok) return response

  const fields = response.value as { client_id?: unknown; client_secret?: unknown }
  if (typeof fields.client_id !== 'string' || typeof fields.client_secret !== 'string') {
    return err({ message: `${serverUrl} registered the app but returned no client_id and client_secret.`, unauthorized: false })
  }

  return ok({ clientId: fields.client_id, clientSecret: fields.client_secret })
}

/** Builds the address where the account owner approves Pigeon and is shown an authorization code. */
export function buildAuthorizeUrl(serverUrl: string, clientId: string): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: OUT_OF_BAND_REDIRECT, scope: MASTODON_SCOPES })
  return `${serverUrl}/oauth/authorize?${query.toString()}`
}

/** Exchanges an authorization code for an access token (POST /oauth/token). */
export async function exchangeCode(serverUrl: string, app: MastodonApp, code: string, timeoutMs: number): Promise<Result<string, MastodonAccountError>> {
  const body = {
    grant_type: 'authorization_code',
    code: code.trim(),
    client_id: app.clientId,
    client_secret: app.clientSecret,
    redirect_uri: OUT_OF_BAND_REDIRECT,
    scope: MASTODON_SCOPES,
  }
  const result = await sendApiRequest(`${serverUrl}/oauth/token`, jsonPost(body), { timeoutMs })
  const response = expectOk(result, 'exchanging the authorization code')
  if (!response.ok) return response

  const token = (response.value as { access_token?: unknown }).access_token
  if (typeof token !== 'string' || token === '') {
    return err({ message: `${serverUrl} accepted the code but returned no access_token.`, unauthorized: false })
  }

  return ok(token)
}

/** Reads the account a token belongs to (GET /api/v1/accounts/verify_credentials). */
export async function verifyCredentials(serverUrl: string, accessToken: string, timeoutMs: number): Promise<Result<MastodonAccount, MastodonAccountError>> {
  const result = await sendApiRequest(`${serverUrl}/api/v1/accounts/verify_credentials`, { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } }, { timeoutMs })
  const response = expectOk(result, 'checking the access token')
  if (!response.ok) return response

  const account = response.value as { id?: unknown; username?: unknown; display_name?: unknown; avatar?: unknown; source?: { privacy?: unknown; language?: unknown } }
  if (typeof account.id !== 'string' || typeof account.username !== 'string') {
    return err({ message: `${serverUrl} returned an account without id or username.`, unauthorized: false })
  }

  return ok({
    id: account.id,
    handle: `${account.username}@${new URL(serverUrl).host}`,
    displayName: typeof account.display_name === 'string' && account.display_name !== '' ? account.display_name : null,
    avatar: typeof account.avatar === 'string' ? account.avatar : null,
    defaultVisibility: typeof account.source?.privacy === 'string' ? account.source.privacy : null,
    defaultLanguage: typeof account.source?.language === 'string' && account.source.language !== '' ? account.source.language : null,
  })
}

/**
 * Reads the instance's limits from GET /api/v2/instance, falling back to GET /api/v1/instance
 * for servers older than Mastodon 4.0, and to Mastodon's defaults (500 characters, URLs count
 * 23, 4 attachments) for fields a server leaves out.
 */
export async function fetchInstanceLimits(serverUrl: string, timeoutMs: number): Promise<Result<MastodonInstanceLimits, MastodonAccountError>> {
  let response = expectOk(await sendApiRequest(`${serverUrl}/api/v2/instance`, { method: 'GET' }, { timeoutMs }), 'reading the instance limits')
  if (!response.ok) {
    const fallback = expectOk(await sendApiRequest(`${serverUrl}/api/v1/instance`, { method: 'GET' }, { timeoutMs }), 'reading the instance limits')
    if (!fallback.ok) return response
    response = fallback
  }

  const configuration = (response.value as { configuration?: { statuses?: Record<string, unknown>; media_attachments?: Record<string, unknown> } }).configuration
  const statuses = configuration?.statuses ?? {}
  const media = configuration?.media_attachments ?? {}
  const whole = (value: unknown, fallback: number) => (Number.isInteger(value) && (value as number) > 0 ? (value as number) : fallback)
  const optional = (value: unknown) => (Number.isInteger(value) && (value as number) > 0 ? (value as number) : null)

  return ok({
    maxCharacters: whole(statuses.max_characters, DEFAULT_LIMITS.maxCharacters),
    charactersReservedPerUrl: whole(statuses.characters_reserved_per_url, DEFAULT_LIMITS.charactersReservedPerUrl),
    maxMediaAttachments: whole(statuses.max_media_attachments, DEFAULT_LIMITS.maxMediaAttachments),
    imageSizeLimit: optional(media.image_size_limit),
    videoSizeLimit: optional(media.video_size_limit),
    supportedMimeTypes: Array.isArray(media.supported_mime_types) ? media.supported_mime_types.filter((type): type is string => typeof type === 'string') : [],
  })
}

/**
 * Revokes a token (POST /oauth/revoke). Needs the app's client credentials, so a pasted token
 * cannot be revoked this way; its owner revokes it in the instance's settings.
 */
export async function revokeToken(serverUrl: string, app: MastodonApp, accessToken: string, timeoutMs: number): Promise<Result<void, MastodonAccountError>> {
  const body = { client_id: app.clientId, client_secret: app.clientSecret, token: accessToken }
  const response = expectOk(await sendApiRequest(`${serverUrl}/oauth/revoke`, jsonPost(body), { timeoutMs }), 'revoking the access token')

  return response.ok ? ok(undefined) : response
}

function jsonPost(body: Record<string, unknown>) {
  return { method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
}

function expectOk(result: ApiResult, step: string): Result<unknown, MastodonAccountError> {
  if (!result.ok) return err({ message: `The instance did not respond while ${step}: ${result.failure.detail}.`, unauthorized: false })

  const { response } = result
  if (response.status >= 200 && response.status < 300 && response.json !== null) return ok(response.json)
  const unauthorized = response.status === 401 || response.status === 403

  return err({ message: `The instance returned HTTP ${response.status} while ${step}: ${describeErrorBody(response) || 'no details'}.`, unauthorized })
}
