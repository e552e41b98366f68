import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { buildTenant } from '../../test/helpers/factories.ts'
import { findApiKeyById } from '../storage/api-keys-repo.ts'
import { createApiKey, revokeApiKey, verifyApiKey } from './api-keys.ts'
import { MAX_ROTATION_GRACE_MS, rotateApiKey } from './rotate-api-key.ts'

async function setUp(t: Parameters<typeof startTestApp>[0], dialect: (typeof DIALECTS)[number], plan: 'free' | 'team' = 'team') {
  let offset = 0
  const app = await startTestApp(t, dialect, { now: () => new Date(Date.now() + offset) })
  const tenant = await buildTenant(app.deps, { plan })

  return { deps: app.deps, tenant, advance: (ms: number) => (offset += ms) }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: rotateApiKey`, () => {
    it('revokes the old key at once without grace', async (t) => {
      const { deps, tenant } = await setUp(t, dialect)
      await verifyApiKey(deps, tenant.apiKey)

      const rotated = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId, graceMs: 0, expiresAt: null })
      const oldKey = await verifyApiKey(deps, tenant.apiKey)
      const newKey = await verifyApiKey(deps, rotated.ok ? rotated.value.created.plaintext : '')

      assert.equal(rotated.ok, true)
      assert.equal(rotated.ok && rotated.value.created.record.name, 'test key')
      assert.deepEqual(oldKey, { ok: false, error: 'revoked' }, 'the cached verification is dropped too')
      assert.equal(newKey.ok, true)
    })

    it('keeps the old key working through the grace period', async (t) => {
      const { deps, tenant, advance } = await setUp(t, dialect)

      const rotated = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId, graceMs: 3_600_000, expiresAt: null })
      const during = await verifyApiKey(deps, tenant.apiKey)
      advance(3_600_000 + 1)
      const after = await verifyApiKey(deps, tenant.apiKey)
      const stored = await findApiKeyById(deps.db.kysely, tenant.apiKeyId)

      assert.equal(rotated.ok, true)
      assert.equal(during.ok, true)
      assert.deepEqual(after, { ok: false, error: 'expired' })
      assert.equal(stored?.revokedAt, null)
      assert.equal(stored?.expiresAt, rotated.ok ? rotated.value.oldKeyEndsAt : -1)
    })

    it('never extends the old key past its own expiry', async (t) => {
      const { deps, tenant } = await setUp(t, dialect)
      const soon = new Date(deps.now().getTime() + 60_000)
      const key = await createApiKey(deps, { accountId: tenant.accountId, name: 'short', expiresAt: soon })
      assert.ok(key.ok)

      const rotated = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: key.value.record.id, graceMs: 24 * 3_600_000, expiresAt: null })

      assert.equal(rotated.ok && rotated.value.oldKeyEndsAt, soon.getTime())
      assert.equal((await findApiKeyById(deps.db.kysely, key.value.record.id))?.expiresAt, soon.getTime())
    })

    it('works at the plan limit', async (t) => {
      const { deps, tenant } = await setUp(t, dialect, 'free')
      const secondKey = await createApiKey(deps, { accountId: tenant.accountId, name: 'second', expiresAt: null })

      const rotated = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId, graceMs: 3_600_000, expiresAt: null })

      assert.equal(secondKey.ok, false, 'the free plan allows one key')
      assert.equal(rotated.ok, true)
    })

    it('rejects a grace period over seven days', async (t) => {
      const { deps, tenant } = await setUp(t, dialect)

      const rotated = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId, graceMs: MAX_ROTATION_GRACE_MS + 1, expiresAt: null })

      assert.deepEqual(rotated, { ok: false, error: { code: 'INVALID_INPUT', field: 'graceMs', message: 'The grace period must be between 0 and 168 hours.' } })
    })

    it('refuses a revoked key and another account\'s key', async (t) => {
      const { deps, tenant } = await setUp(t, dialect)
      const other = await buildTenant(deps)
      await revokeApiKey(deps, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId })

      const revoked = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: tenant.apiKeyId, graceMs: 0, expiresAt: null })
      const foreign = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: other.apiKeyId, graceMs: 0, expiresAt: null })

      assert.equal(!revoked.ok && revoked.error.code, 'API_KEY_NOT_FOUND')
      assert.equal(!foreign.ok && foreign.error.code, 'API_KEY_NOT_FOUND')
      assert.equal((await verifyApiKey(deps, other.apiKey)).ok, true, 'the other account keeps its key')
    })

    it('keeps the scopes of the old key', async (t) => {
      const { deps, tenant } = await setUp(t, dialect)
      const restricted = await createApiKey(deps, { accountId: tenant.accountId, name: 'reader', expiresAt: null, scopes: ['posts:read'] })
      assert.ok(restricted.ok)

      const rotated = await rotateApiKey(deps, { accountId: tenant.accountId, apiKeyId: restricted.value.record.id, graceMs: 0, expiresAt: null })

      assert.deepEqual(rotated.ok && rotated.value.created.record.scopes, ['posts:read'])
    })
  })
}
