import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DIALECTS } from '../helpers/db.ts'
import { addWebhookChannel, composePost, setUpOwner, startWebTestApp } from './helpers/web-app.ts'
import { pageText } from './helpers/web-client.ts'

const HOOK = 'http://127.0.0.1:9/hook'

for (const dialect of DIALECTS) {
  describe(`${dialect}: calendar`, () => {
    it('places posts on local days in the week view', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const berlin = await addWebhookChannel(browser, { name: 'Berlin desk', webhookUrl: HOOK })
      const tokyo = await addWebhookChannel(browser, { name: 'Tokyo desk', webhookUrl: HOOK, timezone: 'Asia/Tokyo' })
      await composePost(browser, { channelIds: [berlin.id], text: 'late on Tuesday', mode: 'customScheduled', dueDate: '2030-01-15', dueTime: '23:30' })
      await composePost(browser, { channelIds: [tokyo.id], text: 'early on Wednesday', mode: 'customScheduled', dueDate: '2030-01-16', dueTime: '00:15' })

      const week = await browser.get('/app/calendar?view=week&date=2030-01-16')
      const text = pageText(week.html)

      assert.equal(week.status, 200)
      assert.match(text, /Week of 14 Jan 2030/)
      assert.match(text, /Tue 15 Jan 23:30 Berlin desk Scheduled late on Tuesday/)
      assert.match(text, /Wed 16 Jan 00:15 Tokyo desk Scheduled early on Wednesday/)
      assert.match(week.html, /href="\/app\/calendar\?view=week&amp;date=2030-01-09"/)
      assert.match(week.html, /href="\/app\/calendar\?view=week&amp;date=2030-01-23"/)
    })

    it('shows a month grid across channels', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)
      const channel = await addWebhookChannel(browser, { name: 'Monthly', webhookUrl: HOOK })
      for (const time of ['08:00', '09:00', '10:00', '11:00']) {
        await composePost(browser, { channelIds: [channel.id], text: `busy day ${time}`, mode: 'customScheduled', dueDate: '2030-02-14', dueTime: time })
      }

      const month = await browser.get('/app/calendar?view=month&date=2030-02-01')
      const text = pageText(month.html)

      assert.match(text, /February 2030/)
      assert.match(text, /busy day 08:00/)
      assert.doesNotMatch(text, /busy day 11:00/, 'a month cell lists three posts')
      assert.match(month.html, /href="\/app\/calendar\?view=week&amp;date=2030-02-14">1 more<\/a>/)
      assert.equal((month.html.match(/class="calendar-row" role="row"/g) ?? []).length, 5, 'February 2030 starts on a Friday, so the grid runs from 28 January to 3 March')
    })

    it('marks today', async (t) => {
      const web = await startWebTestApp(t, dialect)
      const browser = web.client()
      await setUpOwner(browser)

      const week = await browser.get('/app/calendar')

      assert.equal((week.html.match(/calendar-day today/g) ?? []).length, 1)
    })
  })
}
