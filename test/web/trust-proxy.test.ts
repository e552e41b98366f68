import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DIALECTS } from '../helpers/db.ts'
import { OWNER, setUpOwner, signIn, startWebTestApp } from './helpers/web-app.ts'
import { WebClient, type WebResponse } from './helpers/web-client.ts'

/** Builds the headers that a TLS-terminating proxy adds for a client at `address`. */
function forwardedFor(address: string): Record<string, string> {
  return { 'x-forwarded-for': address, 'x-forwarded-proto': 'https' }
}

/** Sends a malformed API key, which the failed-key throttle counts against the client address. */
async function sendBadKey(url: string, headers: Record<string, string>): Promise<Response> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', authorization: 'Bearer pgn_not-a-key' },
    body: JSON.stringify({ query: '{ account { id } }' }),
  })
  await response.arrayBuffer()

  return response
}

async function signInAddresses(kysely: any): Promise<string[]> {
  const rows = await kysely.selectFrom('sign_in_attempts').select('address').orderBy('attempted_at').execute()
  return rows.map((row: { address: string }) => row.address)
}

function cookieNames(response: WebResponse, browser: WebClient): string[] {
  assert.ok(browser.lastSetCookies.length > 0, `no cookie set by the response with status ${response.status}`)
  return browser.lastSetCookies.map((cookie) => cookie.name)
}

function isSecure(browser: WebClient): boolean[] {
  return browser.lastSetCookies.map((cookie) => cookie.attributes.some((attribute) => attribute.toLowerCase() === 'secure'))
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: PIGEON_TRUST_PROXY`, () => {
    it('ignores forwarded headers by default', async (t) => {
      const web = await startWebTestApp(t, dialect, { env: { PIGEON_AUTH_FAILURE_LIMIT: '2' } })
      const browser = new WebClient(web.app.url, forwardedFor('203.0.113.7'))

      const setup = await browser.get('/setup')
      const names = cookieNames(setup, browser)
      const secure = isSecure(browser)
      await setUpOwner(browser)
      await signIn(new WebClient(web.app.url, forwardedFor('203.0.113.8')), OWNER.email, 'a wrong password')
      await sendBadKey(web.app.url, forwardedFor('198.51.100.1'))
      await sendBadKey(web.app.url, forwardedFor('198.51.100.1'))
      const otherClient = await sendBadKey(web.app.url, forwardedFor('198.51.100.2'))

      assert.ok(names.every((name) => !name.startsWith('__Host-')), `cookies ${names.join(', ')} carry the __Host- prefix`)
      assert.ok(secure.every((flag) => !flag), 'a cookie is marked Secure')
      assert.deepEqual(await signInAddresses(web.app.deps.db.kysely), ['127.0.0.1'])
      assert.equal(otherClient.status, 401)
      assert.ok(otherClient.headers.get('retry-after') !== null, 'a forged X-Forwarded-For escaped the throttle of the real address')
    })

    it('follows forwarded headers from a trusted proxy', async (t) => {
      const web = await startWebTestApp(t, dialect, { env: { PIGEON_AUTH_FAILURE_LIMIT: '2', PIGEON_TRUST_PROXY: '127.0.0.1' } })
      const browser = new WebClient(web.app.url, forwardedFor('203.0.113.7'))

      const setup = await browser.get('/setup')
      const names = cookieNames(setup, browser)
      const secure = isSecure(browser)
      await setUpOwner(browser)
      const settings = await browser.get('/app/settings/account')
      await signIn(new WebClient(web.app.url, forwardedFor('203.0.113.8')), OWNER.email, 'a wrong password')
      await sendBadKey(web.app.url, forwardedFor('198.51.100.1'))
      await sendBadKey(web.app.url, forwardedFor('198.51.100.1'))
      const otherClient = await sendBadKey(web.app.url, forwardedFor('198.51.100.2'))
      const sameClient = await sendBadKey(web.app.url, forwardedFor('198.51.100.1'))

      assert.ok(names.every((name) => name.startsWith('__Host-')), `cookies ${names.join(', ')} lack the __Host- prefix`)
      assert.ok(secure.every(Boolean), 'a cookie is not marked Secure')
      assert.ok([...browser.cookies.keys()].includes('__Host-pigeon_session'))
      assert.equal(settings.status, 200, 'the __Host- session cookie is read back')
      assert.deepEqual(await signInAddresses(web.app.deps.db.kysely), ['203.0.113.8'])
      assert.equal(otherClient.status, 401)
      assert.equal(otherClient.headers.get('retry-after'), null, 'one client was throttled for another one\'s failures')
      assert.ok(sameClient.headers.get('retry-after') !== null, 'the forwarded client address was not throttled')
    })

    it('ignores forwarded headers from an untrusted peer', async (t) => {
      const web = await startWebTestApp(t, dialect, { env: { PIGEON_TRUST_PROXY: '10.0.0.0/8,uniquelocal' } })
      const browser = new WebClient(web.app.url, forwardedFor('203.0.113.7'))

      const setup = await browser.get('/setup')
      const names = cookieNames(setup, browser)
      await setUpOwner(web.client())
      await signIn(browser, OWNER.email, 'a wrong password')

      assert.ok(names.every((name) => !name.startsWith('__Host-')), `cookies ${names.join(', ')} carry the __Host- prefix`)
      assert.deepEqual(await signInAddresses(web.app.deps.db.kysely), ['127.0.0.1'])
    })

    it('accepts the HTTPS origin behind a trusted proxy', async (t) => {
      const trusted = await startWebTestApp(t, dialect, { env: { PIGEON_TRUST_PROXY: '127.0.0.1' } })
      const untrusted = await startWebTestApp(t, dialect)
      const results = []

      for (const web of [trusted, untrusted]) {
        await setUpOwner(web.client())
        const browser = new WebClient(web.app.url, forwardedFor('203.0.113.7'))
        await browser.get('/sign-in')
        const origin = `https://${new URL(web.app.url).host}`
        results.push(await browser.post('/sign-in', { email: OWNER.email, password: 'a wrong password' }, { origin }))
      }

      assert.equal(results[0]!.status, 401, 'the form post reached the sign-in check')
      assert.equal(results[1]!.status, 403, 'an https origin passed on a plain HTTP connection')
    })
  })
}
