import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import type { DeliveryOutcome } from '../delivery-outcome.ts'
import { generateWebhookSecret, verifyWebhook } from './standard-webhooks.ts'
import { deliverWebhook, validateWebhookUrl } from './webhook-channel.ts'
import type { WebhookDeliveryRequest } from './webhook-channel.ts'

const secret = generateWebhookSecret()
const webhookId = 'msg_68425e79e5105cb6432cc10f'
const body = JSON.stringify({ type: 'post.sent', data: { id: '68425e79e5105cb6432cc10f' } })
const now = new Date('2026-03-01T12:00:00.000Z')
const userAgent = 'Pigeon-Webhooks/0.1 (test)'

type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: string }
type Respond = (request: ReceivedRequest, response: ServerResponse) => void

/** Starts an HTTP receiver on 127.0.0.1 that records each request and responds with `respond`. */
async function startReceiver(
  t: TestContext,
  respond: Respond,
): Promise<{ url: string; origin: string; requests: ReceivedRequest[] }> {
  const requests: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      requests.push(received)
      respond(received, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    // Keep-alive and unanswered connections would otherwise hold close() open.
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url: `${origin}/hooks/pigeon`, origin, requests }
}

/** Returns a loopback URL on a port that was just released, so connecting is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))

  return `http://127.0.0.1:${port}/hooks/pigeon`
}

function deliver(url: string, overrides: Partial<WebhookDeliveryRequest> = {}): Promise<DeliveryOutcome> {
  return deliverWebhook({ url, secret, webhookId, body, now, timeoutMs: 2_000, userAgent, ...overrides })
}

function expectKind<K extends DeliveryOutcome['kind']>(
  outcome: DeliveryOutcome,
  kind: K,
): Extract<DeliveryOutcome, { kind: K }> {
  assert.equal(outcome.kind, kind, `unexpected outcome ${JSON.stringify(outcome)}`)
  return outcome as Extract<DeliveryOutcome, { kind: K }>
}

function respondWith(status: number, text = '', headers: Record<string, string> = {}): Respond {
  return (_request, response) => {
    response.writeHead(status, headers)
    response.end(text)
  }
}

describe('deliverWebhook', () => {
  it('sends verifiable signature', async (t) => {
    const receiver = await startReceiver(t, respondWith(200, 'ok'))

    const outcome = await deliver(receiver.url)

    expectKind(outcome, 'delivered')
    const [received] = receiver.requests
    assert.ok(received)
    const verified = verifyWebhook({ secret, headers: received.headers, body: received.body, now })
    assert.ok(verified.ok, JSON.stringify(verified))
    assert.equal(verified.value.webhookId, webhookId)
  })

  it('sends POST with JSON headers', async (t) => {
    const receiver = await startReceiver(t, respondWith(204))

    await deliver(receiver.url)

    const [received] = receiver.requests
    assert.ok(received)
    assert.equal(received.method, 'POST')
    assert.equal(received.path, '/hooks/pigeon')
    assert.equal(received.headers['content-type'], 'application/json')
    assert.equal(received.headers['user-agent'], userAgent)
    assert.equal(received.headers['webhook-timestamp'], String(now.getTime() / 1000))
    assert.equal(received.body, body)
  })

  it('reads id and url from JSON', async (t) => {
    const reply = JSON.stringify({ id: 'remote-42', url: 'https://social.example/p/42' })
    const receiver = await startReceiver(t, respondWith(201, reply, { 'content-type': 'application/json' }))

    const outcome = expectKind(await deliver(receiver.url), 'delivered')

    assert.equal(outcome.remoteId, 'remote-42')
    assert.equal(outcome.externalLink, 'https://social.example/p/42')
    assert.match(outcome.responseSummary, /^HTTP 201: /)
  })

  it('prefers externalLink over url', async (t) => {
    const reply = JSON.stringify({ url: 'https://a.example/1', externalLink: 'https://b.example/2' })
    const receiver = await startReceiver(t, respondWith(200, reply))

    const outcome = expectKind(await deliver(receiver.url), 'delivered')

    assert.equal(outcome.externalLink, 'https://b.example/2')
  })

  it('ignores non-string id and non-http link', async (t) => {
    const reply = JSON.stringify({ id: 42, url: 'javascript:alert(1)' })
    const receiver = await startReceiver(t, respondWith(200, reply))

    const outcome = expectKind(await deliver(receiver.url), 'delivered')

    assert.equal(outcome.remoteId, null)
    assert.equal(outcome.externalLink, null)
  })

  it('summarises non-JSON 2xx body', async (t) => {
    const receiver = await startReceiver(t, respondWith(200, 'accepted\n  thanks'))

    const outcome = expectKind(await deliver(receiver.url), 'delivered')

    assert.equal(outcome.responseSummary, 'HTTP 200: "accepted thanks"')
    assert.equal(outcome.remoteId, null)
  })

  it('caps large response body', async (t) => {
    const huge = JSON.stringify({ id: 'too-far', padding: 'x'.repeat(1024 * 1024) })
    const receiver = await startReceiver(t, respondWith(200, huge))

    const outcome = expectKind(await deliver(receiver.url), 'delivered')

    assert.equal(outcome.remoteId, null)
    assert.ok(outcome.responseSummary.length < 300, `summary is ${outcome.responseSummary.length} chars`)
  })

  it('rejects 400 with body excerpt', async (t) => {
    const receiver = await startReceiver(t, respondWith(400, 'missing field "text"'))

    const outcome = expectKind(await deliver(receiver.url), 'rejected')

    assert.match(outcome.reason, /HTTP 400/)
    assert.match(outcome.reason, /missing field "text"/)
    assert.ok(outcome.reason.includes(receiver.url), outcome.reason)
    assert.match(outcome.reason, /will not be retried/)
  })

  it('hints at secret on 401', async (t) => {
    const receiver = await startReceiver(t, respondWith(401))

    const outcome = expectKind(await deliver(receiver.url), 'rejected')

    assert.match(outcome.reason, /signing secret/)
  })

  it('rejects 410 as gone', async (t) => {
    const receiver = await startReceiver(t, respondWith(410))

    const outcome = expectKind(await deliver(receiver.url), 'rejected')

    assert.match(outcome.reason, /410 Gone/)
    assert.match(outcome.reason, /no longer accepts deliveries/)
  })

  it('retries 429 with Retry-After seconds', async (t) => {
    const receiver = await startReceiver(t, respondWith(429, 'slow down', { 'retry-after': '120' }))

    const outcome = expectKind(await deliver(receiver.url), 'retry')

    assert.equal(outcome.retryAfterMs, 120_000)
    assert.equal(outcome.outcomeUnknown, false)
    assert.match(outcome.reason, /HTTP 429/)
  })

  it('reads Retry-After HTTP-date on 503', async (t) => {
    const retryAt = new Date(now.getTime() + 90_000).toUTCString()
    const receiver = await startReceiver(t, respondWith(503, '', { 'retry-after': retryAt }))

    const outcome = expectKind(await deliver(receiver.url), 'retry')

    assert.equal(outcome.retryAfterMs, 90_000)
  })

  it('caps Retry-After at one hour', async (t) => {
    const receiver = await startReceiver(t, respondWith(429, '', { 'retry-after': '86400' }))

    const outcome = expectKind(await deliver(receiver.url), 'retry')

    assert.equal(outcome.retryAfterMs, 3_600_000)
  })

  it('ignores invalid Retry-After', async (t) => {
    const receiver = await startReceiver(t, respondWith(429, '', { 'retry-after': 'soon' }))

    const outcome = expectKind(await deliver(receiver.url), 'retry')

    assert.equal(outcome.retryAfterMs, null)
  })

  it('retries 500', async (t) => {
    const receiver = await startReceiver(t, respondWith(500, 'database down'))

    const outcome = expectKind(await deliver(receiver.url), 'retry')

    assert.equal(outcome.retryAfterMs, null)
    assert.equal(outcome.outcomeUnknown, false)
    assert.match(outcome.reason, /HTTP 500: "database down"/)
  })

  it('retries 408 and 425', async (t) => {
    const timeoutReceiver = await startReceiver(t, respondWith(408))
    const tooEarlyReceiver = await startReceiver(t, respondWith(425))

    const afterTimeout = await deliver(timeoutReceiver.url)
    const afterTooEarly = await deliver(tooEarlyReceiver.url)

    assert.equal(afterTimeout.kind, 'retry')
    assert.equal(afterTooEarly.kind, 'retry')
  })

  it('marks 504 outcome unknown', async (t) => {
    const receiver = await startReceiver(t, respondWith(504))

    const outcome = expectKind(await deliver(receiver.url), 'retry')

    assert.equal(outcome.outcomeUnknown, true)
  })

  it('rejects 301 without following', async (t) => {
    const redirect = respondWith(301, '', { location: '/moved?token=abc123' })
    const receiver = await startReceiver(t, (request, response) => {
      if (request.path === '/hooks/pigeon') return redirect(request, response)
      respondWith(200)(request, response)
    })

    const outcome = expectKind(await deliver(receiver.url), 'rejected')

    assert.match(outcome.reason, /redirects are not followed/)
    assert.ok(outcome.reason.includes(`${receiver.origin}/moved`), outcome.reason)
    assert.ok(!outcome.reason.includes('abc123'), outcome.reason)
    assert.equal(receiver.requests.length, 1)
  })

  it('times out silent receiver', async (t) => {
    const receiver = await startReceiver(t, () => {})

    const outcome = expectKind(await deliver(receiver.url, { timeoutMs: 200 }), 'retry')

    assert.equal(outcome.outcomeUnknown, true)
    assert.match(outcome.reason, /did not respond within 200 ms/)
    assert.equal(receiver.requests.length, 1)
  })

  it('marks reset after send unknown', async (t) => {
    const receiver = await startReceiver(t, (_request, response) => response.socket?.destroy())

    const outcome = expectKind(await deliver(receiver.url), 'retry')

    assert.equal(outcome.outcomeUnknown, true)
    assert.equal(receiver.requests.length, 1)
  })

  it('retries refused connection', async () => {
    const url = await closedPortUrl()

    const outcome = expectKind(await deliver(url), 'retry')

    assert.equal(outcome.outcomeUnknown, false)
    assert.match(outcome.reason, /ECONNREFUSED/)
    assert.match(outcome.reason, /was not sent/)
  })

  it('reuses webhookId across attempts', async (t) => {
    let calls = 0
    const receiver = await startReceiver(t, (request, response) => {
      calls += 1
      respondWith(calls === 1 ? 500 : 200)(request, response)
    })
    const later = new Date(now.getTime() + 60_000)

    const first = await deliver(receiver.url)
    const second = await deliver(receiver.url, { now: later })

    assert.equal(first.kind, 'retry')
    assert.equal(second.kind, 'delivered')
    const [firstRequest, secondRequest] = receiver.requests
    assert.ok(firstRequest)
    assert.ok(secondRequest)
    assert.equal(firstRequest.headers['webhook-id'], webhookId)
    assert.equal(secondRequest.headers['webhook-id'], webhookId)
    assert.notEqual(firstRequest.headers['webhook-timestamp'], secondRequest.headers['webhook-timestamp'])
    assert.ok(verifyWebhook({ secret, headers: secondRequest.headers, body: secondRequest.body, now: later }).ok)
  })

  it('keeps query out of messages', async (t) => {
    const receiver = await startReceiver(t, respondWith(400, 'bad'))

    const outcome = expectKind(await deliver(`${receiver.url}?token=s3cret`), 'rejected')

    assert.ok(!outcome.reason.includes('s3cret'), outcome.reason)
    assert.equal(receiver.requests[0]?.path, '/hooks/pigeon?token=s3cret')
  })

  it('rejects invalid URL unsent', async () => {
    const outcome = expectKind(await deliver('ftp://127.0.0.1/hooks'), 'rejected')

    assert.match(outcome.reason, /scheme "ftp"/)
  })

  it('rejects port blocked by fetch', async () => {
    const outcome = expectKind(await deliver('http://127.0.0.1:1/hooks'), 'rejected')

    assert.match(outcome.reason, /port that fetch blocks/)
  })

  it('asks reauth for invalid secret', async (t) => {
    const receiver = await startReceiver(t, respondWith(200))

    const outcome = expectKind(await deliver(receiver.url, { secret: 'whsec_short' }), 'reauth')

    assert.match(outcome.reason, /signing secret/)
    assert.equal(receiver.requests.length, 0)
  })

  it('retries after caller abort', async (t) => {
    const receiver = await startReceiver(t, () => {})
    const controller = new AbortController()
    setTimeout(() => controller.abort(new Error('worker shutting down')), 100)

    const outcome = expectKind(await deliver(receiver.url, { signal: controller.signal }), 'retry')

    assert.equal(outcome.outcomeUnknown, true)
    assert.match(outcome.reason, /cancelled while in progress/)
  })

  it('skips send when already aborted', async (t) => {
    const receiver = await startReceiver(t, respondWith(200))

    const outcome = expectKind(await deliver(receiver.url, { signal: AbortSignal.abort() }), 'retry')

    assert.equal(outcome.outcomeUnknown, false)
    assert.equal(receiver.requests.length, 0)
  })
})

describe('validateWebhookUrl', () => {
  it('accepts https URL', () => {
    const result = validateWebhookUrl('https://hooks.example.com/pigeon?channel=1')

    assert.ok(result.ok)
    assert.equal(result.value.hostname, 'hooks.example.com')
  })

  it('accepts http URL', () => {
    assert.ok(validateWebhookUrl('http://127.0.0.1:8080/hook').ok)
  })

  it('rejects other schemes', () => {
    const result = validateWebhookUrl('javascript:alert(1)')

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'INVALID_WEBHOOK_URL')
    assert.match(result.error.message, /scheme "javascript" is not supported/)
  })

  it('rejects userinfo without echoing it', () => {
    const result = validateWebhookUrl('https://admin:hunter2@hooks.example.com/pigeon')

    assert.ok(!result.ok)
    assert.match(result.error.message, /username or password/)
    assert.ok(!result.error.message.includes('hunter2'))
  })

  it('rejects missing host', () => {
    const result = validateWebhookUrl('https://')

    assert.ok(!result.ok)
    assert.match(result.error.message, /host is missing/)
  })

  it('reports a blank URL as missing', () => {
    const result = validateWebhookUrl('  ')

    assert.ok(!result.ok)
    assert.equal(result.error.message, "The webhook address is missing. Enter the address that should receive this channel's posts, such as https://example.com/hooks/pigeon.")
  })

  it('rejects relative URL', () => {
    const result = validateWebhookUrl('/hooks/pigeon')

    assert.ok(!result.ok)
    assert.match(result.error.message, /not a valid absolute URL/)
  })
})
