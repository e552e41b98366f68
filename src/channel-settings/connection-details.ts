import { callerCanAccess, type Caller } from '../auth/actor.ts'
import { buildAuthorizeUrl } from '../channels/mastodon/mastodon-account.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import type { MastodonCredentials } from '../scheduler/network-delivery.ts'
import { countChannelPostsByStatus } from '../storage/channel-removal-repo.ts'
import { findChannelById, type ChannelRecord } from '../storage/channels-repo.ts'
import { createCredentialsCipher, type CredentialsCipher } from '../storage/credentials-cipher.ts'
import { findNetworkConnection, findPendingAuthorization, type NetworkSettings } from '../storage/network-connections-repo.ts'
import type { ChannelError } from './channel-settings.ts'
import type { PendingAuthorization } from './network-connections.ts'

/** A channel's native Mastodon or Bluesky connection, without its credentials. */
export interface NetworkConnectionSummary {
  network: 'mastodon' | 'bluesky'
  /** The connected account: `user@instance` or a Bluesky handle. */
  account: string
  /** The Mastodon instance or the Bluesky PDS. */
  serverUrl: string
  settings: NetworkSettings
  /**
   * True when disconnecting ends Pigeon's access on the network: a Mastodon token from the OAuth
   * flow, or a Bluesky session. False for a pasted Mastodon token, which only its owner can delete.
   */
  canRevoke: boolean
}

/** A Mastodon OAuth flow that was started and waits for the account owner's authorization code. */
export interface MastodonAuthorizationInProgress {
  serverUrl: string
  /** Authorization page where the account owner approves Pigeon and is shown the code. */
  authorizeUrl: string
}

/** Current connection of a channel, for its connection page and for confirming a disconnect. */
export interface ChannelConnectionDetails {
  channel: ChannelRecord
  /** Null for a webhook channel or a channel with no connection. */
  network: NetworkConnectionSummary | null
  /** Null unless a Mastodon authorization was started and not finished. */
  authorization: MastodonAuthorizationInProgress | null
  /** Number of scheduled posts. Those that fall due while the channel is not connected fail. */
  scheduled: number
}

/** Describes how a channel is connected now, without changing anything. Credentials are decrypted only to tell whether Pigeon can revoke them. */
export async function describeChannelConnection(deps: AppDeps, caller: Caller, channelId: string): Promise<Result<ChannelConnectionDetails, ChannelError>> {
  const channel = await findChannelById(deps.db.kysely, channelId)
  if (channel === undefined || !callerCanAccess(caller, channel.organizationId)) return err({ code: 'CHANNEL_NOT_FOUND', message: `Channel ${channelId} was not found.` })

  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  const network = await summarizeNetworkConnection(deps, cipher, channel.id)
  const pending = await findPendingAuthorization(deps.db.kysely, channel.id)
  const registration = pending === null ? null : (JSON.parse(cipher.decrypt(channel.id, pending)) as PendingAuthorization)
  const counts = await countChannelPostsByStatus(deps.db.kysely, channel.id)

  return ok({
    channel,
    network,
    authorization: registration === null ? null : { serverUrl: registration.serverUrl, authorizeUrl: buildAuthorizeUrl(registration.serverUrl, registration.clientId) },
    scheduled: counts.get('scheduled') ?? 0,
  })
}

async function summarizeNetworkConnection(deps: AppDeps, cipher: CredentialsCipher, channelId: string): Promise<NetworkConnectionSummary | null> {
  const connection = await findNetworkConnection(deps.db.kysely, channelId)
  if (connection === undefined) return null

  let canRevoke = true
  if (connection.deliveryMethod === 'mastodon') {
    const credentials = JSON.parse(cipher.decrypt(channelId, connection.credentials)) as MastodonCredentials
    canRevoke = credentials.clientId !== undefined && credentials.clientSecret !== undefined
  }

  return { network: connection.deliveryMethod, account: connection.remoteUsername, serverUrl: connection.serverUrl, settings: connection.settings, canRevoke }
}
