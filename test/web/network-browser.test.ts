import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findChannelById } from '../../src/storage/channels-repo.ts'
import { DIALECTS } from '../helpers/db.ts'
import { startFakeMastodon } from '../helpers/fake-mastodon.ts'
import { isChromiumInstalled, openBrowser } from './helpers/browser.ts'
import { startWebTestApp } from './helpers/web-app.ts'

const OWNER = { name: 'Mia Mastodon', email: 'mia@example.com', password: 'toots before breakfast', organizationName: 'Mia Co' }
const skip = isChromiumInstalled() ? false : 'Chromium is not installed at /usr/bin/chromium; run .ci/run or apt-get install chromium'

for (const dialect of DIALECTS) {
  describe(`${dialect}: network channels in Chromium`, { skip }, () => {
    it('connects and disconnects a Mastodon channel', { timeout: 120_000 }, async (t) => {
      const web = await startWebTestApp(t, dialect)
      const mastodon = await startFakeMastodon(t)
      const { context, page, problems, screenshot } = await openBrowser(t, { folder: `${dialect}-networks`, timezoneId: 'Europe/Berlin' })
      const url = web.app.url

      await page.goto(`${url}/setup`)
      await page.getByLabel('Your name').fill(OWNER.name)
      await page.getByLabel('Email address').fill(OWNER.email)
      await page.getByLabel('Password', { exact: true }).fill(OWNER.password)
      await page.getByLabel('Password again').fill(OWNER.password)
      await page.getByLabel('Organization name').fill(OWNER.organizationName)
      await page.getByRole('button', { name: 'Create account' }).click()
      await page.waitForURL('**/app/channels/new')

      // The fields follow the chosen service and method.
      await page.getByLabel('Service').selectOption('bluesky')
      assert.equal(await page.getByLabel('App password', { exact: true }).isVisible(), true)
      assert.equal(await page.getByLabel('Mastodon instance', { exact: true }).isVisible(), false)
      await page.getByLabel('Service').selectOption('linkedin')
      assert.equal(await page.getByLabel('Deliver to a webhook').isChecked(), true, 'a hidden choice gives way to the webhook')
      assert.equal(await page.getByLabel('Webhook address').isVisible(), true)
      await page.getByLabel('Service').selectOption('mastodon')
      await page.getByLabel('Paste a Mastodon access token').check()
      assert.equal(await page.getByLabel('Access token', { exact: true }).isVisible(), true)
      await page.getByLabel('Sign in on your Mastodon instance').check()
      assert.equal(await page.getByLabel('Access token', { exact: true }).isVisible(), false)
      assert.equal(await page.getByLabel('Webhook address').isVisible(), false)

      await page.getByLabel('Name', { exact: true }).fill('Mia on Mastodon')
      await page.getByLabel('Timezone of the posting schedule').fill('Europe/Berlin')
      await page.getByLabel('Mastodon instance', { exact: true }).fill(mastodon.url)
      await page.getByLabel('Visibility of posts').selectOption('private')
      await screenshot('01-add-mastodon')
      await page.getByRole('button', { name: 'Add channel' }).click()
      await page.waitForURL('**/connection')
      await page.getByRole('heading', { name: `Finish signing in on ${mastodon.url}` }).waitFor()
      await screenshot('02-authorize')

      // The instance's authorization page opens in a new tab and shows the code.
      const [instanceTab] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: /the authorization page of/ }).click()])
      await instanceTab.waitForLoadState()
      const code = await instanceTab.locator('.oauth-code').inputValue()
      await instanceTab.close()
      await page.getByLabel('Authorization code').fill(code)
      await page.getByRole('button', { name: 'Finish connecting' }).click()
      await page.getByText('Mia on Mastodon publishes to Mastodon as pigeon_test@').waitFor()
      await screenshot('03-connected')
      const channelId = /\/app\/channels\/([0-9a-f]{24})\//.exec(page.url())![1]!
      assert.equal((await findChannelById(web.app.deps.db.kysely, channelId))?.deliveryMethod, 'mastodon')

      await page.getByRole('link', { name: 'Channels', exact: true }).first().click()
      await page.getByText('Connected', { exact: true }).waitFor()
      await screenshot('04-channels')

      await page.getByRole('link', { name: 'Connection of Mia on Mastodon' }).click()
      await page.getByRole('link', { name: /^Disconnect pigeon_test@/ }).click()
      await page.getByRole('heading', { name: /^Disconnect Mia on Mastodon from/ }).waitFor()
      await screenshot('05-disconnect')
      await page.getByRole('button', { name: 'Disconnect' }).click()
      await page.getByText('Disconnected Mia on Mastodon.').waitFor()
      await screenshot('06-disconnected')
      assert.deepEqual(mastodon.validTokens(), [])

      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto(`${url}/app/channels/new`)
      await screenshot('07-add-phone')

      assert.deepEqual(problems, [], 'no console errors or CSP violations')
    })
  })
}
