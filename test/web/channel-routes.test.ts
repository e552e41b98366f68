import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findChannelById } from '../../src/storage/channels-repo.ts'
import { findPostById } from '../../src/storage/posts-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildTenant } from '../helpers/factories.ts'
import { addWebhookChannel, composePost, setUpOwner, signIn, startWebTestApp } from './helpers/web-app.ts'
import { pageText } from './helpers/web-client.ts'

const HOOK = 'http://127.0.0.1:9/hook'

for (const dialect of DIALECTS) {
  describe(`${dialect}: channels`, () => {
    it('adds a webhook channel and shows its secret once', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const channel = await addWebhookChannel(browser, { name: 'Main profile', webhookUrl: HOOK, service: 'bluesky' })
      const list = await browser.get('/app/channels')
      const connection = await browser.get(`/app/channels/${channel.id}/connection`)

      assert.match(channel.secret, /^whsec_/)
      assert.match(pageText(list.html), /Main profile Connected Bluesky · Europe\/Berlin/)
      assert.equal(list.html.includes(channel.secret), false)
      assert.equal(connection.html.includes(channel.secret), false)
      assert.match(pageText(connection.html), /Posts are delivered to http:\/\/127\.0\.0\.1:9\/hook/)
    })

    it('rejects an invalid webhook address before adding', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Broken', timezone: 'UTC', webhookUrl: 'ftp://example.com/hook' })
      const channels = await app.deps.db.kysely.selectFrom('channels').select('id').execute()

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /the scheme "ftp" is not supported/)
      assert.equal(channels.length, 0)
    })

    it('rejects an unknown timezone', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Somewhere', timezone: 'Mars/Olympus', webhookUrl: HOOK })

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /"Mars\/Olympus" is not an IANA timezone/)
    })

    it('shows every add-form error at once', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: '  ', timezone: 'Mars/Olympus', webhookUrl: 'ftp://example.com/hook' })
      const channels = await app.deps.db.kysely.selectFrom('channels').select('id').execute()

      assert.equal(response.status, 422)
      assert.match(response.html, /id="channel-name-error">Channel name must be 1 to 200 characters\.</)
      assert.match(response.html, /id="channel-timezone-error">&quot;Mars\/Olympus&quot; is not an IANA timezone/)
      assert.match(response.html, /id="channel-webhook-error">[^<]*the scheme &quot;ftp&quot; is not supported/)
      assert.equal(channels.length, 0)
    })

    it('summarizes add-form errors at the top', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: '  ', timezone: 'Mars/Olympus', webhookUrl: HOOK, method: 'webhook' })
      const summary = /<div class="notice notice-error error-summary" role="alert" id="error-summary">([\s\S]*?)<\/div>/.exec(response.html)

      assert.ok(summary, 'the page has an error summary')
      assert.ok(response.html.indexOf('id="error-summary"') < response.html.indexOf('<form method="post" action="/app/channels"'), 'the summary comes before the form')
      assert.match(pageText(summary[1]!), /^The channel was not added: Channel name must be 1 to 200 characters\. "Mars\/Olympus" is not an IANA timezone/)
      assert.match(summary[1]!, /<a href="#channel-name">Channel name must be 1 to 200 characters\.<\/a>/)
      assert.match(summary[1]!, /<a href="#channel-timezone">&quot;Mars\/Olympus&quot; is not an IANA timezone/)
    })

    it('reports a missing timezone', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Somewhere', timezone: '', webhookUrl: HOOK, method: 'webhook' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="channel-timezone-error">Timezone is missing; use a name such as Europe\/London or America\/New_York\.</)
      assert.doesNotMatch(pageText(response.html), /"" is not an IANA timezone/)
    })

    it('lists a form error without a link', async (t) => {
      const { client } = await startWebTestApp(t, dialect, { env: { PIGEON_DEFAULT_PLAN: 'free' } })
      const browser = client()
      await setUpOwner(browser)
      for (const name of ['One', 'Two', 'Three']) await addWebhookChannel(browser, { name, webhookUrl: HOOK })

      const response = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Four', timezone: 'UTC', webhookUrl: HOOK, method: 'webhook' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="error-summary">\s*<p>The channel was not added:<\/p>\s*<ul>\s*<li>This organization already has 3 channels, the most its plan allows\.<\/li>/)
    })

    it('reconnects with a new secret', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Main', webhookUrl: HOOK })

      const response = await browser.submit(`/app/channels/${channel.id}/connection`, `/app/channels/${channel.id}/webhook`, { webhookUrl: 'http://127.0.0.1:9/other', secret: '' })
      const page = await browser.get(response.location ?? '')
      const secret = /id="webhook-secret"[^>]*value="([^"]+)"/.exec(page.html)?.[1]
      const stored = await findChannelById(app.deps.db.kysely, channel.id)

      assert.equal(response.status, 303)
      assert.equal(response.location, `/app/channels/${channel.id}/connected`)
      assert.equal(response.html, '', 'the redirect carries no secret')
      assert.equal(page.status, 200)
      assert.match(pageText(page.html), /Webhook connected/)
      assert.match(pageText(page.html), /Copy this secret into your receiver now\./)
      assert.ok(secret)
      assert.notEqual(secret, channel.secret)
      assert.equal(stored?.webhookSecret, secret)
      assert.equal(stored?.webhookUrl, 'http://127.0.0.1:9/other')
    })

    it('shows the secret only once', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Main', webhookUrl: HOOK })

      const reload = await browser.get(`/app/channels/${channel.id}/connected`)
      const connection = await browser.get(reload.location ?? '')

      assert.equal(reload.status, 303)
      assert.equal(reload.location, `/app/channels/${channel.id}/connection`)
      assert.ok(!connection.html.includes(channel.secret), 'the connection page shows no secret')
      assert.match(pageText(connection.html), /The signing secret is shown only once, right after connecting\. To get a new one, connect the webhook again with the secret field left empty\./)
    })

    it('shows no secret to another session', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Main', webhookUrl: HOOK })
      await browser.submit(`/app/channels/${channel.id}/connection`, `/app/channels/${channel.id}/webhook`, { webhookUrl: HOOK, secret: '' })
      const stored = await findChannelById(app.deps.db.kysely, channel.id)
      const pending = browser.cookies.get('pigeon_secret_reveal')
      const other = client()
      await signIn(other)
      other.cookies.set('pigeon_secret_reveal', pending ?? '')

      const page = await other.get(`/app/channels/${channel.id}/connected`)

      assert.ok(pending, 'the connect form leaves a pending secret')
      assert.equal(page.status, 303)
      assert.ok(!page.html.includes(stored?.webhookSecret ?? 'none'), 'the other session sees no secret')
    })

    it('words the page for an entered secret', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Main', webhookUrl: HOOK })

      const response = await browser.submit(`/app/channels/${channel.id}/connection`, `/app/channels/${channel.id}/webhook`, { webhookUrl: HOOK, secret: channel.secret })
      const page = await browser.get(response.location ?? '')

      assert.match(pageText(page.html), /This is the secret you entered; your receiver must use it\./)
      assert.match(pageText(page.html), /Pigeon will not show it again\. To change it, connect the webhook again, with a secret of your own or with the field left empty for a new one\./)
      assert.doesNotMatch(pageText(page.html), /Copy this secret into your receiver now/)
    })

    it('words an empty webhook address alike', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Main', webhookUrl: HOOK })
      const missing = "The webhook address is missing. Enter the address that should receive this channel&#39;s posts, such as https://example.com/hooks/pigeon."

      const connection = await browser.submit(`/app/channels/${channel.id}/connection`, `/app/channels/${channel.id}/webhook`, { webhookUrl: ' ', secret: '' })
      const added = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Other', timezone: 'UTC', webhookUrl: '', method: 'webhook' })

      assert.equal(connection.status, 422)
      assert.ok(connection.html.includes(`id="connection-url-error">${missing}<`), 'the connection page says the address is missing')
      assert.equal(added.status, 422)
      assert.ok(added.html.includes(`id="channel-webhook-error">${missing}<`), 'the add page says the address is missing')
    })

    it('names the token option in its hint', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Main', webhookUrl: HOOK, service: 'mastodon' })

      const addPage = await browser.get('/app/channels/new')
      const connectionPage = await browser.get(`/app/channels/${channel.id}/connection`)

      for (const page of [addPage, connectionPage]) {
        assert.match(page.html, /<label for="(method|reconnect)-(mastodonToken|token)">Paste a Mastodon access token<\/label>/)
        assert.match(page.html, /Only for “Paste a Mastodon access token”\./)
        assert.doesNotMatch(page.html, /“Paste an access token”/)
      }
    })

    it('shows paused and not-connected states', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Pausable', webhookUrl: HOOK })

      await browser.submit(`/app/channels/${channel.id}/queue`, `/app/channels/${channel.id}/queue/pause`, { paused: 'true', returnTo: 'queue' })
      const paused = await browser.get('/app/channels')
      await app.deps.db.kysely.updateTable('channels').set({ delivery_method: null }).where('id', '=', channel.id).execute()
      const unconnected = await browser.get('/app/channels')

      assert.match(pageText(paused.html), /Pausable Paused/)
      assert.match(pageText(unconnected.html), /Pausable Not connected/)
    })

    it('asks before removing and says what happens to posts', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Old channel', webhookUrl: HOOK })
      await composePost(browser, { channelIds: [channel.id], text: 'queued one' })
      await composePost(browser, { channelIds: [channel.id], text: 'queued two' })
      await composePost(browser, { channelIds: [channel.id], text: 'a draft', intent: 'draft' })
      const postIds = (await app.deps.db.kysely.selectFrom('posts').select('id').execute()).map((row) => row.id)

      const confirm = await browser.get(`/app/channels/${channel.id}/remove`)
      const removed = await browser.post(`/app/channels/${channel.id}/remove`, {})
      const list = await browser.get('/app/channels')
      const remaining = await Promise.all(postIds.map((id) => findPostById(app.deps.db.kysely, id)))

      assert.match(pageText(confirm.html), /Remove Old channel\?/)
      assert.match(pageText(confirm.html), /2 scheduled posts are deleted and will not be published/)
      assert.match(pageText(confirm.html), /1 draft is deleted/)
      assert.equal(removed.location, '/app/channels')
      assert.match(pageText(list.html), /Removed Old channel\. 2 scheduled posts were deleted and will not be published; 1 draft was deleted\./)
      assert.doesNotMatch(pageText(list.html), /Old channel Connected/)
      assert.deepEqual(remaining, [undefined, undefined, undefined])
    })

    it('hides a channel of another account', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const owner = client()
      await setUpOwner(owner)
      const channel = await addWebhookChannel(owner, { name: 'Private', webhookUrl: HOOK })
      await composePost(owner, { channelIds: [channel.id], text: 'private post' })
      const postId = (await app.deps.db.kysely.selectFrom('posts').select('id').executeTakeFirstOrThrow()).id
      const tenant = await buildTenant(app.deps)
      const other = client()
      await other.submit('/set-password', '/set-password', { email: tenant.email, apiKey: tenant.apiKey, password: 'other tenant password', passwordConfirmation: 'other tenant password' })

      const pages = await Promise.all(['queue', 'schedule', 'connection', 'remove'].map((page) => other.get(`/app/channels/${channel.id}/${page}`)))
      const edit = await other.get(`/app/posts/${postId}/edit`)
      const removal = await other.post(`/app/channels/${channel.id}/remove`, {})
      const deletion = await other.post(`/app/posts/${postId}/delete`, {})
      const list = await other.get('/app/channels')

      assert.deepEqual(pages.map((page) => page.status), [404, 404, 404, 404])
      assert.equal(edit.status, 404)
      assert.equal(removal.status, 404)
      assert.equal(deletion.status, 303)
      assert.match(pageText(list.html), new RegExp(`Post ${postId} was not found`))
      assert.doesNotMatch(pageText(list.html), /Private/)
      assert.ok(await findChannelById(app.deps.db.kysely, channel.id))
      assert.ok(await findPostById(app.deps.db.kysely, postId))
    })
  })
}
