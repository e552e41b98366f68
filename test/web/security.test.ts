import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { DIALECTS } from '../helpers/db.ts'
import { addWebhookChannel, composePost, OWNER, setUpOwner, signIn, startWebTestApp } from './helpers/web-app.ts'
import { pageText, type WebClient } from './helpers/web-client.ts'

const HOOK = 'http://127.0.0.1:9/hook'
/** Breaks out of text, of both attribute quotes and of a textarea, then tries script and handlers. */
const PAYLOAD = `<script>alert("x")</script>"'><img src=x onerror=alert(1)></textarea><script>alert(2)</script>" autofocus onfocus="alert(3)`
const RAW_MARKERS = ['<script>alert', '<img src=x', 'onfocus="alert', '</textarea><script>']
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;'

/** Fails when the page contains the payload as markup, or any script but Pigeon's own file. */
function assertInert(path: string, html: string): void {
  for (const marker of RAW_MARKERS) assert.equal(html.includes(marker), false, `${path} contains the raw markup ${marker}`)
  const scripts = html.match(/<script\b[^>]*>/g) ?? []
  assert.deepEqual(scripts.map((tag) => /src="\/assets\/app\.js\?v=[0-9a-f]+"/.test(tag)), [true], `${path} has only the app's script`)
  // Escaped text contains no raw `<`, so every match below is a real tag.
  const tags = html.match(/<[a-z][^>]*>/gi) ?? []
  assert.deepEqual(tags.filter((tag) => /\son[a-z]+\s*=/i.test(tag)), [], `${path} has an inline event handler`)
  assert.deepEqual(tags.filter((tag) => /\sstyle\s*=/i.test(tag)), [], `${path} has an inline style, which the CSP blocks`)
  assert.deepEqual(tags.filter((tag) => /href="\s*javascript:/i.test(tag)), [], `${path} links to a javascript: address`)
}

async function postIdByText(kysely: any, text: string): Promise<string> {
  return (await kysely.selectFrom('posts').select('id').where('text', '=', text).executeTakeFirstOrThrow()).id
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: web security`, () => {
    it('renders hostile text inert on every page', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const kysely = web.app.deps.db.kysely
      const channel = await addWebhookChannel(browser, { name: PAYLOAD.slice(0, 200), webhookUrl: HOOK })
      const connectedPage = await browser.get(`/app/channels/${channel.id}/connection`)
      await composePost(browser, { channelIds: [channel.id], text: `queued ${PAYLOAD}` })
      await composePost(browser, { channelIds: [channel.id], text: `draft ${PAYLOAD}`, intent: 'draft' })
      await composePost(browser, { channelIds: [channel.id], text: `idea ${PAYLOAD}`, intent: 'idea' })
      await composePost(browser, { channelIds: [channel.id], text: `custom ${PAYLOAD}`, mode: 'customScheduled', dueDate: '2030-01-15', dueTime: '10:00' })
      await composePost(browser, { channelIds: [channel.id], text: `sent ${PAYLOAD}`, mode: 'customScheduled', dueDate: '2030-01-15', dueTime: '11:00' })
      await composePost(browser, { channelIds: [channel.id], text: `failed ${PAYLOAD}`, mode: 'customScheduled', dueDate: '2030-01-15', dueTime: '12:00' })
      // A receiver's response becomes the error message and the link, so the page must trust neither.
      await kysely.updateTable('posts').set({ status: 'sent', sent_at: Date.now(), external_link: 'javascript:alert(4)' }).where('id', '=', await postIdByText(kysely, `sent ${PAYLOAD}`)).execute()
      await kysely.updateTable('posts').set({ status: 'error', error_message: `Receiver said ${PAYLOAD}` }).where('id', '=', await postIdByText(kysely, `failed ${PAYLOAD}`)).execute()
      const keyPage = await browser.submit('/app/settings/api', '/app/settings/api/keys', { name: PAYLOAD.slice(0, 100), expiresIn: 'never' })
      const composeError = await composePost(browser, { channelIds: [channel.id], text: `error ${PAYLOAD}`, mode: 'customScheduled', dueDate: '2001-01-01', dueTime: '10:00' })
      const draftId = await postIdByText(kysely, `draft ${PAYLOAD}`)

      const paths = [
        '/app/channels',
        `/app/channels/${channel.id}/queue`,
        `/app/channels/${channel.id}/schedule`,
        `/app/channels/${channel.id}/connection`,
        `/app/channels/${channel.id}/remove`,
        `/app/compose?channel=${channel.id}`,
        `/app/posts/${draftId}/edit`,
        '/app/calendar?view=week&date=2030-01-15',
        '/app/calendar?view=month&date=2030-01-15',
        '/app/drafts',
        '/app/ideas',
        '/app/sent',
        '/app/failed',
        '/app/settings/api',
        '/app/settings/account',
      ]
      const pages = await Promise.all(paths.map(async (path) => ({ path, html: (await browser.get(path)).html })))
      await browser.post(`/app/channels/${channel.id}/remove`, {})
      const afterRemoval = await browser.get('/app/channels')

      const formResponses = [
        { path: 'connection page', html: connectedPage.html },
        { path: 'new key', html: keyPage.html },
        { path: 'composer error', html: composeError.html },
        { path: 'removal notice', html: afterRemoval.html },
      ]
      for (const { path, html } of [...pages, ...formResponses]) assertInert(path, html)
      for (const { path, html } of pages.filter((page) => !page.path.includes('/settings/'))) {
        assert.ok(html.includes(ESCAPED.slice(0, 60)), `${path} shows the payload as text`)
      }
      assert.ok(pages.find((page) => page.path === '/app/failed')!.html.includes('Receiver said &lt;script&gt;'))
      assert.ok(keyPage.html.includes(ESCAPED.slice(0, 60)))
      assert.ok(composeError.html.includes(`error ${ESCAPED.slice(0, 40)}`))
      assert.match(pageText(afterRemoval.html), /Removed <script>alert\("x"\)<\/script>/)
      assert.doesNotMatch(pages.find((page) => page.path === '/app/sent')!.html, /View the published post/, 'a javascript: link is not shown')
    })

    it('refuses a form without its CSRF token', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Guarded', webhookUrl: HOOK })

      const attempts = await Promise.all([
        browser.post('/app/compose', { channelIds: channel.id, text: 'forged', mode: 'shareNow' }, { csrf: false }),
        browser.post('/app/settings/api/keys', { name: 'forged key', expiresIn: 'never' }, { csrf: false }),
        browser.post(`/app/channels/${channel.id}/remove`, {}, { csrf: false }),
        browser.post('/app/settings/password', { currentPassword: OWNER.password, newPassword: 'forged password!', newPasswordConfirmation: 'forged password!' }, { csrf: false }),
        browser.post('/sign-out', {}, { csrf: false }),
        browser.post('/app/compose', { channelIds: channel.id, text: 'forged', mode: 'shareNow' }, { csrf: 'made-up-token' }),
      ])
      const posts = await web.app.deps.db.kysely.selectFrom('posts').select('id').execute()
      const keys = await web.app.deps.db.kysely.selectFrom('api_keys').select('id').execute()
      const stillSignedIn = await browser.get('/app/channels')

      assert.deepEqual(attempts.map((attempt) => attempt.status), [403, 403, 403, 403, 403, 403])
      assert.match(pageText(attempts[0]!.html), /This form has expired/)
      assert.equal(posts.length, 0)
      assert.equal(keys.length, 0)
      assert.equal(stillSignedIn.status, 200)
      assert.match(pageText(stillSignedIn.html), /Guarded/)
    })

    it('refuses a token from another session or a sign-in page', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const victim = web.client()
      await setUpOwner(victim)
      const attacker: WebClient = web.client()
      await attacker.get('/sign-in')
      const anonymousToken = attacker.csrfToken
      await signIn(attacker)
      await attacker.get('/app/compose')
      const attackerToken = attacker.csrfToken

      const withForeignToken = await victim.post('/app/settings/api/keys', { name: 'forged', expiresIn: 'never' }, { csrf: attackerToken })
      const withSignedOutToken = await attacker.post('/app/settings/api/keys', { name: 'stale', expiresIn: 'never' }, { csrf: anonymousToken })

      assert.equal(withForeignToken.status, 403)
      assert.equal(withSignedOutToken.status, 403)
    })

    it('refuses a form posted from another site', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      await browser.get('/app/settings/api')

      const response = await browser.post('/app/settings/api/keys', { name: 'cross site', expiresIn: 'never' }, { origin: 'https://evil.example' })
      const sameSite = await browser.post('/app/settings/api/keys', { name: 'same site', expiresIn: 'never' }, { origin: web.app.url })

      assert.equal(response.status, 403)
      assert.equal(sameSite.status, 200)
    })

    it('kills session cookies from before a password change', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const first = web.client()
      await setUpOwner(first)
      const second = web.client()
      await signIn(second)
      const firstOldCookie = first.cookies.get('pigeon_session')!
      const secondOldCookie = second.cookies.get('pigeon_session')!

      const changed = await first.submit('/app/settings/account', '/app/settings/password', { currentPassword: OWNER.password, newPassword: 'a brand new password', newPasswordConfirmation: 'a brand new password' })
      const firstNow = await first.get('/app/settings/account')
      const secondNow = await second.get('/app/settings/account')
      const replay = web.client()
      replay.cookies.set('pigeon_session', firstOldCookie)
      const replayedFirst = await replay.get('/app/settings/account')
      replay.cookies.set('pigeon_session', secondOldCookie)
      const replayedSecond = await replay.get('/app/settings/account')
      const oldPassword = await signIn(web.client(), OWNER.email, OWNER.password)
      const newPassword = await signIn(web.client(), OWNER.email, 'a brand new password')

      assert.equal(changed.status, 303)
      assert.notEqual(first.cookies.get('pigeon_session'), firstOldCookie, 'the browser that changed it gets a new session')
      assert.equal(firstNow.status, 200)
      assert.match(pageText(firstNow.html), /Your password is changed/)
      assert.equal(secondNow.status, 303)
      assert.equal(replayedFirst.status, 303)
      assert.equal(replayedSecond.status, 303)
      assert.equal(oldPassword.status, 401)
      assert.equal(newPassword.status, 303)
    })

    it('slows sign-in after ten wrong passwords', async (t) => {
      const web = await startWebTestApp(t, dialect)
      await setUpOwner(web.client())
      const attacker = web.client()

      const failures = []
      for (let attempt = 0; attempt < 10; attempt++) failures.push((await signIn(attacker, OWNER.email, `guess ${attempt}`)).status)
      const throttled = await signIn(attacker, OWNER.email, OWNER.password)
      web.clock.advance(29_000)
      const stillThrottled = await signIn(web.client(), OWNER.email, OWNER.password)
      web.clock.advance(2_000)
      const allowed = await signIn(web.client(), OWNER.email, OWNER.password)

      assert.deepEqual(failures, Array(10).fill(401))
      assert.equal(throttled.status, 429)
      assert.equal(throttled.headers.get('retry-after'), '30')
      assert.match(pageText(throttled.html), /Too many failed sign-ins\. Wait 30 seconds/)
      assert.equal(stillThrottled.status, 429)
      assert.equal(allowed.status, 303)
    })

    it('sends security headers with every page', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()

      const setup = await browser.get('/setup')
      await setUpOwner(browser)
      const app = await browser.get('/app/channels')
      const asset = await browser.get(/href="(\/assets\/app\.css\?v=[0-9a-f]+)"/.exec(app.html)![1]!)

      for (const response of [setup, app]) {
        assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
        assert.equal(response.headers.get('x-frame-options'), 'DENY')
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
        assert.equal(response.headers.get('cache-control'), 'no-store')
      }
      assert.equal(asset.status, 200)
      assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    })

    it('keeps the API answering POST / with GraphQL', async (t) => {
      const web = await startWebTestApp(t, dialect)

      const response = await fetch(`${web.app.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ account { id } }' }) })
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> }

      assert.equal(response.status, 401)
      assert.equal(body.errors[0]!.extensions.code, 'UNAUTHENTICATED')
    })
  })
}

describe('web templates', () => {
  it('print raw HTML only for the layout body and includes', () => {
    const directory = new URL('../../src/web/views/', import.meta.url)
    const raw = readdirSync(directory)
      .filter((name) => name.endsWith('.eta'))
      .flatMap((name) => [...readFileSync(new URL(name, directory), 'utf8').matchAll(/<%~\s*([^%]*?)\s*%>/g)].map((match) => `${name}: ${match[1]}`))

    const unexpected = raw.filter((entry) => !/: (it\.body|include\('\.\/[a-z-]+', .*\))$/.test(entry))

    assert.deepEqual(unexpected, [])
    assert.ok(raw.length > 0)
  })
})
