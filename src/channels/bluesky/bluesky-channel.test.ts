import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { startFakeBluesky, type FakeBluesky } from '../../../test/helpers/fake-bluesky.ts'
import { pngOfSize, startMediaServer } from '../../../test/helpers/media-server.ts'
import { newObjectId } from '../../ids.ts'
import type { AdapterOptions, PublishedItem, PublishItem, PublishRequest } from '../channel.ts'
import type { DeliveredOutcome, RetryOutcome } from '../delivery-outcome.ts'
import { MAX_IMAGE_BYTES, publishToBluesky, type BlueskyConnection } from './bluesky-channel.ts'
import { createSession, type BlueskySession } from './bluesky-session.ts'
import { blueskyRecordKey } from './record-key.ts'

const OPTIONS: AdapterOptions = { requestTimeoutMs: 1000, media: { maxBytes: 5_000_000, timeoutMs: 2000, allowedPrivateHosts: ['127.0.0.1'] } }

interface Harness {
  fake: FakeBluesky
  connection: BlueskyConnection
  /** Sessions the adapter stored after refreshing. */
  saved: BlueskySession[]
  published: PublishedItem[]
  postId: string
  request(items: PublishItem[], overrides?: Partial<PublishRequest>): PublishRequest
}

async function setUp(t: TestContext): Promise<Harness> {
  const fake = await startFakeBluesky(t)
  const login = await createSession(fake.url, fake.handle, fake.appPassword, 1000)
  if (!login.ok) throw new Error(login.error.message)
  const saved: BlueskySession[] = []
  const published: PublishedItem[] = []
  const postId = newObjectId()
  const connection: BlueskyConnection = {
    session: login.value,
    language: 'en',
    store: {
      save: async (session) => {
        saved.push(session)
      },
      reload: async () => saved.at(-1) ?? login.value,
    },
  }

  return {
    fake,
    connection,
    saved,
    published,
    postId,
    request: (items, overrides = {}) => ({
      postId,
      items,
      published: [...published],
      onPublished: async (item) => {
        published.push(item)
      },
      isRepeat: false,
      spoilerText: null,
      signal: new AbortController().signal,
      now: () => new Date(),
      ...overrides,
    }),
  }
}

function textItems(...texts: string[]): PublishItem[] {
  return texts.map((text, index) => ({ index, text, media: [], link: null }))
}

