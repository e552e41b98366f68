import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DIALECTS } from '../helpers/db.ts'
import { OWNER, setUpOwner, signIn, startWebTestApp } from './helpers/web-app.ts'
import { pageText } from './helpers/web-client.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: first-run setup`, () => {
    it('sends the first visitor to setup', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()

      const root = await browser.get('/')
      const signInPage = await browser.get('/sign-in')
      const setup = await browser.get('/setup')

      assert.equal(root.status, 303)
      assert.equal(root.location, '/setup')
      assert.equal(signInPage.location, '/setup')
      assert.equal(setup.status, 200)
      assert.match(setup.html, /<h1>Set up Pigeon<\/h1>/)
    })

    it('creates the owner and signs in', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()

      await setUpOwner(browser)
      const sessionCookie = browser.lastSetCookies.find((cookie) => cookie.name === 'pigeon_session')
      const root = await browser.get('/')
      const channels = await browser.get('/app/channels')

      assert.ok(sessionCookie, 'setup sets the session cookie')
      assert.ok(sessionCookie.attributes.includes('HttpOnly'))
      assert.ok(sessionCookie.attributes.includes('SameSite=Lax'))
      assert.ok(sessionCookie.attributes.includes('Path=/'))
      assert.ok(!sessionCookie.attributes.includes('Secure'), 'plain HTTP gets no Secure attribute')
      assert.equal(root.location, '/app')
      assert.equal(channels.status, 200)
      assert.match(pageText(channels.html), /owner@example\.com/)
    })

    it('closes once an account exists', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      await setUpOwner(client())
      const stranger = client()

      const page = await stranger.get('/setup')
      await stranger.get('/sign-in')
      const post = await stranger.post('/setup', { email: 'intruder@example.com', password: 'intruder password', passwordConfirmation: 'intruder password', organizationName: 'Evil', timezone: 'UTC' })
      const root = await stranger.get('/')

      assert.equal(page.location, '/sign-in')
      assert.equal(post.status, 303)
      assert.equal(post.location, '/sign-in')
      assert.equal(root.location, '/sign-in')
    })

    it('rejects a short password', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()

      const response = await browser.submit('/setup', '/setup', { email: OWNER.email, password: 'short', passwordConfirmation: 'short', organizationName: 'Org', timezone: 'UTC' })

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /at least 12 characters/)
      assert.equal((await browser.get('/')).location, '/setup')
    })

    it('shows every error of an empty form', async (t) => {
      const { client } = await startWebTestApp(t, dialect)

      const response = await client().submit('/setup', '/setup', { name: '', email: '', password: '', passwordConfirmation: '', organizationName: '', timezone: '' })
      const text = pageText(response.html)

      assert.equal(response.status, 422)
      assert.match(response.html, /id="setup-email-error">Email address is missing\.</)
      assert.match(response.html, /id="setup-password-error">The password is missing; choose one of at least 12 characters\.</)
      assert.match(response.html, /id="setup-organizationName-error">Organization name is missing\.</)
      assert.match(response.html, /id="setup-timezone-error">Timezone is missing; use a name such as Europe\/London/)
      assert.doesNotMatch(text, /"" is not an IANA timezone/)
      assert.match(text, /The account was not created: 4 fields need correcting/)
      assert.match(text, /Enter the password again in both password fields/)
    })

    it('keeps values beside a mismatch', async (t) => {
      const { client } = await startWebTestApp(t, dialect)

      const response = await client().submit('/setup', '/setup', { name: 'Olive', email: 'not-an-email', password: 'one long password', passwordConfirmation: 'another long password', organizationName: 'Olive Org', timezone: 'Mars/Olympus' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="setup-email-error">&quot;not-an-email&quot; is not a valid email address\.</)
      assert.match(response.html, /id="setup-timezone-error">&quot;Mars\/Olympus&quot; is not an IANA timezone/)
      assert.match(response.html, /id="setup-passwordConfirmation-error">The two passwords differ/)
      assert.match(response.html, /id="setup-name"[^>]*value="Olive"/)
      assert.match(response.html, /id="setup-email"[^>]*value="not-an-email"/)
      assert.match(response.html, /id="setup-organizationName"[^>]*value="Olive Org"/)
      assert.match(response.html, /id="setup-timezone"[^>]*value="Mars\/Olympus"/)
      assert.doesNotMatch(response.html, /long password/, 'passwords are never sent back')
    })

    it('rejects a name over 200 characters', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()

      const response = await browser.submit('/setup', '/setup', { name: 'n'.repeat(500), email: OWNER.email, password: OWNER.password, passwordConfirmation: OWNER.password, organizationName: 'Org', timezone: 'UTC' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="setup-name-error">Name must be at most 200 characters; it has 500\.</)
      assert.match(pageText(response.html), /The account was not created: one field needs correcting/)
      assert.equal((await browser.get('/')).location, '/setup')
    })

    it('rejects differing passwords', async (t) => {
      const { client } = await startWebTestApp(t, dialect)

      const response = await client().submit('/setup', '/setup', { email: OWNER.email, password: 'one long password', passwordConfirmation: 'another long password', organizationName: 'Org', timezone: 'UTC' })

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /The two passwords differ/)
    })

    it('reports both errors with a key', async (t) => {
      const { client } = await startWebTestApp(t, dialect)

      const response = await client().submit('/set-password', '/set-password', { email: OWNER.email, apiKey: 'pgn_not_checked', password: 'short', passwordConfirmation: 'shorter' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="claim-password-error">The password must be at least 12 characters long; it has 5\.</)
      assert.match(response.html, /id="claim-password-again-error">The two passwords differ/)
    })
  })

  describe(`${dialect}: sign-in and sessions`, () => {
    it('signs in and out', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      await setUpOwner(client())
      const browser = client()

      const wrong = await signIn(browser, OWNER.email, 'not the password')
      const right = await signIn(browser)
      const cookie = browser.cookies.get('pigeon_session')
      const app = await browser.get('/app/channels')
      const signOut = await browser.post('/sign-out', {})
      const after = await browser.get('/app/channels')
      browser.cookies.set('pigeon_session', cookie!)
      const replayed = await browser.get('/app/channels')

      assert.equal(wrong.status, 401)
      assert.match(pageText(wrong.html), /The email address or password is incorrect/)
      assert.equal(right.status, 303)
      assert.equal(right.location, '/app')
      assert.equal(app.status, 200)
      assert.equal(signOut.location, '/sign-in')
      assert.equal(after.status, 303)
      assert.equal(after.location, '/sign-in?next=%2Fapp%2Fchannels')
      assert.equal(replayed.location, '/sign-in?next=%2Fapp%2Fchannels', 'a signed-out session cookie stays dead')
    })

    it('asks for empty sign-in fields', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      await setUpOwner(client())
      const browser = client()

      const empty = await signIn(browser, '', '')
      const noPassword = await signIn(browser, OWNER.email, '')

      assert.equal(empty.status, 422)
      assert.match(empty.html, /id="sign-in-email-error">Email address is missing\.</)
      assert.match(empty.html, /id="sign-in-password-error">Password is missing\.</)
      assert.doesNotMatch(pageText(empty.html), /incorrect/)
      assert.equal(noPassword.status, 422)
      assert.doesNotMatch(noPassword.html, /id="sign-in-email-error"/)
      assert.match(noPassword.html, /id="sign-in-email"[^>]*value="owner@example\.com"/)
      assert.match(noPassword.html, /id="sign-in-password-error">Password is missing\.</)
    })

    it('returns to the requested page', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      await setUpOwner(client())
      const browser = client()

      const redirect = await browser.get('/app/calendar?view=month')
      await browser.get(redirect.location!)
      const response = await browser.post('/sign-in', { email: OWNER.email, password: OWNER.password, next: '/app/calendar?view=month' })
      const offsite = await client().submit('/sign-in', '/sign-in', { email: OWNER.email, password: OWNER.password, next: '//evil.example/' })

      assert.equal(response.location, '/app/calendar?view=month')
      assert.equal(offsite.location, '/app')
    })

    it('treats an unknown email like a wrong password', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      await setUpOwner(client())

      const unknown = await signIn(client(), 'nobody@example.com', OWNER.password)

      assert.equal(unknown.status, 401)
      assert.match(pageText(unknown.html), /The email address or password is incorrect/)
    })

    it('ends the session after a week idle', async (t) => {
      const { client, clock } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      clock.advance(6 * 24 * 3_600_000)
      const active = await browser.get('/app/channels')
      clock.advance(6 * 24 * 3_600_000)
      const stillActive = await browser.get('/app/channels')
      clock.advance(7 * 24 * 3_600_000 + 1000)
      const idle = await browser.get('/app/channels')

      assert.equal(active.status, 200)
      assert.equal(stillActive.status, 200)
      assert.equal(idle.status, 303)
    })

    it('doubles the wait with each further failure', async (t) => {
      const { client, clock } = await startWebTestApp(t, dialect)
      await setUpOwner(client())
      const attacker = client()

      for (let attempt = 0; attempt < 10; attempt++) await signIn(attacker, OWNER.email, `guess ${attempt}`)
      clock.advance(31_000)
      const eleventh = await signIn(attacker, OWNER.email, 'guess 11')
      const next = await signIn(attacker, OWNER.email, OWNER.password)

      assert.equal(eleventh.status, 401)
      assert.equal(next.status, 429)
      assert.equal(next.headers.get('retry-after'), '60')
    })

    it('slows guesses from one address across emails', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      await setUpOwner(client())
      const attacker = client()

      for (let attempt = 0; attempt < 10; attempt++) await signIn(attacker, `victim${attempt}@example.com`, 'guess')
      const owner = await signIn(client(), OWNER.email, OWNER.password)

      assert.equal(owner.status, 429, 'all test requests share 127.0.0.1, so the address count applies')
    })
  })

  describe(`${dialect}: change password`, () => {
    it('requires the current password', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/settings/account', '/app/settings/password', { currentPassword: 'wrong password', newPassword: 'a brand new password', newPasswordConfirmation: 'a brand new password' })
      const still = await browser.get('/app/settings/account')

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /The current password is incorrect/)
      assert.equal(still.status, 200)
    })

    it('reports a wrong and a short password together', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/settings/account', '/app/settings/password', { currentPassword: 'wrong password', newPassword: 'short', newPasswordConfirmation: 'short' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="account-currentPassword-error">The current password is incorrect\.</)
      assert.match(response.html, /id="account-newPassword-error">The password must be at least 12 characters long; it has 5\.</)
    })

    it('reports both new-password errors', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/settings/account', '/app/settings/password', { currentPassword: OWNER.password, newPassword: 'short', newPasswordConfirmation: 'shorter' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="account-newPassword-error">The password must be at least 12 characters long; it has 5\.</)
      assert.match(response.html, /id="account-newPasswordConfirmation-error">The two passwords differ/)
    })

    it('signs out everywhere', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const first = client()
      await setUpOwner(first)
      const second = client()
      await signIn(second)

      const response = await first.submit('/app/settings/account', '/app/settings/sign-out-everywhere', {})
      const firstAfter = await first.get('/app/channels')
      const secondAfter = await second.get('/app/channels')

      assert.equal(response.location, '/sign-in')
      assert.equal(firstAfter.status, 303)
      assert.equal(secondAfter.status, 303)
    })
  })
}
