import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DIALECTS } from '../helpers/db.ts'
import { setUpOwner, startWebTestApp } from './helpers/web-app.ts'
import { pageText, type WebClient } from './helpers/web-client.ts'

const ACCOUNT_QUERY = '{ account { id email } }'

async function createKey(browser: WebClient, fields: Record<string, string>) {
  const response = await browser.submit('/app/settings/api', '/app/settings/api/keys', fields)
  const key = /id="new-key-value"[^>]*value="(pgn_[0-9A-Za-z]+)"/.exec(response.html)?.[1]

  return { response, key }
}

async function callApi(url: string, key: string): Promise<number> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: ACCOUNT_QUERY }) })
  await response.arrayBuffer()

  return response.status
}

/** Text of the active key row named `name`. */
function keyRowText(html: string, name: string): string {
  const row = new RegExp(`<th scope="row">${name}</th>[\\s\\S]*?</tr>`).exec(html)
  if (row === null) throw new Error(`no key row named ${name} on the page`)

  return pageText(row[0])
}

function keyIdOf(html: string, name: string): string {
  const row = new RegExp(`<th scope="row">${name}</th>[\\s\\S]*?/app/settings/api/keys/([0-9a-f]{24})/rotate`).exec(html)
  if (row === null) throw new Error(`no active key named ${name} on the page`)

  return row[1]!
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: Settings → API`, () => {
    it('shows a new key once and lists it', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const { response, key } = await createKey(browser, { name: 'publishing script', expiresIn: 'never' })
      const list = await browser.get('/app/settings/api')

      assert.equal(response.status, 200)
      assert.ok(key, 'the response shows the key')
      assert.match(pageText(response.html), /Copy this key now and store it somewhere safe/)
      assert.match(response.html, /data-copy-target="new-key-value"/)
      assert.equal(list.html.includes(key), false, 'the key is not shown again')
      assert.match(pageText(list.html), new RegExp(`publishing script ${key.slice(0, 8)}…${key.slice(-4)}`))
      assert.match(pageText(list.html), /Last used Expires Scopes/)
      assert.match(pageText(list.html), /Your plan allows 5 active keys; 1 is in use/)
      assert.equal(await callApi(app.url, key), 200)
    })

    it('shows last use and expiry', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const { key } = await createKey(browser, { name: 'expiring', expiresIn: '30' })

      await callApi(app.url, key!)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const text = pageText((await browser.get('/app/settings/api')).html)

      assert.doesNotMatch(text, /expiring pgn_\S+ [^N]+ Never/, 'last used is filled in')
      assert.match(text, /expiring pgn_\S+ .+ \d{4}, \d\d:\d\d .+ \d{4}, \d\d:\d\d .+ \d{4}, \d\d:\d\d All/)
    })

    it('expires a key at the end of a chosen day', async (t) => {
      const { app, client, clock } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)

      const { key } = await createKey(browser, { name: 'short lived', expiresIn: 'date', expiresOn: tomorrow })
      const before = await callApi(app.url, key!)
      clock.advance(3 * 86_400_000)
      const after = await callApi(app.url, key!)

      assert.equal(before, 200)
      assert.equal(after, 401)
    })

    it('rejects a past expiry date', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const { response, key } = await createKey(browser, { name: 'late', expiresIn: 'date', expiresOn: '2001-01-01' })

      assert.equal(response.status, 422)
      assert.equal(key, undefined)
      assert.match(response.html, /id="key-expires-on-error">The key would stop at 23:59 on 2001-01-01 \(Europe\/Berlin\), which has passed; choose a later day\.</)
      assert.doesNotMatch(pageText(response.html), /Z is in the past/)
    })

    it('asks for a missing expiry day', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const { response, key } = await createKey(browser, { name: 'undated', expiresIn: 'date', expiresOn: '' })

      assert.equal(response.status, 422)
      assert.equal(key, undefined)
      assert.match(response.html, /id="key-expires-on-error">The last day the key works is missing; choose a day, or choose Never under Expires\.</)
    })

    it('rotates without grace', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const { response: created, key: oldKey } = await createKey(browser, { name: 'rotating', expiresIn: 'never' })
      await callApi(app.url, oldKey!)

      const rotated = await browser.post(`/app/settings/api/keys/${keyIdOf(created.html, 'rotating')}/rotate`, { graceHours: '0' })
      const newKey = /id="new-key-value"[^>]*value="(pgn_[0-9A-Za-z]+)"/.exec(rotated.html)?.[1]

      assert.equal(rotated.status, 200)
      assert.ok(newKey)
      assert.notEqual(newKey, oldKey)
      assert.match(pageText(rotated.html), /The old key was revoked and no longer works/)
      assert.equal(await callApi(app.url, oldKey!), 401)
      assert.equal(await callApi(app.url, newKey), 200)
    })

    it('rotates with a grace period', async (t) => {
      const { app, client, clock } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const { response: created, key: oldKey } = await createKey(browser, { name: 'graceful', expiresIn: 'never' })

      const rotated = await browser.post(`/app/settings/api/keys/${keyIdOf(created.html, 'graceful')}/rotate`, { graceHours: '24' })
      const newKey = /id="new-key-value"[^>]*value="(pgn_[0-9A-Za-z]+)"/.exec(rotated.html)?.[1]
      const during = await callApi(app.url, oldKey!)
      clock.advance(24 * 3_600_000 + 10_000)
      const afterGrace = await callApi(app.url, oldKey!)

      assert.match(pageText(rotated.html), /The old key keeps working until .+, then stops for good/)
      assert.equal(during, 200)
      assert.equal(afterGrace, 401)
      assert.equal(await callApi(app.url, newKey!), 200)
    })

    it('revokes a key', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const { response: created, key } = await createKey(browser, { name: 'doomed', expiresIn: 'never' })
      assert.equal(await callApi(app.url, key!), 200)

      const revoked = await browser.post(`/app/settings/api/keys/${keyIdOf(created.html, 'doomed')}/revoke`, {})
      const list = await browser.get('/app/settings/api')

      assert.equal(revoked.location, '/app/settings/api')
      assert.match(pageText(list.html), /The key is revoked/)
      assert.match(pageText(list.html), /Revoked and expired keys .* doomed pgn_\S+ .+ Revoked/)
      assert.equal(await callApi(app.url, key!), 401)
    })

    it('refuses a key past the plan limit', async (t) => {
      const { client } = await startWebTestApp(t, dialect, { env: { PIGEON_DEFAULT_PLAN: 'free' } })
      const browser = client()
      await setUpOwner(browser)
      const first = await createKey(browser, { name: 'only one', expiresIn: 'never' })

      const second = await createKey(browser, { name: 'one too many', expiresIn: 'never' })
      const rotated = await browser.post(`/app/settings/api/keys/${keyIdOf(first.response.html, 'only one')}/rotate`, { graceHours: '1' })

      assert.ok(first.key)
      assert.equal(second.response.status, 422)
      assert.equal(second.key, undefined)
      assert.match(pageText(second.response.html), /the most its plan allows \(1\)/)
      assert.match(pageText(rotated.html), /Your plan allows 1 active key/)
      assert.match(rotated.html, /id="new-key-value"/, 'rotation works at the limit')
    })

    it('shows request counts per key', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const { key } = await createKey(browser, { name: 'busy', expiresIn: 'never' })
      await createKey(browser, { name: 'idle', expiresIn: 'never' })

      const statuses = []
      for (let request = 0; request < 3; request++) statuses.push(await callApi(app.url, key!))
      const page = await browser.get('/app/settings/api')
      const reloaded = await browser.get('/app/settings/api')

      assert.deepEqual(statuses, [200, 200, 200])
      assert.match(keyRowText(page.html, 'busy'), /3 of 100 in 15 minutes \(the oldest leave it in (15|16) minutes\) 3 of 500 in 24 hours \(the oldest leave it in 24 hours( \d+ minutes)?\) 3 of 15,000 in 30 days \(the oldest leave it in 30 days( \d+ hours?)?\)/)
      assert.match(keyRowText(page.html, 'idle'), /0 of 100 in 15 minutes 0 of 500 in 24 hours 0 of 15,000 in 30 days/)
      assert.match(keyRowText(reloaded.html, 'busy'), /3 of 100 in 15 minutes/, 'loading the page counts no request')
    })

    it('shows the quotas that replace the plan\'s', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect, { env: { PIGEON_RATE_LIMIT_QUOTAS: '15m=5,24h=8,30d=10' } })
      const browser = client()
      await setUpOwner(browser)
      const { key } = await createKey(browser, { name: 'capped', expiresIn: 'never' })

      await callApi(app.url, key!)
      const page = await browser.get('/app/settings/api')

      assert.match(keyRowText(page.html, 'capped'), /1 of 5 in 15 minutes .+ 1 of 8 in 24 hours .+ 1 of 10 in 30 days/)
    })

    it('says when rate limits are off', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect, { env: { PIGEON_RATE_LIMITS: 'false' } })
      const browser = client()
      await setUpOwner(browser)
      const { key } = await createKey(browser, { name: 'unlimited', expiresIn: 'never' })

      await callApi(app.url, key!)
      const page = await browser.get('/app/settings/api')

      assert.match(pageText(page.html), /Rate limits are turned off on this server \( ?PIGEON_RATE_LIMITS=false ?\)/)
      assert.match(keyRowText(page.html, 'unlimited'), /Not counted: rate limits are off/)
      assert.doesNotMatch(keyRowText(page.html, 'unlimited'), / of \d+ in /)
    })

    it('hides another account\'s key', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/settings/api', '/app/settings/api/keys/0123456789abcdef01234567/revoke', {})
      const page = await browser.get('/app/settings/api')

      assert.equal(response.location, '/app/settings/api')
      assert.match(pageText(page.html), /No active API key 0123456789abcdef01234567 on this account/)
    })
  })
}
