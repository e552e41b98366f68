import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import { BehaviourScript, bearerOf, readFields, startLoopbackServer, type FakeReply, type FakeRequest, type ReceivedRequest } from './fake-http.ts'

// A Mastodon instance built from the behaviour documented at docs.joinmastodon.org:
// - POST /api/v1/apps registers an OAuth app; GET /oauth/authorize shows the code for the
//   out-of-band redirect (here the account owner approves at once); POST /oauth/token and
//   POST /oauth/revoke issue and end tokens.
// - GET /api/v1/accounts/verify_credentials and GET /api/v2/instance.
// - POST /api/v2/media returns 202 while the file is processing; GET /api/v1/media/:id returns
//   206 until it is done, then 200.
// - POST /api/v1/statuses refuses (422) media that has not finished processing and honours the
//   Idempotency-Key for one hour per account: a repeat returns the first status.

/** A status the fake published. */
export interface FakeStatus {
  id: string
  text: string
  inReplyToId: string | null
  mediaIds: string[]
  spoilerText: string
  visibility: string
  language: string | null
  idempotencyKey: string | null
  url: string
}

export interface FakeMedia {
  id: string
  description: string | null
  contentType: string
  size: number
  /** 206 responses left before the file counts as processed. */
  pollsLeft: number
}

export type MastodonRoute = 'statuses' | 'media' | 'mediaStatus' | 'token' | 'verify'

export interface FakeMastodon {
  url: string
  /** Statuses published, in order: the count of what is really on the instance. */
  statuses: FakeStatus[]
  media: Map<string, FakeMedia>
  requests: ReceivedRequest[]
  script: BehaviourScript<MastodonRoute>
  /** Every upload from now on needs this many 206 responses before it is processed. */
  setProcessingPolls(count: number): void
  /** Issues an access token for the account, as a person creating one in the instance's settings. */
  issueToken(): string
  /** Makes a token invalid, as revoking it in the instance's settings. */
  revokeToken(token: string): void
  /** Tokens the fake considers valid. */
  validTokens(): string[]
}

const IDEMPOTENCY_TTL_MS = 60 * 60 * 1000
const ACCOUNT = { id: '109348', username: 'pigeon_test', display_name: 'Pigeon Test', avatar: 'https://files.example/avatar.png' }

