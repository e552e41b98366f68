import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findPostById, listQueuedPosts } from '../../src/storage/posts-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { addWebhookChannel, composePost, setUpOwner, startWebTestApp, type WebTestApp } from './helpers/web-app.ts'
import { pageText } from './helpers/web-client.ts'

const HOOK = 'http://127.0.0.1:9/hook'

async function postByText(web: WebTestApp, text: string) {
  const row = await web.app.deps.db.kysely.selectFrom('posts').select('id').where('text', '=', text).executeTakeFirstOrThrow()
  return (await findPostById(web.app.deps.db.kysely, row.id))!
}

async function setUp(t: Parameters<typeof startWebTestApp>[0], dialect: (typeof DIALECTS)[number]) {
  const web = await startWebTestApp(t, dialect)
  const browser = web.client()
  await setUpOwner(browser)
  const channel = await addWebhookChannel(browser, { name: 'Composer test', webhookUrl: HOOK })

  return { web, browser, channel }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: composer`, () => {
    it('adds to the queue', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [channel.id], text: 'queued via the form' })
      const post = await postByText(web, 'queued via the form')
      const page = await browser.get(response.location!)

      assert.equal(response.location, `/app/channels/${channel.id}/queue`)
      assert.equal(post.status, 'scheduled')
      assert.equal(post.shareMode, 'addToQueue')
      assert.equal(post.isCustomScheduled, false)
      assert.match(pageText(page.html), /Created the post on Composer test \(due .+, your time\)/)
    })

    it('shares next ahead of the queue', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)
      await composePost(browser, { channelIds: [channel.id], text: 'already waiting' })

      await composePost(browser, { channelIds: [channel.id], text: 'cutting in', mode: 'shareNext' })
      const queue = await listQueuedPosts(web.app.deps.db.kysely, channel.id)

      assert.deepEqual(queue.map((post) => post.text), ['cutting in', 'already waiting'])
    })

    it('shares now', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)

      await composePost(browser, { channelIds: [channel.id], text: 'send it now', mode: 'shareNow' })
      const post = await postByText(web, 'send it now')

      assert.equal(post.sharedNow, true)
      assert.ok(Math.abs(post.dueAt! - web.clock.now().getTime()) < 5000)
    })

    it('reads a custom time in the viewer zone', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)

      await composePost(browser, { channelIds: [channel.id], text: 'winter time', mode: 'customScheduled', dueDate: '2030-01-15', dueTime: '09:30' })
      await composePost(browser, { channelIds: [channel.id], text: 'summer time', mode: 'customScheduled', dueDate: '2030-07-15', dueTime: '09:30' })
      const winter = await postByText(web, 'winter time')
      const summer = await postByText(web, 'summer time')

      assert.equal(new Date(winter.dueAt!).toISOString(), '2030-01-15T08:30:00.000Z')
      assert.equal(new Date(summer.dueAt!).toISOString(), '2030-07-15T07:30:00.000Z')
      assert.equal(winter.isCustomScheduled, true)
    })

    it('rejects a time the clocks skip', async (t) => {
      const { browser, channel } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [channel.id], text: 'never happens', mode: 'customScheduled', dueDate: '2030-03-31', dueTime: '02:30' })

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /2030-03-31 02:30 does not exist in Europe\/Berlin/)
      assert.match(response.html, />never happens<\/textarea>/, 'the text typed is kept')
    })

    it('rejects a past custom time', async (t) => {
      const { browser, channel } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [channel.id], text: 'too late', mode: 'customScheduled', dueDate: '2020-01-01', dueTime: '09:00' })
      const message = 'Wed, 1 Jan 2020, 09:00 (Europe/Berlin) is in the past; pick a later time, or choose Share now.'

      assert.equal(response.status, 422)
      assert.ok(response.html.includes(`<p class="field-error" id="compose-when-error">${message}</p>`), 'the message is next to the date and time fields')
      assert.match(response.html, /id="compose-due-date"[^>]*aria-invalid="true"/)
      assert.doesNotMatch(pageText(response.html), /dueAt|Z\b|shareNow/, 'no API field names or UTC instants')
    })

    it('shows each error once', async (t) => {
      const { browser, channel } = await setUp(t, dialect)
      const second = await addWebhookChannel(browser, { name: 'Second channel', webhookUrl: HOOK, service: 'bluesky' })

      const response = await composePost(browser, { channelIds: [channel.id, second.id], text: 'too late twice', mode: 'customScheduled', dueDate: '2020-01-01', dueTime: '09:00' })
      const text = pageText(response.html)

      assert.equal(response.status, 422)
      assert.equal(text.split('is in the past').length - 1, 1)
      assert.equal(response.html.split('notice-error').length - 1, 1, 'one summary at the top')
      assert.match(text, /Nothing was saved: correct the field marked below\./)
      assert.doesNotMatch(text, /Not created/)
    })

    it('summarizes a channel failure once', async (t) => {
      const { browser, channel } = await setUp(t, dialect)
      const second = await addWebhookChannel(browser, { name: 'Sky', webhookUrl: HOOK, service: 'bluesky' })

      const response = await composePost(browser, { channelIds: [channel.id, second.id], text: 'x'.repeat(400) })
      const text = pageText(response.html)

      assert.equal(response.status, 422)
      assert.match(response.html, /id="compose-text-error">Sky: the text is 400 graphemes long; Bluesky allows 300 /)
      assert.match(text, /Created on Composer test\. Not created on the other channels; correct the fields marked below\./)
      assert.equal(text.split('Bluesky allows 300').length - 1, 1)
      assert.equal(response.html.split('notice-error').length - 1, 1)
    })

    it('requires text or media', async (t) => {
      const { browser, channel } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [channel.id], text: '   ' })

      assert.equal(response.status, 422)
      assert.match(response.html, /<p class="field-error" id="compose-text-error">Text is required when the post has no media\.<\/p>/)
      assert.match(response.html, /id="compose-text"[^>]*aria-invalid="true"/)
      assert.doesNotMatch(pageText(response.html), /assets/)
    })

    it('reports a missing channel and time together', async (t) => {
      const { browser } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [], text: 'nowhere, no time', mode: 'customScheduled' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="compose-channels-error">Choose at least one channel\.</)
      assert.match(response.html, /id="compose-when-error">Choose the date and time to publish at\.</)
      assert.match(pageText(response.html), /Nothing was saved: correct the fields marked below\./)
    })

    it('saves a draft and schedules it later', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)

      const saved = await composePost(browser, { channelIds: [channel.id], text: 'think about it', intent: 'draft' })
      const draft = await postByText(web, 'think about it')
      const drafts = await browser.get('/app/drafts')
      const edited = await browser.submit(`/app/posts/${draft.id}/edit`, `/app/posts/${draft.id}/edit`, { text: 'thought about it', mode: 'addToQueue', intent: 'schedule', mediaType: [], mediaUrl: [], mediaAlt: [] })
      const scheduled = await findPostById(web.app.deps.db.kysely, draft.id)

      assert.equal(saved.location, '/app/drafts')
      assert.equal(draft.status, 'draft')
      assert.match(pageText(drafts.html), /Composer test .* Draft think about it/)
      assert.equal(edited.location, `/app/channels/${channel.id}/queue`)
      assert.equal(scheduled?.status, 'scheduled')
      assert.equal(scheduled?.text, 'thought about it')
    })

    it('words a past time when editing', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)
      await composePost(browser, { channelIds: [channel.id], text: 'move me back', mode: 'customScheduled', dueDate: '2030-05-05', dueTime: '12:00' })
      const post = await postByText(web, 'move me back')

      await browser.get(`/app/posts/${post.id}/edit`)
      const response = await browser.post(`/app/posts/${post.id}/edit`, { text: 'move me back', mode: 'customScheduled', dueDate: '2020-01-01', dueTime: '09:00', intent: 'schedule', mediaType: [], mediaUrl: [], mediaAlt: [] })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="compose-when-error">Wed, 1 Jan 2020, 09:00 \(Europe\/Berlin\) is in the past; pick a later time, or choose Share now\.</)
      assert.equal(response.html.split('notice-error').length - 1, 1)
    })

    it('keeps the time when only the text changes', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)
      await composePost(browser, { channelIds: [channel.id], text: 'typo in here', mode: 'customScheduled', dueDate: '2030-05-05', dueTime: '12:00' })
      const post = await postByText(web, 'typo in here')

      const form = await browser.get(`/app/posts/${post.id}/edit`)
      await browser.post(`/app/posts/${post.id}/edit`, { text: 'no typo in here', mode: 'keep', intent: 'schedule', mediaType: [], mediaUrl: [], mediaAlt: [] })
      const edited = await findPostById(web.app.deps.db.kysely, post.id)

      assert.match(form.html, /id="compose-due-date"[^>]*value="2030-05-05"/)
      assert.match(form.html, /id="mode-keep"[^>]*checked/)
      assert.equal(edited?.text, 'no typo in here')
      assert.equal(edited?.dueAt, post.dueAt)
    })

    it('stores media with alt text', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)

      await composePost(browser, {
        channelIds: [channel.id],
        text: 'with a picture',
        media: [
          { type: 'image', url: 'https://cdn.example.com/bird.jpg', altText: 'A pigeon on a wire' },
          { type: 'link', url: 'https://example.com/article', altText: '' },
          { type: 'image', url: '', altText: '' },
        ],
      })
      const post = await postByText(web, 'with a picture')
      const queue = await browser.get(`/app/channels/${channel.id}/queue`)

      assert.equal(post.assets.length, 2)
      assert.deepEqual({ ...(post.assets[0] as Record<string, unknown>) }, { type: 'image', url: 'https://cdn.example.com/bird.jpg', thumbnailUrl: null, altText: 'A pigeon on a wire', animatedThumbnail: null, userTags: [] })
      assert.equal((post.assets[1] as { type: string }).type, 'link')
      assert.match(pageText(queue.html), /image: https:\/\/cdn\.example\.com\/bird\.jpg — alt text: “A pigeon on a wire”/)
    })

    it('rejects a script address as media', async (t) => {
      const { browser, channel } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [channel.id], text: 'sneaky', media: [{ type: 'image', url: 'javascript:alert(1)', altText: '' }] })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="media-url-0-error">Media address 1 starts with javascript:, which Pigeon does not fetch; enter an address that starts with https:\/\/ or http:\/\/\.</)
    })

    it('words a bad media address', async (t) => {
      const { browser, channel } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [channel.id], text: 'look', media: [{ type: 'image', url: 'not a url', altText: '' }] })
      const text = pageText(response.html)

      assert.equal(response.status, 422)
      assert.match(response.html, /id="media-url-0-error">Media address 1 \(&quot;not a url&quot;\) is not a valid URL; enter a full address that starts with https:\/\/ or http:\/\/\.</)
      assert.match(response.html, /id="media-url-0"[^>]*value="not a url"[^>]*aria-invalid="true"/)
      assert.match(text, /Nothing was saved: correct the field marked below\./)
      assert.doesNotMatch(text, /assets\[0\]|Not created/)
    })

    it('names the media row shown', async (t) => {
      const { browser, channel } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [channel.id], text: 'look', media: [{ type: 'image', url: '', altText: 'alt without an address' }, { type: 'link', url: 'ftp://example.com/file', altText: '' }] })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="media-url-1-error">Media address 2 starts with ftp:, which Pigeon does not fetch; enter an address that starts with https:\/\/ or http:\/\/\.</)
      assert.doesNotMatch(response.html, /id="media-url-0-error"/)
    })

    it('posts to several channels at once', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)
      const second = await addWebhookChannel(browser, { name: 'Second channel', webhookUrl: HOOK, service: 'bluesky' })

      const response = await composePost(browser, { channelIds: [channel.id, second.id], text: 'everywhere at once' })
      const rows = await web.app.deps.db.kysely.selectFrom('posts').select('channel_id').where('text', '=', 'everywhere at once').execute()

      assert.equal(response.status, 303)
      assert.deepEqual(rows.map((row) => row.channel_id).sort(), [channel.id, second.id].sort())
    })

    it('requires a channel', async (t) => {
      const { browser } = await setUp(t, dialect)

      const response = await composePost(browser, { channelIds: [], text: 'nowhere' })

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /Choose at least one channel/)
    })

    it('saves an idea and composes from it', async (t) => {
      const { web, browser, channel } = await setUp(t, dialect)

      const saved = await composePost(browser, { channelIds: [channel.id], text: 'an idea for later', intent: 'idea', media: [{ type: 'image', url: 'https://cdn.example.com/idea.png', altText: 'Sketch' }] })
      const ideas = await browser.get('/app/ideas')
      const ideaId = /\/app\/compose\?idea=([0-9a-f]{24})/.exec(ideas.html)?.[1]
      const composer = await browser.get(`/app/compose?idea=${ideaId}&channel=${channel.id}`)
      await browser.post('/app/compose', { channelIds: channel.id, text: 'an idea for later, now a post', mode: 'addToQueue', intent: 'schedule', ideaId: ideaId!, mediaType: [], mediaUrl: [], mediaAlt: [] })
      const post = await postByText(web, 'an idea for later, now a post')
      const missing = await browser.get('/app/compose?idea=0123456789abcdef01234567')

      assert.equal(saved.location, '/app/ideas')
      assert.match(pageText(ideas.html), /Saved the idea\./)
      assert.match(pageText(ideas.html), /an idea for later image: https:\/\/cdn\.example\.com\/idea\.png — alt text: “Sketch”/)
      assert.ok(ideaId)
      assert.match(composer.html, />an idea for later<\/textarea>/)
      assert.match(composer.html, /id="media-url-0"[^>]*value="https:\/\/cdn\.example\.com\/idea\.png"/)
      assert.match(composer.html, new RegExp(`name="ideaId" value="${ideaId}"`))
      assert.equal(post.ideaId, ideaId)
      assert.equal(missing.status, 404)
    })

    it('counts characters per network', async (t) => {
      const { browser, channel } = await setUp(t, dialect)
      const bluesky = await addWebhookChannel(browser, { name: 'Sky', webhookUrl: HOOK, service: 'bluesky' })
      const page = await browser.get(`/app/compose?channel=${channel.id}`)
      const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.html)![1]!
      const family = '👨‍👩‍👧‍👦'

      const counted = await browser.postJson('/app/compose/count', { text: `hi ${family} https://example.com/${'a'.repeat(60)}`, channelIds: [channel.id, bluesky.id] }, token)
      const unsigned = await browser.postJson('/app/compose/count', { text: 'hi', channelIds: [channel.id] }, 'not-a-token')

      assert.equal(counted.status, 200)
      assert.deepEqual(counted.body.counts.map((count: { channelName: string; length: number; limit: number; unit: string }) => [count.channelName, count.length, count.limit, count.unit]), [
        ['Composer test', 28, 500, 'mastodon'],
        ['Sky', 85, 300, 'graphemes'],
      ])
      assert.equal(unsigned.status, 403)
      assert.match(pageText(page.html), /Composer test \(Mastodon\): 0 \/ 500 characters \(Mastodon counting\)/)
    })
  })
}
