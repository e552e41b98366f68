import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { buildTenant } from '../../test/helpers/factories.ts'
import { verifyApiKey } from '../auth/api-keys.ts'
import { getIdea } from './get-idea.ts'
import { createIdea } from './ideas.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: getIdea`, () => {
    it('reads an idea of the account', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)
      const actor = await verifyApiKey(app.deps, tenant.apiKey)
      assert.ok(actor.ok)
      const created = await createIdea(app.deps, actor.value, { organizationId: tenant.organizationId, content: { text: 'a thought' } })
      assert.ok(created.ok)

      const read = await getIdea(app.deps, actor.value, created.value.id)

      assert.equal(read.ok && read.value.text, 'a thought')
    })

    it('hides another account\'s idea', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)
      const other = await buildTenant(app.deps)
      const owner = await verifyApiKey(app.deps, tenant.apiKey)
      const stranger = await verifyApiKey(app.deps, other.apiKey)
      assert.ok(owner.ok)
      assert.ok(stranger.ok)
      const created = await createIdea(app.deps, owner.value, { organizationId: tenant.organizationId, content: { text: 'private thought' } })
      assert.ok(created.ok)

      const read = await getIdea(app.deps, stranger.value, created.value.id)

      assert.deepEqual(read, { ok: false, error: { code: 'IDEA_NOT_FOUND', message: `Idea ${created.value.id} was not found.` } })
    })
  })
}
