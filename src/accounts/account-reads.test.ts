import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { buildTenant } from '../../test/helpers/factories.ts'
import { cachedAccount, cachedOrganizations, getAccount, getOrganizations } from './account-reads.ts'

const START = Date.parse('2026-06-01T12:00:00Z')

for (const dialect of DIALECTS) {
  describe(`${dialect}: account reads`, () => {
    it('cached reads: empty before a read, filled by it, empty at the TTL', async (t) => {
      let now = START
      const app = await startTestApp(t, dialect, { now: () => new Date(now) })
      const tenant = await buildTenant(app.deps)
      const ttl = app.deps.config.keyCacheTtlMs

      assert.equal(cachedAccount(app.deps, tenant.accountId), undefined)
      assert.equal(cachedOrganizations(app.deps, tenant.accountId), undefined)

      const account = await getAccount(app.deps, tenant.accountId)
      const organizations = await getOrganizations(app.deps, tenant.accountId)
      assert.equal(account?.email, tenant.email)
      assert.deepEqual(organizations.map((organization) => organization.id), [tenant.organizationId])
      assert.equal(cachedAccount(app.deps, tenant.accountId), account)
      assert.equal(cachedOrganizations(app.deps, tenant.accountId), organizations)

      now = START + ttl - 1
      assert.equal(cachedAccount(app.deps, tenant.accountId), account)
      now = START + ttl
      assert.equal(cachedAccount(app.deps, tenant.accountId), undefined)
      assert.equal(cachedOrganizations(app.deps, tenant.accountId), undefined)
    })

    it('forget empties both entries of the account', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)
      await getAccount(app.deps, tenant.accountId)
      await getOrganizations(app.deps, tenant.accountId)

      app.deps.accountCache.forget(tenant.accountId)

      assert.equal(cachedAccount(app.deps, tenant.accountId), undefined)
      assert.equal(cachedOrganizations(app.deps, tenant.accountId), undefined)
    })

    it('the account query answers the same from the database and from the cache', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)
      const query = '{ account { id email name timezone organizations { id name limits { channels } } } }'
      assert.equal(cachedAccount(app.deps, tenant.accountId), undefined)

      const fromDatabase = await app.graphql(query, undefined, tenant.apiKey)
      assert.notEqual(cachedAccount(app.deps, tenant.accountId), undefined)
      const fromCache = await app.graphql(query, undefined, tenant.apiKey)

      assert.equal(fromDatabase.status, 200)
      assert.deepEqual(fromCache.body, fromDatabase.body)
      assert.equal((fromCache.body as { data: { account: { email: string } } }).data.account.email, tenant.email)
    })
  })
}
