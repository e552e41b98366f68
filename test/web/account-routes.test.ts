import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildTenant } from '../helpers/factories.ts'
import { DIALECTS } from '../helpers/db.ts'
import { findAccountByEmail } from '../../src/storage/accounts-repo.ts'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { OWNER, setUpOwner, startWebTestApp } from './helpers/web-app.ts'
import { pageText } from './helpers/web-client.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: Settings → Account profile`, () => {
    it('changes name and timezone', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const owner = (await findAccountByEmail(web.app.deps.db.kysely, OWNER.email))!
      const key = await createApiKey(web.app.deps, { accountId: owner.id, name: 'script', expiresAt: null })
      assert.ok(key.ok)
      // Read once through the API, so the account sits in the read cache before the change.
      await web.app.graphql('{ account { timezone } }', {}, key.value.plaintext)

      const saved = await browser.submit('/app/settings/account', '/app/settings/profile', { name: 'Olive O.', timezone: 'America/New_York' })
      const page = await browser.get('/app/settings/account')
      const api = await web.app.graphql('{ account { name timezone } }', {}, key.value.plaintext)

      assert.equal(saved.status, 303)
      assert.match(pageText(page.html), /Profile saved\. Pages now show times in America\/New_York\./)
      assert.match(pageText(page.html), /Times are shown in America\/New_York\./)
      assert.deepEqual(api.body.data?.account, { name: 'Olive O.', timezone: 'America/New_York' })
    })

    it('shows every profile error at once', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/settings/account', '/app/settings/profile', { name: 'x'.repeat(201), timezone: 'Mars/Olympus' })
      const stored = await findAccountByEmail(web.app.deps.db.kysely, OWNER.email)

      assert.equal(response.status, 422)
      assert.match(response.html, /id="profile-name-error">Name must be at most 200 characters; it has 201\.</)
      assert.match(response.html, /id="profile-timezone-error">&quot;Mars\/Olympus&quot; is not an IANA timezone/)
      assert.match(response.html, /id="profile-timezone" name="timezone"[^>]*value="Mars\/Olympus"/)
      assert.equal(stored?.timezone, OWNER.timezone)
    })

    it('reports a missing timezone', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/settings/account', '/app/settings/profile', { name: 'Olive', timezone: '  ' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="profile-timezone-error">Timezone is missing;/)
    })

    it('changes only the signed-in account', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const other = await buildTenant(web.app.deps)

      await browser.submit('/app/settings/account', '/app/settings/profile', { name: 'Olive', timezone: 'Asia/Tokyo' })
      const otherAccount = await web.app.graphql('{ account { timezone } }', {}, other.apiKey)

      assert.notEqual(otherAccount.body.data?.account?.timezone, 'Asia/Tokyo')
    })

    it('suggests current timezone names', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const page = await browser.get('/app/settings/account')
      const saved = await browser.submit('/app/settings/account', '/app/settings/profile', { name: 'Olive', timezone: 'Asia/Calcutta' })

      assert.match(page.html, /<option value="Asia\/Kolkata">/)
      assert.doesNotMatch(page.html, /<option value="Asia\/Calcutta">/)
      assert.equal(saved.status, 303, 'the old name is still accepted')
    })
  })

  describe(`${dialect}: Settings`, () => {
    it('opens the API keys at /app/settings', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.get('/app/settings')

      assert.equal(response.status, 303)
      assert.equal(response.location, '/app/settings/api')
    })
  })
}