/** Starts the fake instance on 127.0.0.1. `maxCharacters` sets the instance's status limit. */
export async function startFakeMastodon(t: TestContext, options: { maxCharacters?: number } = {}): Promise<FakeMastodon> {
  const statuses: FakeStatus[] = []
  const media = new Map<string, FakeMedia>()
  const requests: ReceivedRequest[] = []
  const script = new BehaviourScript<MastodonRoute>()
  const tokens = new Set<string>()
  const apps = new Map<string, { secret: string; redirectUris: string[]; scopes: string }>()
  const codes = new Map<string, { clientId: string; scopes: string }>()
  const idempotency = new Map<string, { statusId: string; at: number }>()
  let processingPolls = 0
  let nextId = 1
  let baseUrl = ''

  const newId = () => String(110_000_000 + nextId++)
  const unauthorized = (): FakeReply => ({ status: 401, body: { error: 'The access token is invalid' } })
  const authorized = (request: FakeRequest) => {
    const token = bearerOf(request)
    return token !== null && tokens.has(token)
  }

  async function handle(request: FakeRequest): Promise<FakeReply> {
    const { method, url } = request
    const path = url.pathname
    if (method === 'POST' && path === '/api/v1/apps') return registerApp(request)
    if (method === 'GET' && path === '/oauth/authorize') return authorize(url)
    if (method === 'POST' && path === '/oauth/token') return scripted('token', () => exchangeToken(request))
    if (method === 'POST' && path === '/oauth/revoke') return revoke(request)
    if (method === 'GET' && path === '/api/v2/instance') return { status: 200, body: instance() }
    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials') {
      return scripted('verify', async () => (authorized(request) ? { status: 200, body: { ...ACCOUNT, acct: ACCOUNT.username, source: { privacy: 'unlisted', language: 'en' } } } : unauthorized()))
    }
    if (!authorized(request)) return unauthorized()
    if (method === 'POST' && path === '/api/v2/media') return scripted('media', () => upload(request))
    const mediaMatch = /^\/api\/v1\/media\/([^/]+)$/.exec(path)
    if (method === 'GET' && mediaMatch !== null) return scripted('mediaStatus', async () => mediaState(mediaMatch[1]!))
    if (method === 'POST' && path === '/api/v1/statuses') return scripted('statuses', () => createStatus(request))
    const statusMatch = /^\/api\/v1\/statuses\/([^/]+)$/.exec(path)
    if (method === 'GET' && statusMatch !== null) {
      const status = statuses.find((entry) => entry.id === statusMatch[1])
      return status === undefined ? { status: 404, body: { error: 'Record not found' } } : { status: 200, body: toStatusJson(status) }
    }

    return { status: 404, body: { error: 'Record not found' } }
  }

  async function scripted(route: MastodonRoute, work: () => Promise<FakeReply>): Promise<FakeReply> {
    const behaviour = script.take(route)
    if (behaviour === undefined) return work()
    switch (behaviour.kind) {
      case 'fail':
        return { status: behaviour.status, body: behaviour.body ?? { error: 'Internal server error' } }
      case 'rateLimit': {
        const reset = new Date(Date.now() + behaviour.retryAfterSeconds * 1000).toISOString()
        return { status: 429, body: { error: 'Too many requests' }, headers: { 'retry-after': String(behaviour.retryAfterSeconds), 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset } }
      }
      case 'slow':
        return { ...(await work()), delayMs: behaviour.delayMs }
      case 'acceptThenHang':
        return { ...(await work()), delayMs: behaviour.delayMs ?? Number.POSITIVE_INFINITY }
    }
  }

  async function registerApp(request: FakeRequest): Promise<FakeReply> {
    const fields = await readFields(request)
    const redirect = fields.redirect_uris
    const redirectUris = (Array.isArray(redirect) ? redirect : String(redirect ?? '').split(/\s+/)).map(String).filter((uri) => uri !== '')
    if (typeof fields.client_name !== 'string' || redirectUris.length === 0) {
      return { status: 422, body: { error: "Validation failed: Name can't be blank, Redirect URI can't be blank" } }
    }
    const clientId = randomBytes(16).toString('hex')
    const secret = randomBytes(16).toString('hex')
    const scopes = typeof fields.scopes === 'string' ? fields.scopes : 'read'
    apps.set(clientId, { secret, redirectUris, scopes })

    return { status: 200, body: { id: newId(), name: fields.client_name, scopes: scopes.split(' '), redirect_uri: redirectUris.join('\n'), redirect_uris: redirectUris, client_id: clientId, client_secret: secret, client_secret_expires_at: 0 } }
  }

  // The account owner approves at once; with the out-of-band redirect the page shows the code.
  function authorize(url: URL): FakeReply {
    const app = apps.get(url.searchParams.get('client_id') ?? '')
    const redirectUri = url.searchParams.get('redirect_uri') ?? ''
    if (app === undefined || !app.redirectUris.includes(redirectUri) || url.searchParams.get('response_type') !== 'code') {
      return { status: 400, body: '<p>The client application is invalid or the redirect URI does not match.</p>' }
    }
    const code = randomBytes(16).toString('base64url')
    codes.set(code, { clientId: url.searchParams.get('client_id')!, scopes: url.searchParams.get('scope') ?? 'read' })

    return { status: 200, body: `<html><body><p>Copy this authorization code to the application:</p><input class="oauth-code" readonly value="${code}"></body></html>` }
  }

  async function exchangeToken(request: FakeRequest): Promise<FakeReply> {
    const fields = await readFields(request)
    const app = apps.get(String(fields.client_id ?? ''))
    if (app === undefined || app.secret !== fields.client_secret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.' } }
    }
    const grant = codes.get(String(fields.code ?? ''))
    if (fields.grant_type !== 'authorization_code' || grant === undefined || grant.clientId !== fields.client_id) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' } }
    }
    codes.delete(String(fields.code))
    const token = issueToken()

    return { status: 200, body: { access_token: token, token_type: 'Bearer', scope: grant.scopes, created_at: Math.floor(Date.now() / 1000) } }
  }

  async function revoke(request: FakeRequest): Promise<FakeReply> {
    const fields = await readFields(request)
    const app = apps.get(String(fields.client_id ?? ''))
    if (app === undefined || app.secret !== fields.client_secret) return { status: 403, body: { error: 'unauthorized_client', error_description: 'You are not authorized to revoke this token' } }
    tokens.delete(String(fields.token ?? ''))

    return { status: 200, body: {} }
  }

  function instance() {
    return {
      domain: new URL(baseUrl).host,
      title: 'Fake Mastodon',
      version: '4.3.0',
      configuration: {
        statuses: { max_characters: options.maxCharacters ?? 500, max_media_attachments: 4, characters_reserved_per_url: 23 },
        media_attachments: { supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4'], image_size_limit: 16777216, video_size_limit: 103809024 },
      },
    }
  }

  async function upload(request: FakeRequest): Promise<FakeReply> {
    const fields = await readFields(request)
    const file = fields.file
    if (!(file instanceof Blob) || file.type === '') return { status: 422, body: { error: 'Validation failed: File content type is invalid, File is invalid' } }
    const entry: FakeMedia = { id: newId(), description: typeof fields.description === 'string' ? fields.description : null, contentType: file.type, size: file.size, pollsLeft: processingPolls }
    media.set(entry.id, entry)

    return { status: entry.pollsLeft > 0 ? 202 : 200, body: toMediaJson(entry) }
  }

  function mediaState(id: string): FakeReply {
    const entry = media.get(id)
    if (entry === undefined) return { status: 404, body: { error: 'Record not found' } }
    if (entry.pollsLeft > 0) {
      entry.pollsLeft -= 1
      return { status: 206, body: '' }
    }

    return { status: 200, body: toMediaJson(entry) }
  }

  async function createStatus(request: FakeRequest): Promise<FakeReply> {
    const fields = await readFields(request)
    const key = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : null
    if (key !== null) {
      const earlier = idempotency.get(key)
      if (earlier !== undefined && Date.now() - earlier.at < IDEMPOTENCY_TTL_MS) {
        return { status: 200, body: toStatusJson(statuses.find((status) => status.id === earlier.statusId)!) }
      }
    }

    const mediaIds = (Array.isArray(fields.media_ids) ? fields.media_ids : []).map(String)
    const text = typeof fields.status === 'string' ? fields.status : ''
    if (text.trim() === '' && mediaIds.length === 0) return { status: 422, body: { error: "Validation failed: Text can't be blank" } }
    if (mediaIds.some((id) => !media.has(id))) return { status: 422, body: { error: 'Validation failed: Media attachments are invalid' } }
    if (mediaIds.some((id) => media.get(id)!.pollsLeft > 0)) return { status: 422, body: { error: 'Cannot attach files that have not finished processing. Try again in a moment!' } }
    // Mastodon counts every URL as 23 characters, whatever its length.
    const limit = options.maxCharacters ?? 500
    if ([...text.replace(/https?:\/\/\S+/g, 'x'.repeat(23))].length > limit) return { status: 422, body: { error: `Validation failed: Text character limit of ${limit} exceeded` } }
    const inReplyToId = typeof fields.in_reply_to_id === 'string' ? fields.in_reply_to_id : null
    if (inReplyToId !== null && !statuses.some((status) => status.id === inReplyToId)) return { status: 404, body: { error: 'Record not found' } }

    const id = newId()
    const status: FakeStatus = {
      id,
      text,
      inReplyToId,
      mediaIds,
      spoilerText: typeof fields.spoiler_text === 'string' ? fields.spoiler_text : '',
      visibility: typeof fields.visibility === 'string' ? fields.visibility : 'public',
      language: typeof fields.language === 'string' ? fields.language : null,
      idempotencyKey: key,
      url: `${baseUrl}/@${ACCOUNT.username}/${id}`,
    }
    statuses.push(status)
    if (key !== null) idempotency.set(key, { statusId: id, at: Date.now() })

    return { status: 200, body: toStatusJson(status) }
  }

  function toMediaJson(entry: FakeMedia) {
    const processed = entry.pollsLeft === 0
    return { id: entry.id, type: entry.contentType.startsWith('video/') ? 'video' : 'image', url: processed ? `${baseUrl}/media/${entry.id}` : null, preview_url: `${baseUrl}/media/${entry.id}/small`, description: entry.description }
  }

  function toStatusJson(status: FakeStatus) {
    return {
      id: status.id,
      uri: `${baseUrl}/users/${ACCOUNT.username}/statuses/${status.id}`,
      url: status.url,
      content: `<p>${status.text}</p>`,
      in_reply_to_id: status.inReplyToId,
      spoiler_text: status.spoilerText,
      visibility: status.visibility,
      language: status.language,
      media_attachments: status.mediaIds.map((id) => toMediaJson(media.get(id)!)),
      account: { ...ACCOUNT, acct: ACCOUNT.username },
    }
  }

  function issueToken(): string {
    const token = randomBytes(24).toString('base64url')
    tokens.add(token)
    return token
  }

  baseUrl = await startLoopbackServer(t, handle, requests)

  return {
    url: baseUrl,
    statuses,
    media,
    requests,
    script,
    setProcessingPolls: (count) => (processingPolls = count),
    issueToken,
    revokeToken: (token) => tokens.delete(token),
    validTokens: () => [...tokens],
  }
}
