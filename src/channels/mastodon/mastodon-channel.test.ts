import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { startFakeMastodon, type FakeMastodon } from '../../../test/helpers/fake-mastodon.ts'
import { pngOfSize, startMediaServer } from '../../../test/helpers/media-server.ts'
import { newObjectId } from '../../ids.ts'
import type { PublishedItem, PublishItem, PublishRequest } from '../channel.ts'
import type { DeliveredOutcome, RetryOutcome } from '../delivery-outcome.ts'
import { publishToMastodon, type MastodonConnection, type MastodonPublishOptions } from './mastodon-channel.ts'

const OPTIONS: MastodonPublishOptions = {
  requestTimeoutMs: 1000,
  media: { maxBytes: 100_000, timeoutMs: 2000, allowedPrivateHosts: ['127.0.0.1'] },
  mediaPollIntervalMs: 20,
  mediaProcessingBudgetMs: 2000,
}

interface Harness {
  fake: FakeMastodon
  connection: MastodonConnection
  published: PublishedItem[]
  request(items: PublishItem[], overrides?: Partial<PublishRequest>): PublishRequest
}

async function setUp(t: TestContext): Promise<Harness> {
  const fake = await startFakeMastodon(t)
  const connection = { serverUrl: fake.url, accessToken: fake.issueToken(), visibility: 'unlisted', language: 'en' }
  const published: PublishedItem[] = []
  const postId = newObjectId()

  return {
    fake,
    connection,
    published,
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

describe('publishToMastodon', () => {
  it('publishes a thread with media in order', async (t) => {
    const { fake, connection, published, request } = await setUp(t)
    const media = await startMediaServer(t)
    fake.setProcessingPolls(2)
    const items = textItems('First', 'Second', 'Third')
    items[0]!.media.push({ kind: 'image', url: media.serve('/a.png', pngOfSize(300)), altText: 'A pigeon on a ledge' })

    const outcome = await publishToMastodon(connection, request(items, { spoilerText: 'birds' }), OPTIONS)

    assert.equal(outcome.kind, 'delivered')
    assert.equal(fake.statuses.length, 3)
    assert.deepEqual(fake.statuses.map((status) => status.text), ['First', 'Second', 'Third'])
    assert.equal(fake.statuses[0]!.inReplyToId, null)
    assert.equal(fake.statuses[1]!.inReplyToId, fake.statuses[0]!.id)
    assert.equal(fake.statuses[2]!.inReplyToId, fake.statuses[1]!.id)
    assert.equal(fake.statuses[0]!.mediaIds.length, 1)
    assert.equal(fake.media.get(fake.statuses[0]!.mediaIds[0]!)!.description, 'A pigeon on a ledge')
    assert.equal(fake.requests.filter((entry) => entry.path.startsWith('/api/v1/media/')).length, 3)
    assert.ok(fake.statuses.every((status) => status.spoilerText === 'birds' && status.visibility === 'unlisted' && status.language === 'en'))
    assert.equal(published.length, 3)
    assert.equal((outcome as DeliveredOutcome).remoteId, fake.statuses[0]!.id)
    assert.equal((outcome as DeliveredOutcome).externalLink, fake.statuses[0]!.url)
  })

  it('repeats an unanswered status with the same key', async (t) => {
    const { fake, connection, request } = await setUp(t)
    fake.script.add('statuses', { kind: 'acceptThenHang' })

    const first = await publishToMastodon(connection, request(textItems('Once only')), OPTIONS)
    const second = await publishToMastodon(connection, request(textItems('Once only')), OPTIONS)

    assert.equal(first.kind, 'retry')
    assert.equal((first as RetryOutcome).outcomeUnknown, true)
    assert.equal(second.kind, 'delivered')
    assert.equal(fake.statuses.length, 1)
    const keys = fake.requests.filter((entry) => entry.path === '/api/v1/statuses').map((entry) => entry.headers['idempotency-key'])
    assert.equal(keys.length, 2)
    assert.equal(keys[0], keys[1])
  })

  it('marks a 500 as possibly published', async (t) => {
    const { fake, connection, request } = await setUp(t)
    fake.script.add('statuses', { kind: 'fail', status: 500 })

    const outcome = await publishToMastodon(connection, request(textItems('Hello')), OPTIONS)

    assert.equal(outcome.kind, 'retry')
    assert.equal((outcome as RetryOutcome).outcomeUnknown, true)
    assert.match(outcome.kind === 'retry' ? outcome.reason : '', /HTTP 500/)
  })

  it('reads Retry-After on 429', async (t) => {
    const { fake, connection, request } = await setUp(t)
    fake.script.add('statuses', { kind: 'rateLimit', retryAfterSeconds: 30 })

    const outcome = await publishToMastodon(connection, request(textItems('Hello')), OPTIONS)

    assert.equal(outcome.kind, 'retry')
    assert.equal(outcome.kind === 'retry' && outcome.retryAfterMs, 30_000)
    assert.equal((outcome as RetryOutcome).outcomeUnknown, false)
    assert.equal(fake.statuses.length, 0)
  })

  it('asks to reconnect on 401', async (t) => {
    const { fake, connection, request } = await setUp(t)
    fake.revokeToken(connection.accessToken)

    const outcome = await publishToMastodon(connection, request(textItems('Hello')), OPTIONS)

    assert.equal(outcome.kind, 'reauth')
    assert.match(outcome.kind === 'reauth' ? outcome.reason : '', /access token is invalid/)
  })

  it('gives up on media that never finishes', async (t) => {
    const { fake, connection, request } = await setUp(t)
    const media = await startMediaServer(t)
    fake.setProcessingPolls(1000)
    const items = textItems('With video')
    items[0]!.media.push({ kind: 'image', url: media.serve('/b.png', pngOfSize(300)), altText: '' })

    const outcome = await publishToMastodon(connection, request(items), { ...OPTIONS, mediaProcessingBudgetMs: 300 })

    assert.equal(outcome.kind, 'rejected')
    assert.match(outcome.kind === 'rejected' ? outcome.reason : '', /did not finish processing media/)
    assert.equal(fake.statuses.length, 0)
  })

  it('resumes a thread after the failed item', async (t) => {
    const { fake, connection, published, request } = await setUp(t)
    const items = textItems('One', 'Two', 'Three', 'Four')
    fake.script.add('statuses', { kind: 'slow', delayMs: 0 }, { kind: 'slow', delayMs: 0 }, { kind: 'fail', status: 503 })

    const first = await publishToMastodon(connection, request(items), OPTIONS)
    const second = await publishToMastodon(connection, request(items, { isRepeat: true }), OPTIONS)

    assert.equal(first.kind, 'retry')
    assert.match(first.kind === 'retry' ? first.reason : '', /2 of 4 thread items were published/)
    assert.equal(second.kind, 'delivered')
    assert.deepEqual(fake.statuses.map((status) => status.text), ['One', 'Two', 'Three', 'Four'])
    assert.equal(fake.statuses[2]!.inReplyToId, fake.statuses[1]!.id)
    assert.deepEqual(published.map((item) => item.index), [0, 1, 2, 3])
  })

  it('rejects what the instance refuses', async (t) => {
    const { fake, connection, request } = await setUp(t)

    const outcome = await publishToMastodon(connection, request(textItems('x'.repeat(600))), OPTIONS)

    assert.equal(outcome.kind, 'rejected')
    assert.match(outcome.kind === 'rejected' ? outcome.reason : '', /HTTP 422: Validation failed: Text character limit of 500 exceeded/)
    assert.equal(fake.statuses.length, 0)
  })
})
