import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { buildTenant } from '../../test/helpers/factories.ts'
import { setPasswordWithApiKey } from './set-password-with-api-key.ts'
import { signIn } from './sign-in.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: setPasswordWithApiKey`, () => {
    it('sets the first password of a command-line account', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)

      const result = await setPasswordWithApiKey(app.deps, { email: tenant.email.toUpperCase(), apiKey: tenant.apiKey, password: 'a long password' })
      const signedIn = await signIn(app.deps, { email: tenant.email, password: 'a long password', address: '127.0.0.1' })

      assert.equal(result.ok, true)
      assert.equal(signedIn.ok, true)
    })

    it('refuses a key of another account', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)
      const other = await buildTenant(app.deps)

      const result = await setPasswordWithApiKey(app.deps, { email: tenant.email, apiKey: other.apiKey, password: 'a long password' })

      assert.equal(!result.ok && result.error.code, 'INVALID_CREDENTIALS')
    })

    it('refuses an account that has a password', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)
      await setPasswordWithApiKey(app.deps, { email: tenant.email, apiKey: tenant.apiKey, password: 'a long password' })

      const again = await setPasswordWithApiKey(app.deps, { email: tenant.email, apiKey: tenant.apiKey, password: 'another long password' })

      assert.equal(!again.ok && again.error.code, 'PASSWORD_ALREADY_SET')
      assert.equal((await signIn(app.deps, { email: tenant.email, password: 'a long password', address: '127.0.0.1' })).ok, true)
    })

    it('refuses a short password', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)

      const result = await setPasswordWithApiKey(app.deps, { email: tenant.email, apiKey: tenant.apiKey, password: 'short' })

      assert.equal(!result.ok && result.error.code, 'INVALID_INPUT')
    })
  })
}
