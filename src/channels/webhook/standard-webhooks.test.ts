import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  generateWebhookSecret,
  parseWebhookSecret,
  signWebhook,
  verifyWebhook,
  WEBHOOK_SECRET_PREFIX,
} from './standard-webhooks.ts'

// 32 fixed key bytes, so the expected signature can be computed here without the module under test.
const keyBytes = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex')
const secret = `whsec_${keyBytes.toString('base64')}`
const webhookId = 'msg_2f9c1d4e7a'
const timestamp = new Date('2026-03-01T12:00:00.750Z')
const timestampSeconds = '1772366400'
const body = '{"type":"post.sent","data":{"id":"68425e79e5105cb6432cc10f"}}'

function hmacBase64(key: Buffer, content: string): string {
  return createHmac('sha256', key).update(content).digest('base64')
}

function signedHeaders(): Record<string, string> {
  return signWebhook({ secret, webhookId, timestamp, body })
}

describe('generateWebhookSecret', () => {
  it('uses whsec_ prefix', () => {
    const generated = generateWebhookSecret()

    assert.ok(generated.startsWith(WEBHOOK_SECRET_PREFIX))
  })

  it('encodes 32 random bytes', () => {
    const parsed = parseWebhookSecret(generateWebhookSecret())

    assert.ok(parsed.ok)
    assert.equal(parsed.value.length, 32)
  })

  it('differs per call', () => {
    assert.notEqual(generateWebhookSecret(), generateWebhookSecret())
  })
})

describe('parseWebhookSecret', () => {
  it('returns key bytes', () => {
    const parsed = parseWebhookSecret(secret)

    assert.ok(parsed.ok)
    assert.deepEqual(parsed.value, keyBytes)
  })

  it('rejects missing prefix', () => {
    const parsed = parseWebhookSecret(keyBytes.toString('base64'))

    assert.ok(!parsed.ok)
    assert.equal(parsed.error.code, 'INVALID_WEBHOOK_SECRET')
    assert.match(parsed.error.message, /must start with "whsec_"/)
  })

  it('rejects non-base64 characters', () => {
    const parsed = parseWebhookSecret(`whsec_${keyBytes.toString('base64url')}!`)

    assert.ok(!parsed.ok)
    assert.match(parsed.error.message, /not valid base64/)
  })

  it('rejects embedded whitespace', () => {
    const encoded = keyBytes.toString('base64')
    const parsed = parseWebhookSecret(`whsec_${encoded.slice(0, 10)} ${encoded.slice(10)}`)

    assert.ok(!parsed.ok)
    assert.match(parsed.error.message, /not valid base64/)
  })

  it('rejects empty key', () => {
    const parsed = parseWebhookSecret('whsec_')

    assert.ok(!parsed.ok)
    assert.match(parsed.error.message, /not valid base64/)
  })

  it('rejects key under 24 bytes', () => {
    const parsed = parseWebhookSecret(`whsec_${Buffer.alloc(23, 7).toString('base64')}`)

    assert.ok(!parsed.ok)
    assert.match(parsed.error.message, /23 bytes/)
    assert.match(parsed.error.message, /24 to 64 bytes/)
  })

  it('rejects key over 64 bytes', () => {
    const parsed = parseWebhookSecret(`whsec_${Buffer.alloc(65, 7).toString('base64')}`)

    assert.ok(!parsed.ok)
    assert.match(parsed.error.message, /65 bytes/)
  })

  it('accepts 24 and 64 byte keys', () => {
    assert.ok(parseWebhookSecret(`whsec_${Buffer.alloc(24, 7).toString('base64')}`).ok)
    assert.ok(parseWebhookSecret(`whsec_${Buffer.alloc(64, 7).toString('base64')}`).ok)
  })

  it('keeps secret out of messages', () => {
    const leaked = 'whsec_c2VjcmV0LXZhbHVl'

    const parsed = parseWebhookSecret(leaked)

    assert.ok(!parsed.ok)
    assert.ok(!parsed.error.message.includes('c2VjcmV0LXZhbHVl'))
  })
})