describe('publishToBluesky', () => {
  it('publishes a thread with images and facets', async (t) => {
    const { fake, connection, request, postId } = await setUp(t)
    const media = await startMediaServer(t)
    const text = 'Grüße 🐦 @alice.test, read https://example.com/a #pigeons'
    const items = textItems(text, 'Second', 'Third')
    items[0]!.media.push({ kind: 'image', url: media.serve('/a.png', pngOfSize(2000)), altText: 'A pigeon on a ledge' })

    const outcome = await publishToBluesky(connection, request(items), OPTIONS)

    assert.equal(outcome.kind, 'delivered')
    assert.equal(fake.records.length, 3)
    const [root, second, third] = fake.records
    assert.deepEqual(fake.records.map((record) => record.rkey), [0, 1, 2].map((index) => blueskyRecordKey(postId, index)))
    assert.equal(root!.value.text, text)
    assert.equal(root!.value.embed.images[0].alt, 'A pigeon on a ledge')
    assert.equal(root!.value.reply, undefined)
    assert.deepEqual(second!.value.reply, { root: { uri: root!.uri, cid: root!.cid }, parent: { uri: root!.uri, cid: root!.cid } })
    assert.deepEqual(third!.value.reply, { root: { uri: root!.uri, cid: root!.cid }, parent: { uri: second!.uri, cid: second!.cid } })
    assert.deepEqual(root!.value.langs, ['en'])
    const bytes = Buffer.from(text, 'utf8')
    const slices = root!.value.facets.map((facet: any) => bytes.subarray(facet.index.byteStart, facet.index.byteEnd).toString('utf8'))
    assert.deepEqual(slices, ['@alice.test', 'https://example.com/a', '#pigeons'])
    assert.equal(root!.value.facets[0].features[0].did, 'did:plc:alicetestq3wh6kslxm5rpv')
    assert.equal((outcome as DeliveredOutcome).externalLink, `https://bsky.app/profile/${fake.did}/post/${root!.rkey}`)
  })

  it('drops a mention that does not resolve', async (t) => {
    const { fake, connection, request } = await setUp(t)

    await publishToBluesky(connection, request(textItems('hi @nobody.test')), OPTIONS)

    assert.equal(fake.records[0]!.value.facets, undefined)
  })

  it('rejects an image over 1,000,000 bytes', async (t) => {
    const { fake, connection, request } = await setUp(t)
    const media = await startMediaServer(t)
    const items = textItems('Too big')
    items[0]!.media.push({ kind: 'image', url: media.serve('/big.png', pngOfSize(MAX_IMAGE_BYTES + 1)), altText: '' })

    const outcome = await publishToBluesky(connection, request(items), OPTIONS)

    assert.equal(outcome.kind, 'rejected')
    assert.match(outcome.kind === 'rejected' ? outcome.reason : '', /larger than 1000000 bytes, the most Bluesky accepts/)
    assert.equal(fake.records.length, 0)
  })

  it('fake PDS refuses an oversized blob', async (t) => {
    const { fake, connection } = await setUp(t)

    const response = await fetch(`${fake.url}/xrpc/com.atproto.repo.uploadBlob`, {
      method: 'POST',
      headers: { authorization: `Bearer ${connection.session.accessJwt}`, 'content-type': 'image/png' },
      body: new Uint8Array(MAX_IMAGE_BYTES + 1),
    })
    const body = (await response.json()) as { error: string }

    assert.equal(response.status, 400)
    assert.equal(body.error, 'BlobTooLarge')
    assert.equal(fake.blobs.size, 0)
  })

  it('reconciles a write that timed out', async (t) => {
    const { fake, connection, request } = await setUp(t)
    fake.script.add('createRecord', { kind: 'acceptThenHang' })

    const first = await publishToBluesky(connection, request(textItems('Once only')), OPTIONS)
    const second = await publishToBluesky(connection, request(textItems('Once only'), { isRepeat: true }), OPTIONS)

    assert.equal((first as RetryOutcome).outcomeUnknown, true)
    assert.equal(second.kind, 'delivered')
    assert.equal(fake.records.length, 1)
    assert.equal(fake.requests.filter((entry) => entry.path.endsWith('createRecord')).length, 1)
  })

  it('reconciles a refused duplicate key', async (t) => {
    const { fake, connection, request } = await setUp(t)
    await publishToBluesky(connection, request(textItems('Written before')), OPTIONS)

    const again = await publishToBluesky(connection, request(textItems('Written before'), { published: [] }), OPTIONS)

    assert.equal(again.kind, 'delivered')
    assert.equal(fake.records.length, 1)
    assert.equal(fake.requests.filter((entry) => entry.path.endsWith('createRecord')).length, 2)
  })

  it('refreshes an expired session', async (t) => {
    const { fake, connection, saved, request } = await setUp(t)
    fake.expireAccessTokens()

    const outcome = await publishToBluesky(connection, request(textItems('After refresh')), OPTIONS)

    assert.equal(outcome.kind, 'delivered')
    assert.equal(saved.length, 1)
    assert.notEqual(saved[0]!.accessJwt, connection.session.accessJwt)
    assert.equal(fake.records.length, 1)
  })

  it('asks to reconnect when refresh fails', async (t) => {
    const { fake, connection, request } = await setUp(t)
    fake.expireAccessTokens()
    fake.revokeRefreshTokens()

    const outcome = await publishToBluesky(connection, request(textItems('Never')), OPTIONS)

    assert.equal(outcome.kind, 'reauth')
    assert.match(outcome.kind === 'reauth' ? outcome.reason : '', /refused to refresh the session/)
    assert.equal(fake.records.length, 0)
  })

  it('reads the rate-limit reset', async (t) => {
    const { fake, connection, request } = await setUp(t)
    fake.script.add('createRecord', { kind: 'rateLimit', retryAfterSeconds: 120 })

    const outcome = await publishToBluesky(connection, request(textItems('Later')), OPTIONS)

    assert.equal(outcome.kind, 'retry')
    const wait = outcome.kind === 'retry' ? outcome.retryAfterMs ?? 0 : 0
    assert.ok(wait > 60_000, `waits about 120 s, got ${wait} ms`)
    assert.ok(wait <= 121_000, `waits about 120 s, got ${wait} ms`)
  })

  it('attaches a link card', async (t) => {
    const { fake, connection, request } = await setUp(t)
    const media = await startMediaServer(t)
    const items = textItems('Read this')
    items[0]!.link = { url: 'https://example.com/story', title: 'A story', description: 'About pigeons', thumbnailUrl: media.serve('/thumb.png', pngOfSize(400)) }

    await publishToBluesky(connection, request(items), OPTIONS)

    const embed = fake.records[0]!.value.embed
    assert.equal(embed.$type, 'app.bsky.embed.external')
    assert.equal(embed.external.uri, 'https://example.com/story')
    assert.equal(embed.external.title, 'A story')
    assert.equal(embed.external.thumb.size, 400)
  })

  it('rejects a record the lexicon refuses', async (t) => {
    const { fake, connection, request } = await setUp(t)

    const outcome = await publishToBluesky(connection, request(textItems('x'.repeat(301))), OPTIONS)

    assert.equal(outcome.kind, 'rejected')
    assert.match(outcome.kind === 'rejected' ? outcome.reason : '', /must not be longer than 300 graphemes/)
    assert.equal(fake.records.length, 0)
  })
})

describe('blueskyRecordKey', () => {
  it('is stable and distinct per item', () => {
    const postId = newObjectId()

    const keys = [0, 1, 2].map((index) => blueskyRecordKey(postId, index))

    assert.deepEqual(keys, [0, 1, 2].map((index) => blueskyRecordKey(postId, index)))
    assert.equal(new Set(keys).size, 3)
    assert.deepEqual([...keys].sort(), keys)
    assert.ok(keys.every((key) => /^[234567a-j][234567a-z]{12}$/.test(key)))
  })

  it('differs between posts', () => {
    const ids = Array.from({ length: 1000 }, () => newObjectId())

    const keys = new Set(ids.map((id) => blueskyRecordKey(id, 0)))

    assert.equal(keys.size, 1000)
  })
})
