import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startLoopbackServer } from '../../../test/helpers/fake-http.ts'
import { pngOfSize, startMediaServer } from '../../../test/helpers/media-server.ts'
import { fetchMedia } from './fetch-media.ts'
import { isPublicAddress } from './public-address.ts'

const ALLOW_LOOPBACK = { maxBytes: 10_000, timeoutMs: 2000, allowedPrivateHosts: ['127.0.0.1'] }
const DEFAULTS = { maxBytes: 10_000, timeoutMs: 2000, allowedPrivateHosts: [] }

describe('isPublicAddress', () => {
  const cases: Array<[string, boolean]> = [
    ['93.184.215.14', true],
    ['2606:4700::6810:85e5', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:93.184.215.14', true],
    ['64:ff9b::a00:1', false],
    ['not an address', false],
  ]
  for (const [address, expected] of cases) {
    it(`classifies ${address}`, () => {
      assert.equal(isPublicAddress(address), expected)
    })
  }
})

describe('fetchMedia', () => {
  it('downloads an allowed file', async (t) => {
    const media = await startMediaServer(t)
    const url = media.serve('/pigeon.png', pngOfSize(500))

    const result = await fetchMedia(url, ALLOW_LOOPBACK, { kind: 'image' })

    assert.ok(result.ok)
    assert.equal(result.value.bytes.length, 500)
    assert.equal(result.value.contentType, 'image/png')
  })

  it('refuses loopback by default', async (t) => {
    const media = await startMediaServer(t)
    const url = media.serve('/pigeon.png', pngOfSize(500))

    const result = await fetchMedia(url, DEFAULTS, { kind: 'image' })

    assert.ok(!result.ok)
    assert.equal(result.error.retryable, false)
    assert.match(result.error.message, /PIGEON_MEDIA_ALLOWED_PRIVATE_HOSTS/)
    assert.equal(media.requests.length, 0)
  })

  it('refuses a name resolving to loopback', async (t) => {
    const media = await startMediaServer(t)
    const url = media.serve('/pigeon.png', pngOfSize(500)).replace('127.0.0.1', 'localhost')

    const result = await fetchMedia(url, DEFAULTS, { kind: 'image' })

    assert.ok(!result.ok)
    assert.match(result.error.message, /loopback or private address/)
    assert.equal(media.requests.length, 0)
  })

  it('refuses a redirect to a private address', async (t) => {
    const media = await startMediaServer(t)
    const target = media.serve('/pigeon.png', pngOfSize(500))
    const redirector = await startLoopbackServer(t, async () => ({ status: 302, headers: { location: target.replace('127.0.0.1', 'localhost') } }), [])

    const result = await fetchMedia(`${redirector}/moved.png`, ALLOW_LOOPBACK, { kind: 'image' })

    assert.ok(!result.ok)
    assert.match(result.error.message, /localhost.*loopback or private address/)
  })

  it('stops at the size cap', async (t) => {
    const media = await startMediaServer(t)
    const url = media.serve('/big.png', pngOfSize(20_000))

    const result = await fetchMedia(url, ALLOW_LOOPBACK, { kind: 'image' })

    assert.ok(!result.ok)
    assert.equal(result.error.retryable, false)
    assert.match(result.error.message, /larger than 10000 bytes/)
  })

  it('applies a network cap', async (t) => {
    const media = await startMediaServer(t)
    const url = media.serve('/mid.png', pngOfSize(2000))

    const result = await fetchMedia(url, ALLOW_LOOPBACK, { kind: 'image', maxBytes: 1000, limitOwner: 'Bluesky' })

    assert.ok(!result.ok)
    assert.match(result.error.message, /larger than 1000 bytes, the most Bluesky accepts/)
  })

  it('rejects the wrong content type', async (t) => {
    const media = await startMediaServer(t)
    const url = media.serve('/page.html', { contentType: 'text/html', bytes: Buffer.from('<p>hi</p>') })

    const result = await fetchMedia(url, ALLOW_LOOPBACK, { kind: 'image' })

    assert.ok(!result.ok)
    assert.match(result.error.message, /Content-Type "text\/html"/)
  })

  it('reports 404 as final', async (t) => {
    const media = await startMediaServer(t)

    const result = await fetchMedia(`${media.url}/missing.png`, ALLOW_LOOPBACK, { kind: 'image' })

    assert.ok(!result.ok)
    assert.equal(result.error.retryable, false)
    assert.match(result.error.message, /HTTP 404/)
  })

  it('reports 503 as retryable', async (t) => {
    const media = await startMediaServer(t)
    const url = media.serve('/busy.png', { ...pngOfSize(10), status: 503 })

    const result = await fetchMedia(url, ALLOW_LOOPBACK, { kind: 'image' })

    assert.ok(!result.ok)
    assert.equal(result.error.retryable, true)
  })

  it('times out a slow server', async (t) => {
    const slow = await startLoopbackServer(t, async () => ({ status: 200, body: Buffer.from('x'), headers: { 'content-type': 'image/png' }, delayMs: 5000 }), [])

    const result = await fetchMedia(`${slow}/slow.png`, { ...ALLOW_LOOPBACK, timeoutMs: 300 }, { kind: 'image' })

    assert.ok(!result.ok)
    assert.equal(result.error.retryable, true)
    assert.match(result.error.message, /did not download within 300 ms/)
  })
})
