import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findPostById, listQueuedPosts } from '../../src/storage/posts-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'
import { addWebhookChannel, composePost, setUpOwner, startWebTestApp, type WebTestApp } from './helpers/web-app.ts'
import { pageText, type WebClient } from './helpers/web-client.ts'

const HOOK = 'http://127.0.0.1:9/hook'

/** Texts of the queue page's posts, top to bottom. */
async function queueOrder(browser: WebClient, channelId: string, texts: string[]): Promise<string[]> {
  const html = (await browser.get(`/app/channels/${channelId}/queue`)).html
  return texts.filter((text) => html.includes(text)).sort((left, right) => html.indexOf(left) - html.indexOf(right))
}

async function postIdByText(web: WebTestApp, text: string): Promise<string> {
  const row = await web.app.deps.db.kysely.selectFrom('posts').select('id').where('text', '=', text).executeTakeFirstOrThrow()
  return row.id
}

async function waitForStatus(web: WebTestApp, postId: string, status: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while ((await findPostById(web.app.deps.db.kysely, postId))?.status !== status) {
    if (Date.now() > deadline) throw new Error(`post ${postId} did not reach ${status} within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: queue`, () => {
    it('lists due times in both zones', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Tokyo desk', webhookUrl: HOOK, timezone: 'Asia/Tokyo' })
      await composePost(browser, { channelIds: [channel.id], text: 'hello from the queue' })

      const page = await browser.get(`/app/channels/${channel.id}/queue`)
      const post = (await listQueuedPosts(web.app.deps.db.kysely, channel.id))[0]!
      const format = (zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(post.dueAt!)

      assert.match(pageText(page.html), /Due times are shown in the channel's zone \(Asia\/Tokyo\) and in yours \(Europe\/Berlin\)/)
      assert.ok(pageText(page.html).includes(`${format('Asia/Tokyo')} (channel)`))
      assert.ok(pageText(page.html).includes(`${format('Europe/Berlin')} (your time)`))
      assert.match(page.html, new RegExp(`<time datetime="${new Date(post.dueAt!).toISOString()}">`))
    })

    it('moves posts to the top and bottom', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Ordered', webhookUrl: HOOK })
      const texts = ['post A', 'post B', 'post C']
      for (const text of texts) await composePost(browser, { channelIds: [channel.id], text })

      const initial = await queueOrder(browser, channel.id, texts)
      const toTop = await browser.post(`/app/posts/${await postIdByText(web, 'post C')}/move`, { position: 'top', returnTo: `/app/channels/${channel.id}/queue` })
      const afterTop = await queueOrder(browser, channel.id, texts)
      await browser.post(`/app/posts/${await postIdByText(web, 'post A')}/move`, { position: 'bottom' })
      const afterBottom = await queueOrder(browser, channel.id, texts)
      const dueTimes = (await listQueuedPosts(web.app.deps.db.kysely, channel.id)).map((post) => post.text)

      assert.deepEqual(initial, texts)
      assert.equal(toTop.location, `/app/channels/${channel.id}/queue`)
      assert.deepEqual(afterTop, ['post C', 'post A', 'post B'])
      assert.deepEqual(afterBottom, ['post C', 'post B', 'post A'])
      assert.deepEqual(dueTimes, ['post C', 'post B', 'post A'], 'due times follow the new order')
    })

    it('deletes a post and moves the rest up', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Shrinking', webhookUrl: HOOK })
      for (const text of ['first', 'second']) await composePost(browser, { channelIds: [channel.id], text })
      const firstSlot = (await listQueuedPosts(web.app.deps.db.kysely, channel.id))[0]!.dueAt

      await browser.get(`/app/channels/${channel.id}/queue`)
      const deleted = await browser.post(`/app/posts/${await postIdByText(web, 'first')}/delete`, {})
      const page = await browser.get(deleted.location!)
      const remaining = await listQueuedPosts(web.app.deps.db.kysely, channel.id)

      assert.match(pageText(page.html), /The post is deleted\. Queued posts after it moved up one slot each\./)
      assert.deepEqual(remaining.map((post) => post.text), ['second'])
      assert.equal(remaining[0]!.dueAt, firstSlot)
    })

    it('shares a queued post now', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Hurried', webhookUrl: HOOK })
      await composePost(browser, { channelIds: [channel.id], text: 'right now please' })
      const postId = await postIdByText(web, 'right now please')

      await browser.get(`/app/channels/${channel.id}/queue`)
      const shared = await browser.post(`/app/posts/${postId}/share-now`, {})
      const post = await findPostById(web.app.deps.db.kysely, postId)

      assert.equal(shared.status, 303)
      assert.equal(post?.status, 'scheduled')
      assert.equal(post?.sharedNow, true)
      assert.ok(Math.abs(post!.dueAt! - web.clock.now().getTime()) < 5000)
    })

    it('retries a failed post and links the sent one', async (t) => {
      const web = await startWebTestApp(t, dialect, { worker: true })
      const receiver = await startWebhookReceiver(t)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Flaky', webhookUrl: receiver.url })
      receiver.setSecret(channel.secret)
      receiver.respondWith(422)

      await composePost(browser, { channelIds: [channel.id], text: 'refused at first', mode: 'shareNow' })
      const postId = await postIdByText(web, 'refused at first')
      await waitForStatus(web, postId, 'error')
      const failed = await browser.get('/app/failed')
      receiver.respondWith(200)
      const retried = await browser.post(`/app/posts/${postId}/retry`, { returnTo: '/app/failed' })
      await waitForStatus(web, postId, 'sent')
      const sent = await browser.get('/app/sent')

      assert.match(pageText(failed.html), /Flaky .* Failed refused at first .* Error: /)
      assert.match(failed.html, new RegExp(`/app/posts/${postId}/retry`))
      assert.equal(retried.location, '/app/failed')
      assert.equal(receiver.received.length, 2)
      assert.equal(receiver.received[1]!.signatureValid, true)
      assert.match(pageText(sent.html), /refused at first/)
      assert.match(sent.html, /<a href="https:\/\/social\.example\/posts\/2" rel="noreferrer noopener">View the published post<\/a>/)
    })

    it('refuses to retry a post that has not failed', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Fine', webhookUrl: HOOK })
      await composePost(browser, { channelIds: [channel.id], text: 'not failed' })
      const postId = await postIdByText(web, 'not failed')

      const response = await browser.post(`/app/posts/${postId}/retry`, {})
      const page = await browser.get(response.location!)

      assert.match(pageText(page.html), /has not failed \(its status is scheduled\); only failed posts can be retried/)
    })
  })
}
