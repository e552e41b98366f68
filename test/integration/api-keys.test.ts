import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createAppDeps } from '../../src/app.ts'
import { createApiKey, revokeApiKey, verifyApiKey } from '../../src/auth/api-keys.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createLogger } from '../../src/logging/logger.ts'
import { findApiKeyById } from '../../src/storage/api-keys-repo.ts'
import { createTestDatabase, DIALECTS } from '../helpers/db.ts'
import { buildTenant } from '../helpers/factories.ts'
import { LogCapture } from '../helpers/log-capture.ts'

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-06-01T12:00:00Z')) {
  let now = start
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: api keys`, () => {
    async function setup(t: import('node:test').TestContext, clock = manualClock()) {
      const database = await createTestDatabase(dialect)
      const config = loadConfig({ ...database.env })
      const open = () => createAppDeps(config, createLogger({ level: 'silent', role: 'test', version: 'test', destination: new LogCapture() as never }), { now: clock.now })
      const first = await open()
      const second = await open()
      t.after(async () => {
        await first.db.close()
        await second.db.close()
        await database.drop()
      })
      return { first, second, clock }
    }

    it('caps active keys by plan', async (t) => {
      const { first } = await setup(t)
      const tenant = await buildTenant(first, { plan: 'free' })

      const extra = await createApiKey(first, { accountId: tenant.accountId, name: 'second', expiresAt: null })
      await revokeApiKey(first, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId })
      const replacement = await createApiKey(first, { accountId: tenant.accountId, name: 'replacement', expiresAt: null })

      assert.equal(extra.ok, false)
      assert.equal(!extra.ok && extra.error.code, 'API_KEY_LIMIT_REACHED')
      assert.equal(replacement.ok, true)
    })

    it('stores only the hash', async (t) => {
      const { first } = await setup(t)
      const tenant = await buildTenant(first)

      const stored = await findApiKeyById(first.db.kysely, tenant.apiKeyId)

      assert.ok(stored)
      assert.notEqual(stored.keyHash, tenant.apiKey)
      assert.match(stored.keyHash, /^[0-9a-f]{64}$/)
      assert.equal(stored.last4, tenant.apiKey.slice(-4))
    })

    it('revokes at once here and within the cache ttl elsewhere', async (t) => {
      const { first, second, clock } = await setup(t)
      const tenant = await buildTenant(first)
      assert.equal((await verifyApiKey(second, tenant.apiKey)).ok, true)

      await revokeApiKey(first, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId })
      const here = await verifyApiKey(first, tenant.apiKey)
      const elsewhereCached = await verifyApiKey(second, tenant.apiKey)
      clock.advance(5001)
      const elsewhereLater = await verifyApiKey(second, tenant.apiKey)

      assert.equal(here.ok, false)
      assert.equal(!here.ok && here.error, 'revoked')
      assert.equal(elsewhereCached.ok, true)
      assert.equal(elsewhereLater.ok, false)
    })

    it('rejects an expired key', async (t) => {
      const { first, clock } = await setup(t)
      const tenant = await buildTenant(first)
      const key = await createApiKey(first, { accountId: tenant.accountId, name: 'short', expiresAt: new Date(clock.now().getTime() + 60_000) })
      assert.ok(key.ok)
      assert.equal((await verifyApiKey(first, key.value.plaintext)).ok, true)

      clock.advance(60_001)
      const result = await verifyApiKey(first, key.value.plaintext)

      assert.equal(result.ok, false)
      assert.equal(!result.ok && result.error, 'expired')
    })

    it('rejects a past expiry', async (t) => {
      const { first, clock } = await setup(t)
      const tenant = await buildTenant(first)

      const result = await createApiKey(first, { accountId: tenant.accountId, name: 'late', expiresAt: new Date(clock.now().getTime() - 1) })

      assert.equal(!result.ok && result.error.code, 'INVALID_EXPIRY')
    })

    it('writes last use at most once a minute', async (t) => {
      const { first, clock } = await setup(t)
      const tenant = await buildTenant(first)

      await verifyApiKey(first, tenant.apiKey)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const firstUse = (await findApiKeyById(first.db.kysely, tenant.apiKeyId))!.lastUsedAt
      clock.advance(30_000)
      await verifyApiKey(first, tenant.apiKey)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const afterHalfMinute = (await findApiKeyById(first.db.kysely, tenant.apiKeyId))!.lastUsedAt
      clock.advance(31_000)
      await verifyApiKey(first, tenant.apiKey)
      await new Promise((resolve) => setTimeout(resolve, 50))
      const afterMinute = (await findApiKeyById(first.db.kysely, tenant.apiKeyId))!.lastUsedAt

      assert.equal(firstUse, Date.parse('2026-06-01T12:00:00Z'))
      assert.equal(afterHalfMinute, firstUse)
      assert.equal(afterMinute, firstUse! + 61_000)
    })

    it('rejects malformed keys without a lookup', async (t) => {
      const { first } = await setup(t)
      // With the database closed, any lookup would throw, so a result proves none happened.
      await first.db.close()

      const missing = await verifyApiKey(first, undefined)
      const malformed = await verifyApiKey(first, 'pgn_short')

      assert.equal(!missing.ok && missing.error, 'missing')
      assert.equal(!malformed.ok && malformed.error, 'malformed')
    })
  })
}