describe('signWebhook', () => {
  it('matches independent HMAC', () => {
    const expected = hmacBase64(keyBytes, `${webhookId}.${timestampSeconds}.${body}`)

    const headers = signedHeaders()

    assert.equal(headers['webhook-signature'], `v1,${expected}`)
  })

  it('matches published test vector', () => {
    // Signing vector published in the Svix webhook libraries' tests.
    const headers = signWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: new Date(1614265330 * 1000),
      body: '{"test": 2432232314}',
    })

    assert.equal(headers['webhook-signature'], 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  })

  it('sends id and whole seconds', () => {
    const headers = signedHeaders()

    assert.equal(headers['webhook-id'], webhookId)
    assert.equal(headers['webhook-timestamp'], timestampSeconds)
  })

  it('signs once per secret', () => {
    const oldKey = Buffer.alloc(32, 9)
    const oldSecret = `whsec_${oldKey.toString('base64')}`
    const content = `${webhookId}.${timestampSeconds}.${body}`

    const headers = signWebhook({ secret: [secret, oldSecret], webhookId, timestamp, body })

    assert.equal(
      headers['webhook-signature'],
      `v1,${hmacBase64(keyBytes, content)} v1,${hmacBase64(oldKey, content)}`,
    )
  })

  it('throws on invalid secret', () => {
    assert.throws(() => signWebhook({ secret: 'nope', webhookId, timestamp, body }), /must start with "whsec_"/)
  })

  it('throws on empty secret list', () => {
    assert.throws(() => signWebhook({ secret: [], webhookId, timestamp, body }), /At least one webhook secret/)
  })

  it('throws on id with full stop', () => {
    assert.throws(() => signWebhook({ secret, webhookId: 'msg.1', timestamp, body }), /full stops/)
  })

  it('throws on empty id', () => {
    assert.throws(() => signWebhook({ secret, webhookId: '', timestamp, body }), /non-empty/)
  })

  it('throws on invalid timestamp', () => {
    const invalid = () => signWebhook({ secret, webhookId, timestamp: new Date(Number.NaN), body })

    assert.throws(invalid, /invalid Date/)
  })
})

