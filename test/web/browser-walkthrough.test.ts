import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findPostById } from '../../src/storage/posts-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'
import { isChromiumInstalled, openBrowser } from './helpers/browser.ts'
import { startWebTestApp } from './helpers/web-app.ts'

const OWNER = { name: 'Bea Browser', email: 'bea@example.com', password: 'pigeons fly at dawn', organizationName: 'Bea Co' }
const ACCOUNT_QUERY = JSON.stringify({ query: '{ account { email } }' })
const skip = isChromiumInstalled() ? false : 'Chromium is not installed at /usr/bin/chromium; run .ci/run or apt-get install chromium'

async function callApi(url: string, key: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: ACCOUNT_QUERY })
  return { status: response.status, body: await response.json() }
}

async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: web app in Chromium`, { skip }, () => {
    it('walks from setup to a published post', { timeout: 180_000 }, async (t) => {
      const web = await startWebTestApp(t, dialect, { worker: true })
      const receiver = await startWebhookReceiver(t)
      const { page, problems, screenshot } = await openBrowser(t, { folder: dialect, timezoneId: 'Europe/Berlin' })
      page.on('dialog', (dialog) => void dialog.accept())
      const url = web.app.url

      // First run: / leads to setup, which detects the browser's timezone.
      await page.goto(url)
      assert.equal(new URL(page.url()).pathname, '/setup')
      assert.equal(await page.getByLabel('Your timezone').inputValue(), 'Europe/Berlin')
      await page.getByLabel('Your name').fill(OWNER.name)
      await page.getByLabel('Email address').fill(OWNER.email)
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password)
      await page.getByLabel('Password again').fill(OWNER.password)
      await page.getByLabel('Organization name').fill(OWNER.organizationName)
      await screenshot('01-setup')
      await page.getByRole('button', { name: 'Create account' }).click()
      await page.waitForURL('**/app/channels/new')

      // Sign out, then sign in with the keyboard only.
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL('**/sign-in')
      await page.keyboard.press('Tab')
      assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content')
      await page.getByLabel('Email address').focus()
      await page.keyboard.type(OWNER.email)
      await page.keyboard.press('Tab')
      await page.keyboard.type(OWNER.password)
      await screenshot('02-sign-in')
      await page.keyboard.press('Enter')
      await page.waitForURL('**/app/channels')

      // Settings → API: create a key, copy it, use it.
      await page.getByRole('link', { name: 'Settings' }).click()
      await page.getByLabel('Name').fill('browser script')
      await page.getByRole('button', { name: 'Create key' }).click()
      const firstKey = await page.locator('#new-key-value').inputValue()
      await page.getByRole('button', { name: 'Copy key' }).click()
      await page.getByText('Copied to the clipboard.').waitFor()
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), firstKey)
      await screenshot('03-api-key-created')
      const firstUse = await callApi(url, firstKey)
      assert.equal(firstUse.status, 200)
      assert.equal(firstUse.body.data.account.email, OWNER.email)

      // Rotate without grace: the old key is dead at once, the new one works.
      await page.getByRole('link', { name: 'Settings' }).click()
      assert.equal(await page.locator('#new-key-value').count(), 0, 'the key is shown only once')
      await page.getByLabel('Old key works for').selectOption('0')
      await page.getByRole('button', { name: 'Rotate browser script' }).click()
      const rotatedKey = await page.locator('#new-key-value').inputValue()
      await screenshot('04-api-key-rotated')
      assert.notEqual(rotatedKey, firstKey)
      assert.equal((await callApi(url, firstKey)).status, 401)
      assert.equal((await callApi(url, rotatedKey)).status, 200)

      // Revoke the new key; the page requests confirmation first.
      await page.getByRole('button', { name: 'Revoke browser script' }).click()
      await page.getByText('The key is revoked.').waitFor()
      await screenshot('05-api-keys')
      assert.equal((await callApi(url, rotatedKey)).status, 401)

      // Connect a webhook channel that points at a local receiver.
      await page.getByRole('link', { name: 'Channels' }).click()
      await page.getByRole('link', { name: 'Add a channel' }).click()
      await page.getByLabel('Service').selectOption('mastodon')
      await page.getByLabel('Name').fill('Bea on Mastodon')
      await page.getByLabel('Timezone of the posting schedule').fill('Europe/Berlin')
      await page.getByLabel('Deliver to a webhook').check()
      await page.getByLabel('Webhook address').fill(receiver.url)
      await page.getByRole('button', { name: 'Add channel' }).click()
      const secret = await page.locator('#webhook-secret').inputValue()
      receiver.setSecret(secret)
      await screenshot('06-channel-connected')
      await page.getByRole('link', { name: 'All channels' }).click()
      await page.getByText('Connected', { exact: true }).waitFor()
      await screenshot('07-channels')

      // Edit the posting schedule: add a time, remove one, pause a day.
      await page.getByRole('link', { name: 'Posting schedule of Bea on Mastodon' }).click()
      await page.getByLabel('New time on Monday').fill('08:15')
      await page.locator('form.add-time').filter({ has: page.getByLabel('New time on Monday') }).getByRole('button', { name: 'Add time' }).click()
      await page.getByText('Posting schedule saved.').waitFor()
      await page.getByRole('button', { name: 'Remove 12:00 on Tuesday' }).click()
      await page.getByText('Posting schedule saved.').waitFor()
      await page.getByRole('button', { name: 'Pause Sunday' }).click()
      await page.getByRole('button', { name: 'Resume Sunday' }).waitFor()
      await screenshot('08-schedule')
      const monday = await page.locator('li.schedule-day').filter({ has: page.locator('#day-mon') }).innerText()
      assert.match(monday, /08:15/)

      // Compose two posts into the queue; the counter follows the text.
      for (const text of ['First queued post from the browser', 'Second queued post from the browser']) {
        await page.getByRole('link', { name: 'Compose', exact: true }).first().click()
        await page.getByLabel('Bea on Mastodon').check()
        await page.getByLabel('Text', { exact: true }).fill(text)
        await page.getByText(`${text.length} / 500 characters (Mastodon counting)`).waitFor()
        await page.getByLabel('Address of item 1').fill('https://cdn.example.com/pigeon.jpg')
        await page.getByLabel('Alt text of item 1').fill('A pigeon on a windowsill')
        assert.equal(await page.getByLabel('Date').isVisible(), false, 'date fields show only for a chosen time')
        assert.equal(await page.getByLabel('Address of item 2').isVisible(), false, 'empty media rows wait behind a button')
        await page.getByRole('button', { name: 'Add another media item' }).click()
        assert.equal(await page.evaluate('document.activeElement?.id'), 'media-type-1', 'the new row takes the focus')
        if (text.startsWith('First')) await screenshot('09-compose')
        await page.getByRole('button', { name: 'Schedule post' }).click()
        await page.waitForURL('**/queue')
      }

      // Reorder: the second post goes to the top of the queue.
      const cards = page.locator('ol.post-list > li')
      assert.match(await cards.nth(0).innerText(), /First queued post/)
      await cards.nth(1).getByRole('button', { name: 'Move to top' }).click()
      await page.getByText('Moved the post to the top of the queue.').waitFor()
      assert.match(await cards.nth(0).innerText(), /Second queued post/)
      assert.match(await cards.nth(0).innerText(), /\(channel\)/)
      await screenshot('10-queue')

      // The calendar shows both posts.
      await page.getByRole('link', { name: 'Calendar' }).click()
      await screenshot('11-calendar-week')
      await page.getByRole('link', { name: 'Month' }).click()
      await screenshot('12-calendar-month')

      // Let the top post fall due and watch the worker publish it.
      await page.goto(`${url}/app/channels`)
      await page.getByRole('link', { name: 'Queue of Bea on Mastodon' }).click()
      const dueAt = Date.parse((await cards.nth(0).locator('time').getAttribute('datetime'))!)
      web.clock.advance(dueAt - web.clock.now().getTime() + 1000)
      // The receiver checks signature timestamps against the real clock, which this test moved
      // ahead. So only the content is checked here, and the webhook publishing tests cover signatures.
      const [delivery] = await receiver.waitFor(1)
      assert.equal(receiver.received.length, 1)
      assert.equal(delivery!.body.data.post.text, 'Second queued post from the browser')
      await page.getByRole('link', { name: 'Sent' }).click()
      await waitUntil(async () => {
        await page.reload()
        return (await page.getByRole('link', { name: 'View the published post' }).count()) === 1
      }, 'the sent post to show its link')
      await screenshot('13-sent')

      // A refused delivery shows up under Failed with its error, and Retry sends it again.
      receiver.respondWith(422)
      await page.goto(`${url}/app/channels`)
      await page.getByRole('link', { name: 'Queue of Bea on Mastodon' }).click()
      await cards.nth(0).getByRole('button', { name: 'Share now' }).click()
      await page.getByText('The post is being sent now.').waitFor()
      const remaining = await web.app.deps.db.kysely.selectFrom('posts').select('id').where('text', '=', 'First queued post from the browser').executeTakeFirstOrThrow()
      await waitUntil(async () => (await findPostById(web.app.deps.db.kysely, remaining.id))?.status === 'error', 'the refused post to fail')
      await page.getByRole('link', { name: 'Failed' }).click()
      await page.getByText('Error:').waitFor()
      await screenshot('14-failed')
      receiver.respondWith(200)
      await page.getByRole('button', { name: 'Retry' }).click()
      await waitUntil(async () => (await findPostById(web.app.deps.db.kysely, remaining.id))?.status === 'sent', 'the retried post to be sent')

      // Keep an idea for later and find it under Ideas.
      await page.getByRole('link', { name: 'Compose', exact: true }).first().click()
      await page.getByLabel('Text', { exact: true }).fill('An idea to post next week')
      await page.getByRole('button', { name: 'Save as idea' }).click()
      await page.waitForURL('**/app/ideas')
      await page.getByText('An idea to post next week').waitFor()
      await screenshot('15-ideas')

      await page.getByRole('link', { name: 'Settings' }).click()
      await page.getByRole('link', { name: 'Account' }).click()
      await screenshot('16-account')
      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto(`${url}/app/calendar`)
      await screenshot('17-calendar-phone')
      await page.goto(`${url}/app/compose`)
      await screenshot('18-compose-phone')
      // On a phone, wide tables scroll inside their box; the page itself never scrolls sideways.
      await page.goto(`${url}/app/settings/api`)
      await page.getByLabel('Name').fill('phone check key')
      await page.getByRole('button', { name: 'Create key' }).click()
      await page.locator('#new-key-value').waitFor()
      for (const path of ['/app/settings/api', '/app/channels', '/app/calendar', '/app/sent', '/app/failed']) {
        await page.goto(`${url}${path}`)
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))
        assert.equal(overflow, 0, `${path} scrolls sideways by ${overflow} px at 390 px wide`)
      }
      await page.goto(`${url}/app/settings/api`)
      await screenshot('19-api-keys-phone')

      assert.deepEqual(problems, [], 'no console errors or CSP violations')
    })
  })
}
