import { createHash, randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import { jsonToLex, lexicons } from '@atproto/api'
import { BehaviourScript, bearerOf, readFields, startLoopbackServer, type FakeReply, type FakeRequest, type ReceivedRequest } from './fake-http.ts'

// A Bluesky PDS for one account, built from the com.atproto lexicons and docs.bsky.app:
// - createSession takes a handle or DID and an app password; expired access tokens get
//   400 ExpiredToken and refreshSession trades the refresh token for a new pair, revoking the old one.
// - uploadBlob stores a blob and refuses more than 1,000,000 bytes, the limit of image blobs.
// - createRecord validates the record against the official lexicons of @atproto/api, checks that
//   referenced blobs and reply targets exist, and refuses a record key that is already taken.
// - getRecord reads a record back, for reconciliation; resolveHandle knows a fixed set of handles.
// Record CIDs hash the JSON of the record rather than its DAG-CBOR encoding, which is enough for
// references between records of this fake.

export interface FakeRecord {
  uri: string
  cid: string
  rkey: string
  value: Record<string, any>
}

export type BlueskyRoute = 'createSession' | 'refreshSession' | 'uploadBlob' | 'createRecord' | 'getRecord'

export interface FakeBluesky {
  url: string
  did: string
  handle: string
  appPassword: string
  /** Posts written, in order: the count of what is really in the repository. */
  records: FakeRecord[]
  blobs: Map<string, { mimeType: string; size: number }>
  requests: ReceivedRequest[]
  script: BehaviourScript<BlueskyRoute>
  /** Lifetime of access tokens issued from now on. */
  setAccessTokenTtl(ms: number): void
  /** Lets every access token issued so far expire now. */
  expireAccessTokens(): void
  /** Revokes every refresh token issued so far, as a password change or session purge does. */
  revokeRefreshTokens(): void
  /** Handles that resolveHandle resolves, with their DIDs. */
  knownHandles: Map<string, string>
}

const BLOB_LIMIT = 1_000_000
const POST_COLLECTION = 'app.bsky.feed.post'
const TID = /^[234567a-j][234567a-z]{12}$/

interface IssuedToken {
  kind: 'access' | 'refresh'
  expiresAt: number
  revoked: boolean
}

/** Starts the fake PDS on 127.0.0.1 for the account `pigeon.test`. */
export async function startFakeBluesky(t: TestContext): Promise<FakeBluesky> {
  const did = 'did:plc:pigeontest7x2vqkjd4tcbwy'
  const handle = 'pigeon.test'
  const appPassword = 'abcd-efgh-ijkl-mnop'
  const records: FakeRecord[] = []
  const blobs = new Map<string, { mimeType: string; size: number }>()
  const requests: ReceivedRequest[] = []
  const script = new BehaviourScript<BlueskyRoute>()
  const tokens = new Map<string, IssuedToken>()
  const knownHandles = new Map([[handle, did], ['alice.test', 'did:plc:alicetestq3wh6kslxm5rpv']])
  let accessTtlMs = 2 * 60 * 60 * 1000
  let baseUrl = ''

  async function handle_(request: FakeRequest): Promise<FakeReply> {
    const nsid = request.url.pathname.replace(/^\/xrpc\//, '')
    switch (`${request.method} ${nsid}`) {
      case 'POST com.atproto.server.createSession':
        return scripted('createSession', () => createSession(request))
      case 'POST com.atproto.server.refreshSession':
        return scripted('refreshSession', async () => refreshSession(request))
      case 'POST com.atproto.server.deleteSession':
        return deleteSession(request)
      case 'GET com.atproto.identity.resolveHandle': {
        const found = knownHandles.get(request.url.searchParams.get('handle') ?? '')
        return found === undefined ? { status: 400, body: { error: 'InvalidRequest', message: 'Unable to resolve handle' } } : { status: 200, body: { did: found } }
      }
    }

    const denied = checkAccess(request)
    if (denied !== null) return denied
    switch (`${request.method} ${nsid}`) {
      case 'GET com.atproto.server.getSession':
        return { status: 200, body: { did, handle } }
      case 'POST com.atproto.repo.uploadBlob':
        return scripted('uploadBlob', async () => uploadBlob(request))
      case 'POST com.atproto.repo.createRecord':
        return scripted('createRecord', () => createRecord(request))
      case 'GET com.atproto.repo.getRecord':
        return scripted('getRecord', async () => getRecord(request.url.searchParams))
      default:
        return { status: 501, body: { error: 'MethodNotImplemented', message: `Method Not Implemented: ${nsid}` } }
    }
  }

  async function scripted(route: BlueskyRoute, work: () => Promise<FakeReply>): Promise<FakeReply> {
    const behaviour = script.take(route)
    if (behaviour === undefined) return work()
    switch (behaviour.kind) {
      case 'fail':
        return { status: behaviour.status, body: behaviour.body ?? { error: 'InternalServerError', message: 'Internal Server Error' } }
      case 'rateLimit': {
        const reset = String(Math.ceil(Date.now() / 1000) + behaviour.retryAfterSeconds)
        return { status: 429, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, headers: { 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': reset, 'ratelimit-policy': '5000;w=3600' } }
      }
      case 'slow':
        return { ...(await work()), delayMs: behaviour.delayMs }
      case 'acceptThenHang':
        return { ...(await work()), delayMs: behaviour.delayMs ?? Number.POSITIVE_INFINITY }
    }
  }

  function issue(kind: IssuedToken['kind'], ttlMs: number): string {
    const expiresAt = Date.now() + ttlMs
    const header = Buffer.from(JSON.stringify({ typ: kind === 'access' ? 'at+jwt' : 'refresh+jwt', alg: 'ES256K' })).toString('base64url')
    const payload = Buffer.from(JSON.stringify({ scope: `com.atproto.${kind}`, sub: did, iat: Math.floor(Date.now() / 1000), exp: Math.floor(expiresAt / 1000), jti: randomBytes(8).toString('hex') })).toString('base64url')
    const token = `${header}.${payload}.${randomBytes(32).toString('base64url')}`
    tokens.set(token, { kind, expiresAt, revoked: false })

    return token
  }

  function session() {
    return {
      did,
      handle,
      accessJwt: issue('access', accessTtlMs),
      refreshJwt: issue('refresh', 90 * 24 * 60 * 60 * 1000),
      active: true,
      didDoc: { '@context': ['https://www.w3.org/ns/did/v1'], id: did, alsoKnownAs: [`at://${handle}`], service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: baseUrl }] },
    }
  }

  async function createSession(request: FakeRequest): Promise<FakeReply> {
    const fields = await readFields(request)
    if ((fields.identifier !== handle && fields.identifier !== did) || fields.password !== appPassword) {
      return { status: 401, body: { error: 'AuthenticationRequired', message: 'Invalid identifier or password' } }
    }

    return { status: 200, body: session() }
  }

  function refreshSession(request: FakeRequest): FakeReply {
    const token = bearerOf(request) ?? ''
    const issued = tokens.get(token)
    if (issued === undefined || issued.kind !== 'refresh') return { status: 401, body: { error: 'InvalidToken', message: 'Token could not be verified' } }
    if (issued.revoked) return { status: 400, body: { error: 'ExpiredToken', message: 'Token has been revoked' } }
    if (issued.expiresAt <= Date.now()) return { status: 400, body: { error: 'ExpiredToken', message: 'Token has expired' } }
    issued.revoked = true

    return { status: 200, body: session() }
  }

  function deleteSession(request: FakeRequest): FakeReply {
    const issued = tokens.get(bearerOf(request) ?? '')
    if (issued === undefined || issued.kind !== 'refresh') return { status: 401, body: { error: 'InvalidToken', message: 'Token could not be verified' } }
    issued.revoked = true

    return { status: 200 }
  }

  function checkAccess(request: FakeRequest): FakeReply | null {
    const token = bearerOf(request)
    if (token === null) return { status: 401, body: { error: 'AuthMissing', message: 'Authentication Required' } }
    const issued = tokens.get(token)
    if (issued === undefined || issued.kind !== 'access' || issued.revoked) return { status: 401, body: { error: 'InvalidToken', message: 'Token could not be verified' } }
    if (issued.expiresAt <= Date.now()) return { status: 400, body: { error: 'ExpiredToken', message: 'Token has expired' } }

    return null
  }

  function uploadBlob(request: FakeRequest): FakeReply {
    const mimeType = request.headers['content-type'] ?? ''
    if (request.body.length > BLOB_LIMIT) {
      return { status: 400, body: { error: 'BlobTooLarge', message: `This file is too large. It is ${request.body.length} bytes but the maximum size is ${BLOB_LIMIT} bytes.` } }
    }
    const cid = cidOf(0x55, request.body)
    blobs.set(cid, { mimeType, size: request.body.length })

    return { status: 200, body: { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: request.body.length } } }
  }

  async function createRecord(request: FakeRequest): Promise<FakeReply> {
    const input = JSON.parse(request.body.toString('utf8') || '{}') as { repo?: string; collection?: string; rkey?: string; record?: Record<string, any> }
    if (input.repo !== did && input.repo !== handle) return invalid(`Repo ${String(input.repo)} is not the authenticated account`)
    if (input.collection !== POST_COLLECTION) return invalid(`This fake only stores ${POST_COLLECTION} records`)
    const rkey = input.rkey ?? newTid()
    // app.bsky.feed.post declares "key": "tid", so its record keys must be TIDs.
    if (!TID.test(rkey)) return invalid(`Invalid record key for ${POST_COLLECTION}: ${rkey} is not a TID`)
    const uri = `at://${did}/${POST_COLLECTION}/${rkey}`
    if (records.some((record) => record.rkey === rkey)) return invalid(`Record already exists at ${uri}`)

    const record = input.record ?? {}
    try {
      lexicons.assertValidRecord(POST_COLLECTION, jsonToLex(record))
    } catch (error) {
      return invalid(`Invalid ${POST_COLLECTION} record: ${(error as Error).message}`)
    }
    const problem = checkReferences(record)
    if (problem !== null) return invalid(problem)

    const cid = cidOf(0x71, Buffer.from(JSON.stringify(record)))
    records.push({ uri, cid, rkey, value: record })

    return { status: 200, body: { uri, cid, commit: { cid: cidOf(0x71, Buffer.from(uri)), rev: newTid() }, validationStatus: 'valid' } }
  }

  function checkReferences(record: Record<string, any>): string | null {
    const blobRefs: string[] = []
    if (record.embed?.$type === 'app.bsky.embed.images') blobRefs.push(...record.embed.images.map((image: any) => image.image.ref.$link))
    if (record.embed?.$type === 'app.bsky.embed.external' && record.embed.external.thumb !== undefined) blobRefs.push(record.embed.external.thumb.ref.$link)
    const missing = blobRefs.find((cid) => !blobs.has(cid))
    if (missing !== undefined) return `Could not find blob: ${missing}`

    for (const side of ['root', 'parent'] as const) {
      const ref = record.reply?.[side]
      if (ref === undefined) continue
      const target = records.find((entry) => entry.uri === ref.uri)
      if (target === undefined || target.cid !== ref.cid) return `Record/reply/${side} does not reference an existing record`
    }

    return null
  }

  function getRecord(params: URLSearchParams): FakeReply {
    const rkey = params.get('rkey') ?? ''
    const found = params.get('collection') === POST_COLLECTION && (params.get('repo') === did || params.get('repo') === handle) ? records.find((record) => record.rkey === rkey) : undefined
    if (found === undefined) return { status: 400, body: { error: 'RecordNotFound', message: `Could not locate record: at://${params.get('repo')}/${params.get('collection')}/${rkey}` } }

    return { status: 200, body: { uri: found.uri, cid: found.cid, value: found.value } }
  }

  baseUrl = await startLoopbackServer(t, handle_, requests)

  return {
    url: baseUrl,
    did,
    handle,
    appPassword,
    records,
    blobs,
    requests,
    script,
    knownHandles,
    setAccessTokenTtl: (ms) => (accessTtlMs = ms),
    expireAccessTokens: () => {
      for (const issued of tokens.values()) if (issued.kind === 'access') issued.expiresAt = Date.now()
    },
    revokeRefreshTokens: () => {
      for (const issued of tokens.values()) if (issued.kind === 'refresh') issued.revoked = true
    },
  }
}

function invalid(message: string): FakeReply {
  return { status: 400, body: { error: 'InvalidRequest', message } }
}

/** Computes a CIDv1 string (base32, "b" prefix) of `bytes` hashed with SHA-256, for the multicodec `codec`. */
function cidOf(codec: number, bytes: Buffer): string {
  const digest = createHash('sha256').update(bytes).digest()
  return `b${base32(Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), digest]))}`
}

function base32(bytes: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let bits = 0
  let value = 0
  let text = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      text += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) text += alphabet[(value << (5 - bits)) & 31]

  return text
}

function newTid(): string {
  const alphabet = '234567abcdefghijklmnopqrstuvwxyz'
  let value = (BigInt(Date.now()) * 1000n) << 10n
  value |= BigInt(randomBytes(2).readUInt16BE(0) & 0x3ff)
  let text = ''
  for (let index = 0; index < 13; index++) {
    text = alphabet[Number(value & 31n)] + text
    value >>= 5n
  }

  return text
}
