import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { isSetupOpen, runFirstRunSetup } from './first-run-setup.ts'
import { createAccountWithOrganization } from './setup-account.ts'

const OWNER = { email: 'owner@example.com', name: 'Owner', password: 'owner password 1', timezone: 'Europe/Berlin', organizationName: 'Org' }

for (const dialect of DIALECTS) {
  describe(`${dialect}: runFirstRunSetup`, () => {
    it('creates the owner with an argon2id password hash', async (t) => {
      const app = await startTestApp(t, dialect)

      const result = await runFirstRunSetup(app.deps, OWNER)
      const account = await app.deps.db.kysely.selectFrom('accounts').select(['email', 'password_hash', 'timezone']).executeTakeFirstOrThrow()
      const organization = await app.deps.db.kysely.selectFrom('organizations').select(['name', 'plan']).executeTakeFirstOrThrow()

      assert.equal(result.ok, true)
      assert.equal(account.email, 'owner@example.com')
      assert.match(account.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
      assert.equal(account.timezone, 'Europe/Berlin')
      assert.deepEqual(organization, { name: 'Org', plan: 'team' })
    })

    it('closes once an account exists', async (t) => {
      const app = await startTestApp(t, dialect)
      await runFirstRunSetup(app.deps, OWNER)

      const second = await runFirstRunSetup(app.deps, { ...OWNER, email: 'second@example.com' })

      assert.equal(await isSetupOpen(app.deps), false)
      assert.equal(!second.ok && second.error.code, 'SETUP_CLOSED')
    })

    it('writes nothing when the password is too short', async (t) => {
      const app = await startTestApp(t, dialect)

      const result = await runFirstRunSetup(app.deps, { ...OWNER, password: 'short' })

      assert.equal(!result.ok && result.error.code, 'INVALID_INPUT')
      assert.equal(await isSetupOpen(app.deps), true)
    })

    it('writes nothing for an invalid timezone', async (t) => {
      const app = await startTestApp(t, dialect)

      const result = await runFirstRunSetup(app.deps, { ...OWNER, timezone: 'Nowhere/Special' })

      assert.deepEqual(!result.ok && result.error.code === 'INVALID_INPUT' && result.error.problems.map((problem) => problem.field), ['timezone'])
      assert.equal(await isSetupOpen(app.deps), true)
    })

    it('reports every invalid field at once', async (t) => {
      const app = await startTestApp(t, dialect)

      const result = await runFirstRunSetup(app.deps, { email: '', name: null, password: '', timezone: '', organizationName: ' ' })
      const problems = !result.ok && result.error.code === 'INVALID_INPUT' ? result.error.problems : []

      assert.deepEqual(problems.map((problem) => problem.field), ['email', 'organizationName', 'timezone', 'password'])
      assert.equal(problems.find((problem) => problem.field === 'timezone')?.message, 'Timezone is missing; use a name such as Europe/London or America/New_York.')
      assert.equal(await isSetupOpen(app.deps), true)
    })

    it('rejects a 500-character name', async (t) => {
      const app = await startTestApp(t, dialect)

      const result = await runFirstRunSetup(app.deps, { ...OWNER, name: 'n'.repeat(500) })
      const problems = !result.ok && result.error.code === 'INVALID_INPUT' ? result.error.problems : []

      assert.deepEqual(problems, [{ field: 'name', message: 'Name must be at most 200 characters; it has 500.' }])
      assert.equal(await isSetupOpen(app.deps), true)
    })

    it('accepts a 200-character name', async (t) => {
      const app = await startTestApp(t, dialect)

      const result = await runFirstRunSetup(app.deps, { ...OWNER, name: ` ${'n'.repeat(200)} ` })

      assert.equal(result.ok, true)
    })
  })

  describe(`${dialect}: createAccountWithOrganization`, () => {
    it('rejects a name over 200 characters', async (t) => {
      const app = await startTestApp(t, dialect)

      const result = await createAccountWithOrganization(app.deps, { email: 'cli@example.com', name: 'n'.repeat(201), timezone: 'UTC', organizationName: 'Org', plan: 'team' })

      assert.deepEqual(!result.ok && result.error, { code: 'INVALID_INPUT', field: 'name', message: 'Name must be at most 200 characters; it has 201.' })
      assert.equal(await isSetupOpen(app.deps), true)
    })
  })
}
