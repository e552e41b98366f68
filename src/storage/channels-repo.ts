import type { Selectable } from 'kysely'
import { fromFlag, toFlag, type Executor } from './executor.ts'
import { parseNetworkLimits, type NetworkLimits } from './network-connections-repo.ts'
import type { ChannelsTable } from './schema.ts'

/** Delivery method of a channel's due posts: a signed webhook, or a native network adapter. */
export type DeliveryMethod = 'webhook' | 'mastodon' | 'bluesky'

const DELIVERY_METHODS: readonly string[] = ['webhook', 'mastodon', 'bluesky'] satisfies DeliveryMethod[]

/** One weekday of a posting schedule as stored: local `HH:MM` times in the channel's zone. */
export interface StoredScheduleDay {
  day: 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
  times: string[]
  paused: boolean
}

export interface ChannelRecord {
  id: string
  organizationId: string
  service: string
  serviceId: string
  type: string
  name: string
  displayName: string | null
  avatar: string | null
  timezone: string
  postingSchedule: StoredScheduleDay[]
  isQueuePaused: boolean
  isDisconnected: boolean
  isLocked: boolean
  deliveryMethod: DeliveryMethod | null
  webhookUrl: string | null
  /** Signing secret of the webhook; never log it. */
  webhookSecret: string | null
  /** Mastodon instance or Bluesky PDS of a natively connected channel. */
  serverUrl: string | null
  /** The connected account as people see it: `user@instance` or a Bluesky handle. */
  remoteUsername: string | null
  /** Limits the network reported when the channel was connected (Mastodon instances only). */
  networkLimits: NetworkLimits | null
  /** Until when the network rate-limited the channel, in epoch ms; null when it did not. */
  rateLimitedUntil: number | null
  createdAt: number
  updatedAt: number
}

function toChannel(row: Selectable<ChannelsTable>): ChannelRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    service: row.service,
    serviceId: row.service_id,
    type: row.type,
    name: row.name,
    displayName: row.display_name,
    avatar: row.avatar,
    timezone: row.timezone,
    postingSchedule: JSON.parse(row.posting_schedule) as StoredScheduleDay[],
    isQueuePaused: fromFlag(row.is_queue_paused),
    isDisconnected: fromFlag(row.is_disconnected),
    isLocked: fromFlag(row.is_locked),
    deliveryMethod: row.delivery_method !== null && DELIVERY_METHODS.includes(row.delivery_method) ? (row.delivery_method as DeliveryMethod) : null,
    webhookUrl: row.webhook_url,
    webhookSecret: row.webhook_secret,
    serverUrl: row.server_url,
    remoteUsername: row.remote_username,
    networkLimits: parseNetworkLimits(row.network_limits),
    rateLimitedUntil: row.rate_limited_until,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export async function insertChannel(db: Executor, channel: ChannelRecord): Promise<void> {
  await db
    .insertInto('channels')
    .values({
      id: channel.id,
      organization_id: channel.organizationId,
      service: channel.service,
      service_id: channel.serviceId,
      type: channel.type,
      name: channel.name,
      display_name: channel.displayName,
      avatar: channel.avatar,
      timezone: channel.timezone,
      posting_schedule: JSON.stringify(channel.postingSchedule),
      is_queue_paused: toFlag(channel.isQueuePaused),
      is_disconnected: toFlag(channel.isDisconnected),
      is_locked: toFlag(channel.isLocked),
      delivery_method: channel.deliveryMethod,
      webhook_url: channel.webhookUrl,
      webhook_secret: channel.webhookSecret,
      created_at: channel.createdAt,
      updated_at: channel.updatedAt,
    })
    .execute()
}

export async function findChannelById(db: Executor, id: string): Promise<ChannelRecord | undefined> {
  const row = await db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toChannel(row)
}

export async function findChannelsByIds(db: Executor, ids: readonly string[]): Promise<ChannelRecord[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('channels').selectAll().where('id', 'in', [...ids]).execute()
  return rows.map(toChannel)
}

/** Channels of one organization, oldest first; `isLocked` filters when given. */
export async function listChannelsForOrganization(
  db: Executor,
  organizationId: string,
  filter: { isLocked?: boolean } = {},
): Promise<ChannelRecord[]> {
  let query = db.selectFrom('channels').selectAll().where('organization_id', '=', organizationId)
  if (filter.isLocked !== undefined) query = query.where('is_locked', '=', toFlag(filter.isLocked))
  const rows = await query.orderBy('id').execute()

  return rows.map(toChannel)
}

export async function countChannels(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('channels')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow()

  return Number(row.count)
}

export interface ChannelChanges {
  name?: string
  displayName?: string | null
  avatar?: string | null
  timezone?: string
  postingSchedule?: StoredScheduleDay[]
  isQueuePaused?: boolean
  isDisconnected?: boolean
  isLocked?: boolean
  deliveryMethod?: DeliveryMethod | null
  webhookUrl?: string | null
  webhookSecret?: string | null
}

export async function updateChannel(db: Executor, id: string, changes: ChannelChanges, now: number): Promise<void> {
  await db
    .updateTable('channels')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.displayName !== undefined && { display_name: changes.displayName }),
      ...(changes.avatar !== undefined && { avatar: changes.avatar }),
      ...(changes.timezone !== undefined && { timezone: changes.timezone }),
      ...(changes.postingSchedule !== undefined && { posting_schedule: JSON.stringify(changes.postingSchedule) }),
      ...(changes.isQueuePaused !== undefined && { is_queue_paused: toFlag(changes.isQueuePaused) }),
      ...(changes.isDisconnected !== undefined && { is_disconnected: toFlag(changes.isDisconnected) }),
      ...(changes.isLocked !== undefined && { is_locked: toFlag(changes.isLocked) }),
      ...(changes.deliveryMethod !== undefined && { delivery_method: changes.deliveryMethod }),
      ...(changes.webhookUrl !== undefined && { webhook_url: changes.webhookUrl }),
      ...(changes.webhookSecret !== undefined && { webhook_secret: changes.webhookSecret }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute()
}

/**
 * Serialises queue changes on one channel for the rest of the transaction. PostgreSQL locks the
 * channel row; SQLite needs nothing, since it runs one write transaction at a time.
 */
export async function lockChannelQueue(db: Executor, dialect: 'sqlite' | 'postgres', channelId: string): Promise<void> {
  if (dialect !== 'postgres') return
  await db.selectFrom('channels').select('id').where('id', '=', channelId).forUpdate().execute()
}
