import type { FakeBluesky } from '../../helpers/fake-bluesky.ts'
import type { FakeMastodon } from '../../helpers/fake-mastodon.ts'
import type { WebClient, WebResponse } from './web-client.ts'

/** Returns the channel id of a redirect to its connection page. */
export function channelIdOf(response: WebResponse): string {
  const id = /^\/app\/channels\/([0-9a-f]{24})\/connection$/.exec(response.location ?? '')?.[1]
  if (id === undefined) throw new Error(`expected a redirect to a connection page, got ${response.status} ${response.location}: ${response.html.slice(0, 800)}`)

  return id
}

/** Adds a Mastodon channel with a pasted access token through the add page; returns the response. */
export async function addMastodonChannelWithToken(client: WebClient, fake: FakeMastodon, fields: { name: string; accessToken: string; visibility?: string; language?: string }): Promise<WebResponse> {
  return client.submit('/app/channels/new', '/app/channels', {
    service: 'mastodon',
    name: fields.name,
    timezone: 'Europe/Berlin',
    method: 'mastodonToken',
    instance: fake.url,
    accessToken: fields.accessToken,
    visibility: fields.visibility ?? '',
    mastodonLanguage: fields.language ?? '',
  })
}

/** Adds a Bluesky channel with the fake account's app password, or `appPassword` when given. */
export async function addBlueskyChannel(client: WebClient, fake: FakeBluesky, fields: { name: string; appPassword?: string; language?: string }): Promise<WebResponse> {
  return client.submit('/app/channels/new', '/app/channels', {
    service: 'bluesky',
    name: fields.name,
    timezone: 'Europe/Berlin',
    method: 'bluesky',
    identifier: fake.handle,
    appPassword: fields.appPassword ?? fake.appPassword,
    pdsUrl: fake.url,
    blueskyLanguage: fields.language ?? '',
  })
}

/**
 * Opens the authorization link a connection page shows, as the account owner would, and returns
 * the code the fake instance shows after approving Pigeon at once.
 */
export async function approveOnInstance(connectionPage: string): Promise<string> {
  const href = /href="([^"]+\/oauth\/authorize\?[^"]+)"/.exec(connectionPage)?.[1]
  if (href === undefined) throw new Error('the connection page shows no authorization link')
  const page = await (await fetch(href.replace(/&amp;/g, '&'))).text()
  const code = /class="oauth-code" readonly value="([^"]+)"/.exec(page)?.[1]
  if (code === undefined) throw new Error(`the authorization page shows no code: ${page}`)

  return code
}
