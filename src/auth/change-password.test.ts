import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { runFirstRunSetup } from '../accounts/first-run-setup.ts'
import { changePassword } from './change-password.ts'
import { resolveSession, startSession } from './sessions.ts'
import { signIn } from './sign-in.ts'

const OWNER = { email: 'owner@example.com', name: null, password: 'owner password 1', timezone: 'UTC', organizationName: 'Org' }

for (const dialect of DIALECTS) {
  describe(`${dialect}: changePassword`, () => {
    it('ends every session and starts a new one', async (t) => {
      const app = await startTestApp(t, dialect)
      const setup = await runFirstRunSetup(app.deps, OWNER)
      assert.ok(setup.ok)
      const other = await startSession(app.deps, setup.value.session.accountId)
      const current = await resolveSession(app.deps, setup.value.token)
      assert.ok(current.ok)

      const changed = await changePassword(app.deps, current.value.actor, { currentPassword: OWNER.password, newPassword: 'the new password', address: '127.0.0.1' })

      assert.equal(changed.ok, true)
      assert.deepEqual(await resolveSession(app.deps, setup.value.token), { ok: false, error: 'unknown' })
      assert.deepEqual(await resolveSession(app.deps, other.token), { ok: false, error: 'unknown' })
      assert.equal(changed.ok && (await resolveSession(app.deps, changed.value.token)).ok, true)
      assert.equal((await signIn(app.deps, { email: OWNER.email, password: OWNER.password, address: '127.0.0.1' })).ok, false)
      assert.equal((await signIn(app.deps, { email: OWNER.email, password: 'the new password', address: '127.0.0.1' })).ok, true)
    })

    it('keeps everything on a wrong current password', async (t) => {
      const app = await startTestApp(t, dialect)
      const setup = await runFirstRunSetup(app.deps, OWNER)
      assert.ok(setup.ok)
      const current = await resolveSession(app.deps, setup.value.token)
      assert.ok(current.ok)

      const changed = await changePassword(app.deps, current.value.actor, { currentPassword: 'not it at all', newPassword: 'the new password', address: '127.0.0.1' })

      assert.deepEqual(changed, { ok: false, error: { code: 'INVALID_CREDENTIALS', problems: [{ field: 'currentPassword', message: 'The current password is incorrect.' }], message: 'The current password is incorrect.' } })
      assert.equal((await resolveSession(app.deps, setup.value.token)).ok, true)
    })

    it('reports a wrong and a weak password together', async (t) => {
      const app = await startTestApp(t, dialect)
      const setup = await runFirstRunSetup(app.deps, OWNER)
      assert.ok(setup.ok)
      const current = await resolveSession(app.deps, setup.value.token)
      assert.ok(current.ok)

      const changed = await changePassword(app.deps, current.value.actor, { currentPassword: 'not it at all', newPassword: 'short', address: '127.0.0.1' })
      const problems = !changed.ok && 'problems' in changed.error ? changed.error.problems : []

      assert.equal(!changed.ok && changed.error.code, 'INVALID_CREDENTIALS')
      assert.deepEqual(problems, [
        { field: 'currentPassword', message: 'The current password is incorrect.' },
        { field: 'newPassword', message: 'The password must be at least 12 characters long; it has 5.' },
      ])
      assert.equal((await signIn(app.deps, { email: OWNER.email, password: OWNER.password, address: '127.0.0.1' })).ok, true, 'the password is unchanged')
    })

    it('asks for an empty current password without a check', async (t) => {
      const app = await startTestApp(t, dialect)
      const setup = await runFirstRunSetup(app.deps, OWNER)
      assert.ok(setup.ok)
      const current = await resolveSession(app.deps, setup.value.token)
      assert.ok(current.ok)

      const changed = await changePassword(app.deps, current.value.actor, { currentPassword: '', newPassword: OWNER.email, address: '127.0.0.1' })
      const problems = !changed.ok && 'problems' in changed.error ? changed.error.problems : []
      const attempts = await app.deps.db.kysely.selectFrom('sign_in_attempts').select('id').execute()

      assert.equal(!changed.ok && changed.error.code, 'INVALID_INPUT')
      assert.deepEqual(problems.map((problem) => problem.field), ['currentPassword', 'newPassword'])
      assert.equal(problems[0]?.message, 'The current password is missing.')
      assert.equal(attempts.length, 0, 'no password check was recorded')
    })
  })
}
