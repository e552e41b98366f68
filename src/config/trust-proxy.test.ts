import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import Fastify from 'fastify'
import { parseTrustProxy } from './trust-proxy.ts'

const ACCEPTED: Array<[string, boolean | string]> = [
  ['false', false],
  ['true', true],
  [' true ', true],
  ['127.0.0.1', '127.0.0.1'],
  ['::1', '::1'],
  ['10.0.0.0/8, 192.168.1.0/24', '10.0.0.0/8,192.168.1.0/24'],
  ['fd00::/8,2001:db8::1', 'fd00::/8,2001:db8::1'],
  ['loopback,uniquelocal,linklocal', 'loopback,uniquelocal,linklocal'],
  ['::ffff:127.0.0.1', '::ffff:127.0.0.1'],
  ['10.0.0.1/32', '10.0.0.1/32'],
]

const REJECTED: Array<[string, RegExp]> = [
  ['yes', /PIGEON_TRUST_PROXY is "yes": "yes" is not an IP address; use true, false, or a comma-separated list/],
  ['TRUE', /"TRUE" is not an IP address/],
  ['1', /PIGEON_TRUST_PROXY is "1", but hop counts are not supported .+ list the proxy's addresses instead, such as 127\.0\.0\.1/],
  ['0', /hop counts are not supported/],
  ['127.0.0.1,', /the list has an empty entry/],
  ['127.0.0.1,,10.0.0.1', /the list has an empty entry/],
  ['256.0.0.1', /"256\.0\.0\.1" is not an IP address/],
  ['example.com', /"example\.com" is not an IP address/],
  ['10.0.0.0/33', /"10\.0\.0\.0\/33" needs a prefix length from 1 to 32/],
  ['0.0.0.0/0', /needs a prefix length from 1 to 32/],
  ['fd00::/129', /needs a prefix length from 1 to 128/],
  ['10.0.0.0/255.0.0.0', /needs a prefix length from 1 to 32/],
  ['10.0.0.0/', /needs a prefix length/],
  ['fe80::1%eth0', /"fe80::1%eth0" is not an IP address/],
  ['10.0.0.0/8/8', /needs a prefix length/],
]

describe('parseTrustProxy', () => {
  for (const [value, expected] of ACCEPTED) {
    it(`accepts ${JSON.stringify(value)}`, () => {
      const parsed = parseTrustProxy(value)

      assert.deepEqual(parsed, { ok: true, value: expected })
    })
  }

  for (const [value, message] of REJECTED) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      const parsed = parseTrustProxy(value)

      assert.equal(parsed.ok, false)
      assert.match(parsed.ok ? '' : parsed.error, message)
    })
  }

  it('gives Fastify only values it accepts', async () => {
    for (const [value] of ACCEPTED) {
      const parsed = parseTrustProxy(value)
      assert.ok(parsed.ok)

      const app = Fastify({ trustProxy: parsed.value })
      await app.close()
    }
  })
})
