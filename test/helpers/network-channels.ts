import { OPERATOR } from '../../src/auth/actor.ts'
import { connectBluesky, finishMastodonAuthorization, startMastodonAuthorization } from '../../src/channel-settings/network-connections.ts'
import type { AppDeps } from '../../src/deps.ts'
import type { FakeBluesky } from './fake-bluesky.ts'
import type { FakeMastodon } from './fake-mastodon.ts'
import { buildChannel } from './factories.ts'

/**
 * Adds a Mastodon channel and connects it through the instance's OAuth flow, as a person does:
 * register the app, open the authorize page (the fake approves at once and shows the code), and
 * hand the code back.
 */
export async function buildMastodonChannel(deps: AppDeps, organizationId: string, fake: FakeMastodon): Promise<string> {
  const { id } = await buildChannel(deps, organizationId, { service: 'mastodon' })
  const started = await startMastodonAuthorization(deps, OPERATOR, { channelId: id, instance: fake.url })
  if (!started.ok) throw new Error(`connect-mastodon failed: ${started.error.message}`)
  const page = await (await fetch(started.value.authorizeUrl)).text()
  const code = /class="oauth-code" readonly value="([^"]+)"/.exec(page)?.[1]
  if (code === undefined) throw new Error(`the authorize page showed no code: ${page}`)

  const finished = await finishMastodonAuthorization(deps, OPERATOR, { channelId: id, code })
  if (!finished.ok) throw new Error(`connect-mastodon --code failed: ${finished.error.message}`)

  return id
}

/** Adds a Bluesky channel and connects it with the fake account's handle and app password. */
export async function buildBlueskyChannel(deps: AppDeps, organizationId: string, fake: FakeBluesky): Promise<string> {
  const { id } = await buildChannel(deps, organizationId, { service: 'bluesky' })
  const connected = await connectBluesky(deps, OPERATOR, { channelId: id, identifier: fake.handle, appPassword: fake.appPassword, service: fake.url })
  if (!connected.ok) throw new Error(`connect-bluesky failed: ${connected.error.message}`)

  return id
}
