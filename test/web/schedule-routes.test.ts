import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findChannelById } from '../../src/storage/channels-repo.ts'
import { listQueuedPosts } from '../../src/storage/posts-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { addWebhookChannel, composePost, setUpOwner, startWebTestApp } from './helpers/web-app.ts'
import { pageText } from './helpers/web-client.ts'

const HOOK = 'http://127.0.0.1:9/hook'

for (const dialect of DIALECTS) {
  describe(`${dialect}: posting schedule`, () => {
    it('lists the times of each weekday', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })

      const page = await browser.get(`/app/channels/${channel.id}/schedule`)

      assert.equal(page.status, 200)
      assert.match(pageText(page.html), /Monday Pause Monday 09:00 Remove 09:00 on Monday 12:00 Remove 12:00 on Monday 17:00/)
      assert.match(pageText(page.html), /Sunday Pause Sunday/)
    })

    it('adds and removes a time', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })

      const added = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/times`, { day: 'mon', time: '10:30' })
      const afterAdd = await findChannelById(app.deps.db.kysely, channel.id)
      await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/times/remove`, { day: 'mon', time: '09:00' })
      const afterRemove = await findChannelById(app.deps.db.kysely, channel.id)
      const page = await browser.get(`/app/channels/${channel.id}/schedule`)

      assert.equal(added.status, 303)
      assert.deepEqual(afterAdd?.postingSchedule[0], { day: 'mon', times: ['09:00', '10:30', '12:00', '17:00'], paused: false })
      assert.deepEqual(afterRemove?.postingSchedule[0], { day: 'mon', times: ['10:30', '12:00', '17:00'], paused: false })
      assert.match(pageText(page.html), /Posting schedule saved\. The queue is empty\./)
    })

    it('rejects a time the day already has', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })
      const before = await findChannelById(app.deps.db.kysely, channel.id)

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/times`, { day: 'mon', time: '09:00' })
      const after = await findChannelById(app.deps.db.kysely, channel.id)
      const page = await browser.get(`/app/channels/${channel.id}/schedule`)

      assert.equal(response.status, 422)
      assert.match(response.html, /id="add-time-mon-error">09:00 is already in the schedule for Monday, so nothing was changed\.</)
      assert.match(response.html, /id="add-time-mon"[^>]*value="09:00"/)
      assert.match(response.html, /id="add-time-tue"[^>]*value=""/)
      assert.doesNotMatch(pageText(response.html), /Posting schedule saved/)
      assert.doesNotMatch(pageText(page.html), /Posting schedule saved/)
      assert.equal(after?.updatedAt, before?.updatedAt)
    })

    it('reports removing a missing time', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })
      const before = await findChannelById(app.deps.db.kysely, channel.id)

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/times/remove`, { day: 'mon', time: '10:45' })
      const after = await findChannelById(app.deps.db.kysely, channel.id)

      assert.equal(response.status, 422)
      assert.match(pageText(response.html), /10:45 is not in the schedule for Monday, so nothing was changed\./)
      assert.doesNotMatch(pageText(response.html), /Posting schedule saved/)
      assert.equal(after?.updatedAt, before?.updatedAt)
    })

    it('names the weekday of a bad time', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/times`, { day: 'sat', time: '25:99' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="add-time-sat-error">&quot;25:99&quot; is not a valid time for Saturday; enter it as HH:MM in 24-hour time, 00:00 to 23:59\.</)
      assert.match(response.html, /id="add-time-sat"[^>]*value="25:99"[^>]*aria-invalid="true"/)
    })

    it('reports a missing time', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/times`, { day: 'sat', time: '' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="add-time-sat-error">The new time for Saturday is missing; enter it as HH:MM in 24-hour time\.</)
      assert.doesNotMatch(pageText(response.html), /Invalid time/)
    })

    it('summarizes an add-time error at the top', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/times`, { day: 'sat', time: '' })
      const summary = /<div class="notice notice-error error-summary" role="alert" id="error-summary">([\s\S]*?)<\/div>/.exec(response.html)

      assert.ok(summary, 'the page has an error summary')
      assert.ok(response.html.indexOf('id="error-summary"') < response.html.indexOf('id="times-heading"'), 'the summary comes before the schedule')
      assert.match(pageText(summary[1]!), /^The posting schedule was not changed: The new time for Saturday is missing; enter it as HH:MM in 24-hour time\.$/)
      assert.match(summary[1]!, /<a href="#add-time-sat">/)
    })

    it('pauses and resumes a day', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })

      await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/days`, { day: 'tue', paused: 'true' })
      const paused = await findChannelById(app.deps.db.kysely, channel.id)
      const page = await browser.get(`/app/channels/${channel.id}/schedule`)
      await browser.post(`/app/channels/${channel.id}/schedule/days`, { day: 'tue', paused: 'false' })
      const resumed = await findChannelById(app.deps.db.kysely, channel.id)

      assert.equal(paused?.postingSchedule[1]?.paused, true)
      assert.match(pageText(page.html), /Tuesday Paused Resume Tuesday/)
      assert.equal(resumed?.postingSchedule[1]?.paused, false)
    })

    it('pauses and resumes the queue', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK })

      const paused = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/queue/pause`, { paused: 'true' })
      const stored = await findChannelById(app.deps.db.kysely, channel.id)
      const page = await browser.get(paused.location!)
      await browser.post(`/app/channels/${channel.id}/queue/pause`, { paused: 'false' })
      const resumed = await findChannelById(app.deps.db.kysely, channel.id)

      assert.equal(paused.location, `/app/channels/${channel.id}/schedule`)
      assert.equal(stored?.isQueuePaused, true)
      assert.match(pageText(page.html), /The queue is paused\. No post of this channel is published until you resume it/)
      assert.equal(resumed?.isQueuePaused, false)
    })

    it('re-slots the queue on a timezone change', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Travelling', webhookUrl: HOOK, timezone: 'Europe/Berlin' })
      await composePost(browser, { channelIds: [channel.id], text: 'first queued' })
      await composePost(browser, { channelIds: [channel.id], text: 'second queued' })
      const before = (await listQueuedPosts(app.deps.db.kysely, channel.id)).map((post) => post.dueAt)

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/timezone`, { timezone: 'America/New_York' })
      const after = await listQueuedPosts(app.deps.db.kysely, channel.id)
      const page = await browser.get(response.location!)
      const localTimes = after.map((post) => new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(post.dueAt!))

      assert.equal(response.status, 303)
      assert.equal(after.length, 2)
      assert.notDeepEqual(after.map((post) => post.dueAt), before)
      assert.ok(localTimes.every((time) => ['09:00', '12:00', '17:00'].includes(time)), `queued posts sit on New York slots: ${localTimes.join(', ')}`)
      assert.match(pageText(page.html), /The queue was re-slotted: 2 of 2 queued posts have a new time/)
      assert.match(pageText(page.html), /Queue after the last change .*first queued.*second queued/)
      assert.match(pageText(page.html), /times in America\/New_York/)
    })

    it('rejects an unknown timezone', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK, timezone: 'Europe/Berlin' })

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/timezone`, { timezone: 'Mars/Olympus' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="schedule-timezone-error">&quot;Mars\/Olympus&quot; is not an IANA timezone; use a name such as Europe\/London or America\/New_York\.</)
      assert.match(response.html, /id="schedule-timezone" name="timezone"[^>]*value="Mars\/Olympus"/)
      assert.match(response.html, /<a href="#schedule-timezone">&quot;Mars\/Olympus&quot; is not an IANA timezone/)
    })

    it('reports a missing timezone', async (t) => {
      const { client } = await startWebTestApp(t, dialect)
      const browser = client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Scheduled', webhookUrl: HOOK, timezone: 'Europe/Berlin' })

      const response = await browser.submit(`/app/channels/${channel.id}/schedule`, `/app/channels/${channel.id}/schedule/timezone`, { timezone: ' ' })

      assert.equal(response.status, 422)
      assert.match(response.html, /id="schedule-timezone-error">Timezone is missing; use a name such as Europe\/London or America\/New_York\.</)
      assert.match(response.html, /id="schedule-timezone" name="timezone"[^>]*value=""/)
      assert.match(pageText(response.html), /The posting schedule was not changed: Timezone is missing/)
    })
  })
}
