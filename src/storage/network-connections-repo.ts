import type { Executor } from './executor.ts'

/** Limits a Mastodon instance reported when its channel was connected. */
export interface NetworkLimits {
  maxCharacters: number
  /** Characters every URL counts as in a status, whatever its length. */
  charactersReservedPerUrl: number
  maxMediaAttachments: number
  imageSizeLimit: number | null
  videoSizeLimit: number | null
  supportedMimeTypes: string[]
}

/** Publishing defaults of a connected channel. */
export interface NetworkSettings {
  /** Mastodon visibility: public, unlisted, private or direct; null for the account's default. */
  visibility: string | null
  /** ISO 639-1 language of the posts, or null to let the network detect it. */
  language: string | null
}

/** A native connection as stored; `credentials` is ciphertext, decrypted by the caller. */
export interface NetworkConnectionRecord {
  channelId: string
  deliveryMethod: 'mastodon' | 'bluesky'
  serverUrl: string
  remoteAccountId: string
  remoteUsername: string
  credentials: string
  limits: NetworkLimits | null
  settings: NetworkSettings
}

export function parseNetworkLimits(json: string | null): NetworkLimits | null {
  return json === null ? null : (JSON.parse(json) as NetworkLimits)
}

function parseSettings(json: string | null): NetworkSettings {
  const parsed = json === null ? {} : (JSON.parse(json) as Partial<NetworkSettings>)
  return { visibility: parsed.visibility ?? null, language: parsed.language ?? null }
}

/** Finds the native connection of a channel; undefined when it has none or uses a webhook. */
export async function findNetworkConnection(db: Executor, channelId: string): Promise<NetworkConnectionRecord | undefined> {
  const row = await db
    .selectFrom('channels')
    .select(['id', 'delivery_method', 'server_url', 'remote_account_id', 'remote_username', 'credentials', 'network_limits', 'network_settings'])
    .where('id', '=', channelId)
    .executeTakeFirst()
  if (row === undefined || (row.delivery_method !== 'mastodon' && row.delivery_method !== 'bluesky')) return undefined
  if (row.credentials === null || row.server_url === null || row.remote_account_id === null) return undefined

  return {
    channelId: row.id,
    deliveryMethod: row.delivery_method,
    serverUrl: row.server_url,
    remoteAccountId: row.remote_account_id,
    remoteUsername: row.remote_username ?? row.remote_account_id,
    credentials: row.credentials,
    limits: parseNetworkLimits(row.network_limits),
    settings: parseSettings(row.network_settings),
  }
}

/**
 * Connects a channel to a network account, replacing any earlier connection or webhook in one
 * statement. The channel is marked connected again, its rate-limit window and any pending
 * authorization are cleared, and `service_id` becomes the network's account id.
 */
export async function saveNetworkConnection(db: Executor, connection: NetworkConnectionRecord & { avatar: string | null }, now: number): Promise<void> {
  await db
    .updateTable('channels')
    .set({
      delivery_method: connection.deliveryMethod,
      server_url: connection.serverUrl,
      remote_account_id: connection.remoteAccountId,
      remote_username: connection.remoteUsername,
      service_id: connection.remoteAccountId,
      credentials: connection.credentials,
      network_limits: connection.limits === null ? null : JSON.stringify(connection.limits),
      network_settings: JSON.stringify(connection.settings),
      ...(connection.avatar !== null && { avatar: connection.avatar }),
      pending_authorization: null,
      rate_limited_until: null,
      is_disconnected: 0,
      updated_at: now,
    })
    .where('id', '=', connection.channelId)
    .execute()
}

/** Replaces the stored credentials (for example refreshed session tokens) of a connected channel. */
export async function replaceNetworkCredentials(db: Executor, channelId: string, credentials: string, now: number): Promise<void> {
  await db.updateTable('channels').set({ credentials, updated_at: now }).where('id', '=', channelId).execute()
}

/** Reads the stored credentials ciphertext of a channel, or null. */
export async function findNetworkCredentials(db: Executor, channelId: string): Promise<string | null> {
  const row = await db.selectFrom('channels').select('credentials').where('id', '=', channelId).executeTakeFirst()
  return row?.credentials ?? null
}

/** Stores (or clears, with null) the ciphertext of an app registration that waits for its code. */
export async function savePendingAuthorization(db: Executor, channelId: string, ciphertext: string | null, now: number): Promise<void> {
  await db.updateTable('channels').set({ pending_authorization: ciphertext, updated_at: now }).where('id', '=', channelId).execute()
}

export async function findPendingAuthorization(db: Executor, channelId: string): Promise<string | null> {
  const row = await db.selectFrom('channels').select('pending_authorization').where('id', '=', channelId).executeTakeFirst()
  return row?.pending_authorization ?? null
}

/** Removes a channel's native connection: credentials, server, account and limits. */
export async function clearNetworkConnection(db: Executor, channelId: string, now: number): Promise<void> {
  await db
    .updateTable('channels')
    .set({
      delivery_method: null,
      credentials: null,
      pending_authorization: null,
      server_url: null,
      remote_account_id: null,
      remote_username: null,
      network_limits: null,
      network_settings: null,
      rate_limited_until: null,
      updated_at: now,
    })
    .where('id', '=', channelId)
    .execute()
}

/**
 * Holds back a channel's posts until `until` after a network rate-limited it. A window only ever
 * grows: a shorter limit reported later does not shorten it.
 */
export async function extendRateLimit(db: Executor, channelId: string, until: number): Promise<void> {
  await db
    .updateTable('channels')
    .set({ rate_limited_until: until })
    .where('id', '=', channelId)
    .where((eb) => eb.or([eb('rate_limited_until', 'is', null), eb('rate_limited_until', '<', until)]))
    .execute()
}
