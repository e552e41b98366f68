import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findChannelById } from '../../src/storage/channels-repo.ts'
import { findNetworkConnection } from '../../src/storage/network-connections-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildTenant } from '../helpers/factories.ts'
import { startFakeBluesky } from '../helpers/fake-bluesky.ts'
import { startFakeMastodon } from '../helpers/fake-mastodon.ts'
import { addBlueskyChannel, addMastodonChannelWithToken, approveOnInstance, channelIdOf } from './helpers/network-pages.ts'
import { composePost, setUpOwner, startWebTestApp } from './helpers/web-app.ts'
import { pageText } from './helpers/web-client.ts'

/** Returns the text of the field error with this id, or null when the page shows none. */
function fieldError(html: string, id: string): string | null {
  const match = new RegExp(`<p class="field-error" id="${id}-error">([^<]*)</p>`).exec(html)
  return match === null ? null : pageText(match[1]!)
}

function inputValue(html: string, id: string): string | null {
  return new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1] ?? null
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: Mastodon and Bluesky channels in the web app`, () => {
    it('connects Mastodon with an access token', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t, { maxCharacters: 640 })
      const browser = client()
      await setUpOwner(browser)
      const token = mastodon.issueToken()
      const account = `pigeon_test@${new URL(mastodon.url).host}`

      const added = await addMastodonChannelWithToken(browser, mastodon, { name: 'Toots', accessToken: token, visibility: 'unlisted', language: 'de' })
      const channelId = channelIdOf(added)
      const connection = await browser.get(`/app/channels/${channelId}/connection`)
      const list = await browser.get('/app/channels')
      const stored = await findNetworkConnection(app.deps.db.kysely, channelId)

      assert.equal(added.status, 303)
      assert.match(pageText(connection.html), new RegExp(`Added Toots\\. It publishes to Mastodon as ${account}\\.`))
      assert.match(pageText(connection.html), new RegExp(`Posts are published to Mastodon as ${account} on ${mastodon.url}`))
      assert.match(pageText(connection.html), /Visibility: unlisted/)
      assert.match(pageText(connection.html), /Language: de\./)
      assert.match(pageText(connection.html), /up to 640 characters/)
      assert.match(pageText(list.html), new RegExp(`Toots Connected Mastodon · ${account} · Europe/Berlin`))
      assert.equal(connection.html.includes(token), false)
      assert.deepEqual(stored?.settings, { visibility: 'unlisted', language: 'de' })
    })

    it('connects Mastodon through the authorization page', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const browser = client()
      await setUpOwner(browser)

      const started = await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Signed in', timezone: 'UTC', method: 'mastodonAuthorization', instance: mastodon.url, visibility: '', mastodonLanguage: '' })
      const channelId = channelIdOf(started)
      const waiting = await browser.get(`/app/channels/${channelId}/connection`)
      const listBefore = await browser.get('/app/channels')
      const code = await approveOnInstance(waiting.html)
      const finished = await browser.post(`/app/channels/${channelId}/authorization-code`, { code })
      const connection = await browser.get(`/app/channels/${channelId}/connection`)
      const stored = await findChannelById(app.deps.db.kysely, channelId)

      assert.match(pageText(waiting.html), /Added Signed in\. To connect it, open the authorization page below/)
      assert.match(pageText(waiting.html), new RegExp(`Finish signing in on ${mastodon.url}`))
      assert.match(pageText(listBefore.html), /Signed in Not connected/)
      assert.equal(finished.status, 303)
      assert.match(pageText(connection.html), /Signed in publishes to Mastodon as pigeon_test@/)
      assert.doesNotMatch(pageText(connection.html), /Finish signing in/)
      assert.equal(stored?.deliveryMethod, 'mastodon')
      assert.equal(mastodon.validTokens().length, 1)
    })

    it('keeps the authorization step after a wrong code', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const browser = client()
      await setUpOwner(browser)
      const channelId = channelIdOf(await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Retry', timezone: 'UTC', method: 'mastodonAuthorization', instance: mastodon.url }))
      const waiting = await browser.get(`/app/channels/${channelId}/connection`)

      const rejected = await browser.post(`/app/channels/${channelId}/authorization-code`, { code: 'not-the-code' })
      const code = await approveOnInstance(rejected.html)
      const finished = await browser.post(`/app/channels/${channelId}/authorization-code`, { code })

      assert.equal(rejected.status, 422)
      assert.match(fieldError(rejected.html, 'authorization-code') ?? '', /HTTP 400 while exchanging the authorization code: invalid_grant/)
      assert.match(pageText(rejected.html), /Finish signing in/)
      assert.equal(inputValue(rejected.html, 'authorization-code'), '')
      assert.match(pageText(waiting.html), /Finish signing in/)
      assert.equal(finished.status, 303)
    })

    it('connects Bluesky with an app password', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const bluesky = await startFakeBluesky(t)
      const browser = client()
      await setUpOwner(browser)

      const added = await addBlueskyChannel(browser, bluesky, { name: 'Skeets', language: 'en' })
      const channelId = channelIdOf(added)
      const connection = await browser.get(`/app/channels/${channelId}/connection`)
      const list = await browser.get('/app/channels')
      const row = await app.deps.db.kysely.selectFrom('channels').selectAll().where('id', '=', channelId).executeTakeFirstOrThrow()

      assert.match(pageText(connection.html), /Added Skeets\. It publishes to Bluesky as pigeon\.test\./)
      assert.match(pageText(connection.html), new RegExp(`Posts are published to Bluesky as pigeon\\.test on ${bluesky.url}`))
      assert.match(pageText(connection.html), /Language: en\./)
      assert.match(pageText(list.html), /Skeets Connected Bluesky · pigeon\.test · Europe\/Berlin/)
      assert.equal(JSON.stringify(row).includes(bluesky.appPassword), false)
      assert.equal(connection.html.includes(bluesky.appPassword), false)
    })

    it('shows a rejected token next to its field', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const browser = client()
      await setUpOwner(browser)

      const response = await addMastodonChannelWithToken(browser, mastodon, { name: 'Wrong token', accessToken: 'made-up-token', language: 'fr' })
      const channels = await app.deps.db.kysely.selectFrom('channels').select('id').execute()

      assert.equal(response.status, 422)
      assert.match(fieldError(response.html, 'new-token') ?? '', /HTTP 401 while checking the access token: The access token is invalid/)
      assert.equal(inputValue(response.html, 'new-instance'), mastodon.url)
      assert.equal(inputValue(response.html, 'new-mastodon-language'), 'fr')
      assert.equal(inputValue(response.html, 'channel-name'), 'Wrong token')
      assert.equal(response.html.includes('made-up-token'), false)
      assert.deepEqual(channels, [])
    })

    it('shows a rejected app password next to its field', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const bluesky = await startFakeBluesky(t)
      const browser = client()
      await setUpOwner(browser)

      const response = await addBlueskyChannel(browser, bluesky, { name: 'Wrong password', appPassword: 'wxyz-wxyz-wxyz-wxyz' })
      const channels = await app.deps.db.kysely.selectFrom('channels').select('id').execute()

      assert.equal(response.status, 422)
      assert.match(fieldError(response.html, 'new-app-password') ?? '', /HTTP 401 while logging in: AuthenticationRequired: Invalid identifier or password/)
      assert.equal(inputValue(response.html, 'new-identifier'), bluesky.handle)
      assert.equal(inputValue(response.html, 'new-pds'), bluesky.url)
      assert.equal(response.html.includes('wxyz-wxyz-wxyz-wxyz'), false)
      assert.deepEqual(channels, [])
    })

    it('rejects an account of another service', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const bluesky = await startFakeBluesky(t)
      const browser = client()
      await setUpOwner(browser)

      const response = await browser.submit('/app/channels/new', '/app/channels', { service: 'linkedin', name: 'Mixed', timezone: 'UTC', method: 'bluesky', identifier: bluesky.handle, appPassword: bluesky.appPassword })
      const channels = await app.deps.db.kysely.selectFrom('channels').select('id').execute()

      assert.equal(response.status, 422)
      assert.match(fieldError(response.html, 'channel-service') ?? '', /A Bluesky account can only be connected to a Bluesky channel/)
      assert.deepEqual(channels, [])
    })

    it('reconnects and keeps the old token on failure', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const browser = client()
      await setUpOwner(browser)
      const channelId = channelIdOf(await addMastodonChannelWithToken(browser, mastodon, { name: 'Reconnect me', accessToken: mastodon.issueToken(), visibility: 'private' }))
      const before = await findNetworkConnection(app.deps.db.kysely, channelId)
      await app.deps.db.kysely.updateTable('channels').set({ is_disconnected: 1 }).where('id', '=', channelId).execute()
      const disconnectedList = await browser.get('/app/channels')

      const page = await browser.get(`/app/channels/${channelId}/connection`)
      const rejected = await browser.post(`/app/channels/${channelId}/account`, { method: 'mastodonToken', instance: mastodon.url, accessToken: 'revoked-token', visibility: 'private', mastodonLanguage: '' })
      const afterRejected = await findNetworkConnection(app.deps.db.kysely, channelId)
      const reconnected = await browser.post(`/app/channels/${channelId}/account`, { method: 'mastodonToken', instance: mastodon.url, accessToken: mastodon.issueToken(), visibility: '', mastodonLanguage: '' })
      const after = await findNetworkConnection(app.deps.db.kysely, channelId)
      const list = await browser.get('/app/channels')

      assert.match(pageText(disconnectedList.html), /Reconnect me Disconnected/)
      assert.match(pageText(page.html), /Mastodon no longer accepts Pigeon’s access/)
      assert.match(pageText(page.html), /Reconnect a Mastodon account/)
      assert.equal(inputValue(page.html, 'account-instance'), mastodon.url)
      assert.equal(rejected.status, 422)
      assert.match(fieldError(rejected.html, 'account-token') ?? '', /HTTP 401/)
      assert.equal(afterRejected?.credentials, before?.credentials)
      assert.equal(reconnected.status, 303)
      assert.notEqual(after?.credentials, before?.credentials)
      assert.equal(after?.settings.visibility, 'private')
      assert.match(pageText(list.html), /Reconnect me Connected/)
    })

    it('reconnects Bluesky from the connection page', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const bluesky = await startFakeBluesky(t)
      const browser = client()
      await setUpOwner(browser)
      const channelId = channelIdOf(await addBlueskyChannel(browser, bluesky, { name: 'Sky' }))

      const page = await browser.get(`/app/channels/${channelId}/connection`)
      const reconnected = await browser.post(`/app/channels/${channelId}/account`, { method: 'bluesky', identifier: inputValue(page.html, 'account-identifier') ?? '', appPassword: bluesky.appPassword, pdsUrl: inputValue(page.html, 'account-pds') ?? '', blueskyLanguage: 'pt' })
      const after = await browser.get(`/app/channels/${channelId}/connection`)

      assert.equal(inputValue(page.html, 'account-identifier'), 'pigeon.test')
      assert.equal(reconnected.status, 303)
      assert.match(pageText(after.html), /Sky publishes to Bluesky as pigeon\.test\./)
      assert.match(pageText(after.html), /Language: pt\./)
    })

    it('disconnects after asking and says what happens to posts', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const browser = client()
      await setUpOwner(browser)
      const channelId = channelIdOf(await browser.submit('/app/channels/new', '/app/channels', { service: 'mastodon', name: 'Leaving', timezone: 'UTC', method: 'mastodonAuthorization', instance: mastodon.url }))
      const code = await approveOnInstance((await browser.get(`/app/channels/${channelId}/connection`)).html)
      await browser.post(`/app/channels/${channelId}/authorization-code`, { code })
      await composePost(browser, { channelIds: [channelId], text: 'still queued' })

      const confirm = await browser.get(`/app/channels/${channelId}/disconnect`)
      const disconnected = await browser.post(`/app/channels/${channelId}/disconnect`, {})
      const connection = await browser.get(`/app/channels/${channelId}/connection`)
      const list = await browser.get('/app/channels')
      const queued = await app.deps.db.kysely.selectFrom('posts').select('status').where('channel_id', '=', channelId).execute()

      assert.match(pageText(confirm.html), /Disconnect Leaving from pigeon_test@/)
      assert.match(pageText(confirm.html), /Pigeon revokes its access token/)
      assert.match(pageText(confirm.html), /1 scheduled post stays in the queue\. Any that fall due before the channel is connected again fail/)
      assert.equal(disconnected.location, `/app/channels/${channelId}/connection`)
      assert.match(pageText(connection.html), /Disconnected Leaving\. Its access was revoked on the network and its credentials were deleted\./)
      assert.match(pageText(connection.html), /The channel is not connected/)
      assert.match(pageText(list.html), /Leaving Not connected/)
      assert.deepEqual(mastodon.validTokens(), [])
      assert.deepEqual(queued, [{ status: 'scheduled' }])
    })

    it('says a pasted token cannot be revoked', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const browser = client()
      await setUpOwner(browser)
      const channelId = channelIdOf(await addMastodonChannelWithToken(browser, mastodon, { name: 'Pasted', accessToken: mastodon.issueToken() }))

      const confirm = await browser.get(`/app/channels/${channelId}/disconnect`)
      await browser.post(`/app/channels/${channelId}/disconnect`, {})
      const connection = await browser.get(`/app/channels/${channelId}/connection`)

      assert.match(pageText(confirm.html), /It cannot revoke it: delete it yourself on the instance/)
      assert.match(pageText(confirm.html), /The channel has no scheduled posts/)
      assert.match(pageText(connection.html), /Disconnected Pasted\. Its credentials were deleted\. The token was pasted, so Pigeon cannot revoke it/)
    })

    it('shows paused network channels', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const bluesky = await startFakeBluesky(t)
      const browser = client()
      await setUpOwner(browser)
      const channelId = channelIdOf(await addBlueskyChannel(browser, bluesky, { name: 'Resting' }))

      await browser.submit(`/app/channels/${channelId}/queue`, `/app/channels/${channelId}/queue/pause`, { paused: 'true', returnTo: 'queue' })
      const paused = await browser.get('/app/channels')
      await app.deps.db.kysely.updateTable('channels').set({ is_disconnected: 1 }).where('id', '=', channelId).execute()
      const both = await browser.get('/app/channels')

      assert.match(pageText(paused.html), /Resting Paused Bluesky · pigeon\.test/)
      assert.match(pageText(both.html), /Resting Disconnected Paused Bluesky/)
    })

    it('hides the connection of another account', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const owner = client()
      await setUpOwner(owner)
      const channelId = channelIdOf(await addMastodonChannelWithToken(owner, mastodon, { name: 'Mine', accessToken: mastodon.issueToken() }))
      const before = await findNetworkConnection(app.deps.db.kysely, channelId)
      const tenant = await buildTenant(app.deps)
      const other = client()
      await other.submit('/set-password', '/set-password', { email: tenant.email, apiKey: tenant.apiKey, password: 'other tenant password', passwordConfirmation: 'other tenant password' })

      const pages = await Promise.all(['connection', 'disconnect'].map((page) => other.get(`/app/channels/${channelId}/${page}`)))
      const posts = [
        await other.post(`/app/channels/${channelId}/account`, { method: 'mastodonToken', instance: mastodon.url, accessToken: mastodon.issueToken() }),
        await other.post(`/app/channels/${channelId}/authorization-code`, { code: 'anything' }),
        await other.post(`/app/channels/${channelId}/disconnect`, {}),
        await other.post(`/app/channels/${channelId}/webhook`, { webhookUrl: 'http://127.0.0.1:9/hook' }),
      ]
      const after = await findNetworkConnection(app.deps.db.kysely, channelId)

      assert.deepEqual(pages.map((page) => page.status), [404, 404])
      assert.deepEqual(posts.map((response) => response.status), [404, 404, 404, 404])
      assert.equal(after?.credentials, before?.credentials)
    })

    it('refuses forms without a CSRF token', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const browser = client()
      await setUpOwner(browser)
      const channelId = channelIdOf(await addMastodonChannelWithToken(browser, mastodon, { name: 'Guarded', accessToken: mastodon.issueToken() }))
      const before = await findNetworkConnection(app.deps.db.kysely, channelId)

      const attempts = [
        await browser.post('/app/channels', { service: 'mastodon', name: 'Forged', timezone: 'UTC', method: 'mastodonToken', instance: mastodon.url, accessToken: mastodon.issueToken() }, { csrf: false }),
        await browser.post(`/app/channels/${channelId}/account`, { method: 'mastodonAuthorization', instance: mastodon.url }, { csrf: false }),
        await browser.post(`/app/channels/${channelId}/authorization-code`, { code: 'anything' }, { csrf: false }),
        await browser.post(`/app/channels/${channelId}/disconnect`, {}, { csrf: false }),
      ]
      const channels = await app.deps.db.kysely.selectFrom('channels').select('id').execute()
      const after = await findNetworkConnection(app.deps.db.kysely, channelId)

      assert.deepEqual(attempts.map((attempt) => attempt.status), [403, 403, 403, 403])
      assert.match(pageText(attempts[0]!.html), /This form has expired/)
      assert.equal(channels.length, 1)
      assert.equal(after?.credentials, before?.credentials)
    })
  })
}
