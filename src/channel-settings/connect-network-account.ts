import type { Caller } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import { addChannel, serviceName, type AddChannelInput, type ChannelError } from './channel-settings.ts'
import { connectBluesky, connectMastodonWithToken, startMastodonAuthorization, type SettingsInput } from './network-connections.ts'
import { removeChannel } from './remove-channel.ts'

/** Method and inputs of a connection to a network account: the Mastodon OAuth flow, a pasted Mastodon token, or a Bluesky app password. */
export type NetworkAccountInput =
  | ({ method: 'mastodonAuthorization'; instance: string } & SettingsInput)
  | ({ method: 'mastodonToken'; instance: string; accessToken: string } & SettingsInput)
  | { method: 'bluesky'; identifier: string; appPassword: string; pdsUrl?: string | null; language?: string | null }

export interface ConnectedNetworkAccount {
  channel: ChannelRecord
  /**
   * Authorization page where the account owner approves Pigeon, for the `mastodonAuthorization`
   * method. That connection is made only when finishMastodonAuthorization gets the code. Null for
   * the other methods, which connect at once.
   */
  authorizeUrl: string | null
}

const SERVICE_OF_METHOD = { mastodonAuthorization: 'mastodon', mastodonToken: 'mastodon', bluesky: 'bluesky' } as const

/**
 * Connects (or reconnects) a channel to its network account with one of the three methods. A
 * working connection stays in use when this fails. A Bluesky PDS address that is rejected is
 * reported as field `pdsUrl`, apart from the channel's `service`.
 */
export async function connectNetworkAccount(deps: AppDeps, caller: Caller, channelId: string, input: NetworkAccountInput): Promise<Result<ConnectedNetworkAccount, ChannelError>> {
  switch (input.method) {
    case 'mastodonAuthorization': {
      const started = await startMastodonAuthorization(deps, caller, { channelId, instance: input.instance, visibility: input.visibility, language: input.language })
      return started.ok ? ok({ channel: started.value.channel, authorizeUrl: started.value.authorizeUrl }) : started
    }
    case 'mastodonToken': {
      const connected = await connectMastodonWithToken(deps, caller, { channelId, instance: input.instance, accessToken: input.accessToken, visibility: input.visibility, language: input.language })
      return connected.ok ? ok({ channel: connected.value.channel, authorizeUrl: null }) : connected
    }
    case 'bluesky': {
      const connected = await connectBluesky(deps, caller, { channelId, identifier: input.identifier, appPassword: input.appPassword, service: input.pdsUrl, language: input.language })
      if (connected.ok) return ok({ channel: connected.value, authorizeUrl: null })
      return connected.error.code === 'INVALID_INPUT' && connected.error.field === 'service' ? err({ ...connected.error, field: 'pdsUrl' }) : connected
    }
  }
}

/**
 * Adds a channel and connects it to its Mastodon or Bluesky account in one step. When the first
 * connection step fails (a rejected token or password, an unreachable instance), the new channel
 * is removed again, so no unconnected channel is left behind, and the error names the field at
 * fault. With `mastodonAuthorization` the channel stays, unconnected, until its code is given.
 */
export async function addNetworkChannel(deps: AppDeps, caller: Caller, input: AddChannelInput & { account: NetworkAccountInput }): Promise<Result<ConnectedNetworkAccount, ChannelError>> {
  const expected = SERVICE_OF_METHOD[input.account.method]
  if (input.service !== expected) {
    const name = serviceName(expected)
    return err({ code: 'INVALID_INPUT', field: 'service', message: `A ${name} account can only be connected to a ${name} channel; choose ${name} as the service, or deliver through a webhook.` })
  }
  const added = await addChannel(deps, caller, input)
  if (!added.ok) return added

  const connected = await connectNetworkAccount(deps, caller, added.value.id, input.account)
  if (!connected.ok) {
    await removeChannel(deps, caller, added.value.id)
    deps.log.info({ channelId: added.value.id, code: connected.error.code }, 'new channel removed: connecting failed')
  }

  return connected
}
