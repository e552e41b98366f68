import { publishToBluesky, type BlueskySessionStore } from '../channels/bluesky/bluesky-channel.ts'
import type { BlueskySession } from '../channels/bluesky/bluesky-session.ts'
import { blueskyRecordKey } from '../channels/bluesky/record-key.ts'
import type { AdapterOptions, PublishedItem, PublishRequest } from '../channels/channel.ts'
import { rejectedOutcome, type DeliveryOutcome } from '../channels/delivery-outcome.ts'
import { mastodonIdempotencyKey, publishToMastodon } from '../channels/mastodon/mastodon-channel.ts'
import type { AppDeps } from '../deps.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import { createCredentialsCipher, type CredentialsCipher } from '../storage/credentials-cipher.ts'
import { insertDeliveryItem, listDeliveryItems } from '../storage/delivery-items-repo.ts'
import { findNetworkConnection, findNetworkCredentials, replaceNetworkCredentials, type NetworkConnectionRecord } from '../storage/network-connections-repo.ts'
import type { PostRecord } from '../storage/posts-repo.ts'
import { buildPublishContent } from './publish-items.ts'

/** Credentials of a Mastodon channel, as encrypted in `channels.credentials`. */
export interface MastodonCredentials {
  accessToken: string
  /** The app registration that issued the token; absent for a pasted token. */
  clientId?: string
  clientSecret?: string
}

/** Credentials of a Bluesky channel. The app password is never stored. */
export interface BlueskyCredentials {
  accessJwt: string
  refreshJwt: string
}

/** An attempt's outcome and the key it sent, for the attempt log. */
export interface NetworkDeliveryResult {
  outcome: DeliveryOutcome
  /** The Idempotency-Key or record key of the first item the attempt wrote. */
  remoteKey: string | null
}

/**
 * Publishes a claimed post to its channel's Mastodon or Bluesky account. Items published by
 * earlier attempts are read from storage and skipped; each item is stored as soon as the network
 * confirms it. `isRepeat` marks that an earlier attempt may have reached the network.
 */
export async function deliverToNetwork(deps: AppDeps, post: PostRecord, channel: ChannelRecord, signal: AbortSignal, isRepeat: boolean): Promise<NetworkDeliveryResult> {
  const connection = await findNetworkConnection(deps.db.kysely, channel.id)
  if (connection === undefined) {
    return { outcome: rejectedOutcome(`Channel ${channel.name} has no stored ${channel.deliveryMethod} credentials; reconnect it on its Connection page (/app/channels/${channel.id}/connection) or with pigeon channels reconnect ${channel.id}, then retry the post.`), remoteKey: null }
  }

  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  const content = buildPublishContent(post, channel.service)
  const published: PublishedItem[] = (await listDeliveryItems(deps.db.kysely, post.id)).map((item) => ({ index: item.itemIndex, remoteId: item.remoteId, remoteCid: item.remoteCid, externalLink: item.externalLink }))
  const nextIndex = content.items.find((item) => !published.some((done) => done.index === item.index))?.index ?? null
  const request: PublishRequest = {
    postId: post.id,
    items: content.items,
    published,
    isRepeat,
    spoilerText: content.spoilerText,
    signal,
    now: deps.now,
    onPublished: (item) => insertDeliveryItem(deps.db.kysely, { postId: post.id, itemIndex: item.index, remoteId: item.remoteId, remoteCid: item.remoteCid, externalLink: item.externalLink, publishedAt: deps.now().getTime() }),
  }
  const options: AdapterOptions = { requestTimeoutMs: deps.config.worker.networkTimeoutMs, media: deps.config.media }

  if (connection.deliveryMethod === 'mastodon') {
    const credentials = JSON.parse(cipher.decrypt(channel.id, connection.credentials)) as MastodonCredentials
    const target = { serverUrl: connection.serverUrl, accessToken: credentials.accessToken, ...connection.settings }
    return { outcome: await publishToMastodon(target, request, options), remoteKey: nextIndex === null ? null : mastodonIdempotencyKey(post.id, nextIndex) }
  }

  const bluesky = { session: toSession(connection, cipher, connection.credentials), store: sessionStore(deps, connection, cipher), language: connection.settings.language }
  return { outcome: await publishToBluesky(bluesky, request, options), remoteKey: nextIndex === null ? null : blueskyRecordKey(post.id, nextIndex) }
}

function toSession(connection: NetworkConnectionRecord, cipher: CredentialsCipher, ciphertext: string): BlueskySession {
  const credentials = JSON.parse(cipher.decrypt(connection.channelId, ciphertext)) as BlueskyCredentials
  return { serviceUrl: connection.serverUrl, did: connection.remoteAccountId, handle: connection.remoteUsername, accessJwt: credentials.accessJwt, refreshJwt: credentials.refreshJwt }
}

function sessionStore(deps: AppDeps, connection: NetworkConnectionRecord, cipher: CredentialsCipher): BlueskySessionStore {
  return {
    async save(session) {
      const credentials: BlueskyCredentials = { accessJwt: session.accessJwt, refreshJwt: session.refreshJwt }
      await replaceNetworkCredentials(deps.db.kysely, connection.channelId, cipher.encrypt(connection.channelId, JSON.stringify(credentials)), deps.now().getTime())
      deps.log.info({ channelId: connection.channelId }, 'bluesky session refreshed')
    },
    async reload() {
      const ciphertext = await findNetworkCredentials(deps.db.kysely, connection.channelId)
      return ciphertext === null ? null : toSession(connection, cipher, ciphertext)
    },
  }
}