describe('verifyWebhook', () => {
  const now = new Date(timestamp.getTime() + 10_000)

  it('accepts own signature', () => {
    const result = verifyWebhook({ secret, headers: signedHeaders(), body, now })

    assert.ok(result.ok)
    assert.equal(result.value.webhookId, webhookId)
    assert.equal(result.value.timestamp.getTime(), Number(timestampSeconds) * 1000)
  })

  it('accepts independent HMAC', () => {
    const signature = hmacBase64(keyBytes, `${webhookId}.${timestampSeconds}.${body}`)
    const headers = {
      'webhook-id': webhookId,
      'webhook-timestamp': timestampSeconds,
      'webhook-signature': `v1,${signature}`,
    }

    const result = verifyWebhook({ secret, headers, body, now })

    assert.ok(result.ok)
  })

  it('accepts published test vector', () => {
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    }

    const result = verifyWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      headers,
      body: '{"test": 2432232314}',
      now: new Date(1614265330 * 1000),
    })

    assert.ok(result.ok)
  })

  it('accepts raw body bytes', () => {
    const result = verifyWebhook({ secret, headers: signedHeaders(), body: Buffer.from(body), now })

    assert.ok(result.ok)
  })

  it('accepts fetch Headers', () => {
    const result = verifyWebhook({ secret, headers: new Headers(signedHeaders()), body, now })

    assert.ok(result.ok)
  })

  it('reads header names case-insensitively', () => {
    const signed = signedHeaders()
    const headers = {
      'Webhook-Id': signed['webhook-id'],
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'],
      'Webhook-Signature': signed['webhook-signature'],
    }

    const result = verifyWebhook({ secret, headers, body, now })

    assert.ok(result.ok)
  })

  it('accepts any matching signature', () => {
    const signed = signedHeaders()
    const headers = {
      ...signed,
      'webhook-signature': `v1a,bm9wZQ== v1,bm9wZQ== ${signed['webhook-signature']}`,
    }

    const result = verifyWebhook({ secret, headers, body, now })

    assert.ok(result.ok)
  })

  it('accepts old secret during rotation', () => {
    const oldSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`
    const headers = signWebhook({ secret: oldSecret, webhookId, timestamp, body })

    const result = verifyWebhook({ secret: [secret, oldSecret], headers, body, now })

    assert.ok(result.ok)
  })

  it('rejects tampered body', () => {
    const result = verifyWebhook({ secret, headers: signedHeaders(), body: `${body} `, now })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'WEBHOOK_SIGNATURE_MISMATCH')
  })

  it('rejects wrong secret', () => {
    const other = generateWebhookSecret()

    const result = verifyWebhook({ secret: other, headers: signedHeaders(), body, now })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'WEBHOOK_SIGNATURE_MISMATCH')
  })

  it('rejects changed webhook-id', () => {
    const headers = { ...signedHeaders(), 'webhook-id': 'msg_other' }

    const result = verifyWebhook({ secret, headers, body, now })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'WEBHOOK_SIGNATURE_MISMATCH')
  })

  it('rejects signature without version', () => {
    const signature = hmacBase64(keyBytes, `${webhookId}.${timestampSeconds}.${body}`)
    const headers = { ...signedHeaders(), 'webhook-signature': signature }

    const result = verifyWebhook({ secret, headers, body, now })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'WEBHOOK_SIGNATURE_MISMATCH')
  })

  it('rejects missing header', () => {
    const { 'webhook-signature': _omitted, ...headers } = signedHeaders()

    const result = verifyWebhook({ secret, headers, body, now })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'MISSING_WEBHOOK_HEADER')
  })

  it('rejects non-integer timestamp', () => {
    const headers = { ...signedHeaders(), 'webhook-timestamp': '1772366400.5' }

    const result = verifyWebhook({ secret, headers, body, now })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'INVALID_WEBHOOK_TIMESTAMP')
  })

  it('rejects old timestamp', () => {
    const later = new Date(timestamp.getTime() + 301_000)

    const result = verifyWebhook({ secret, headers: signedHeaders(), body, now: later })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE')
    assert.match(result.error.message, /301 s behind/)
  })

  it('rejects future timestamp', () => {
    const earlier = new Date(timestamp.getTime() - 301_000)

    const result = verifyWebhook({ secret, headers: signedHeaders(), body, now: earlier })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE')
    assert.match(result.error.message, /ahead of/)
  })

  it('accepts timestamp at tolerance edge', () => {
    const edge = new Date(Number(timestampSeconds) * 1000 + 300_000)

    const result = verifyWebhook({ secret, headers: signedHeaders(), body, now: edge })

    assert.ok(result.ok)
  })

  it('honours custom tolerance', () => {
    const later = new Date(timestamp.getTime() + 61_000)

    const result = verifyWebhook({ secret, headers: signedHeaders(), body, now: later, toleranceSeconds: 60 })

    assert.ok(!result.ok)
    assert.equal(result.error.code, 'WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE')
  })

  it('throws on invalid secret', () => {
    const verify = () => verifyWebhook({ secret: 'whsec_', headers: signedHeaders(), body, now })

    assert.throws(verify, /not valid base64/)
  })

  it('throws on invalid now', () => {
    const verify = () => verifyWebhook({ secret, headers: signedHeaders(), body, now: new Date(Number.NaN) })

    assert.throws(verify, /invalid Date/)
  })

  it('throws on negative tolerance', () => {
    const verify = () => verifyWebhook({ secret, headers: signedHeaders(), body, now, toleranceSeconds: -1 })

    assert.throws(verify, /toleranceSeconds/)
  })
})
