import { sql } from 'kysely'
import { newObjectId } from '../ids.ts'
import type { Db } from './db.ts'
import { toPost, type PostRecord } from './posts-repo.ts'

/** A post a worker has leased, with the attempt number the claim gave it. */
export interface ClaimedPost {
  post: PostRecord
  attempt: number
  attemptId: string
  /** When the claim started the attempt, in epoch ms. */
  startedAt: number
}

/** Attempt outcomes after which the network may hold the post although Pigeon never learned so. */
export const UNKNOWN_OUTCOMES = ['unknown', 'abandoned'] as const

/**
 * Leases up to `limit` due posts to `workerId`: scheduled, automatic, run time reached, on a
 * channel whose queue is not paused and that no network has rate-limited past `now`. Each claimed
 * post moves to `sending`, its attempt count goes up (so a crash still uses an attempt), and an
 * attempt row is recorded in the same transaction. PostgreSQL adds FOR UPDATE SKIP LOCKED so
 * concurrent workers never claim the same row; SQLite serialises writers, so the same UPDATE is
 * atomic there.
 */
export async function claimDuePosts(
  db: Db,
  args: { workerId: string; limit: number; now: number; leaseMs: number },
): Promise<ClaimedPost[]> {
  return db.kysely.transaction().execute(async (trx) => {
    const due = trx
      .selectFrom('posts')
      .select('posts.id')
      .where('posts.status', '=', 'scheduled')
      .where('posts.scheduling_type', 'is not', null)
      .where('posts.run_at', '<=', args.now)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('channels')
              .select('channels.id')
              .whereRef('channels.id', '=', 'posts.channel_id')
              .where((channel) => channel.or([channel('channels.is_queue_paused', '=', 1), channel('channels.rate_limited_until', '>', args.now)])),
          ),
        ),
      )
      .orderBy('posts.run_at')
      .limit(args.limit)
      .$if(db.dialect === 'postgres', (query) => query.forUpdate('posts').skipLocked())

    // NOTE: `due` runs once, as a materialized CTE. As a plain IN (subquery), PostgreSQL may rescan
    // it for every outer row, and each rescan skips the rows this statement already updated. One
    // claim then took every due post, whatever `limit` was.
    const rows = await trx
      .with((cte) => cte('due').materialized(), () => due)
      .updateTable('posts')
      .set((eb) => ({
        status: 'sending',
        lease_owner: args.workerId,
        lease_expires_at: args.now + args.leaseMs,
        attempts: eb('attempts', '+', 1),
        updated_at: args.now,
      }))
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
      .where('status', '=', 'scheduled')
      .returningAll()
      .execute()
    if (rows.length === 0) return []

    const claimed = rows.map((row) => ({ post: toPost(row), attempt: row.attempts, attemptId: newObjectId(), startedAt: args.now }))
    await trx
      .insertInto('delivery_attempts')
      .values(
        claimed.map((entry) => ({
          id: entry.attemptId,
          post_id: entry.post.id,
          attempt: entry.attempt,
          worker_id: args.workerId,
          started_at: args.now,
          finished_at: null,
          outcome: null,
          summary: null,
        })),
      )
      .execute()

    return claimed
  })
}

interface FinishArgs {
  postId: string
  workerId: string
  attemptId: string
  now: number
  summary: string
  /** The idempotency key, record key or webhook id the attempt sent, when it sent one. */
  remoteKey?: string | null
}

async function finishAttempt(db: Db, args: FinishArgs, outcome: string): Promise<void> {
  await db.kysely
    .updateTable('delivery_attempts')
    .set({ finished_at: args.now, outcome, summary: args.summary.slice(0, 2000), remote_key: args.remoteKey ?? null })
    .where('id', '=', args.attemptId)
    .execute()
}

/** Marks a leased post sent. Returns false when the lease is no longer this worker's. */
export async function completeDelivery(
  db: Db,
  args: FinishArgs & { remoteId: string | null; externalLink: string | null },
): Promise<boolean> {
  const result = await db.kysely
    .updateTable('posts')
    .set({
      status: 'sent',
      sent_at: args.now,
      remote_id: args.remoteId,
      external_link: args.externalLink,
      error_message: null,
      error_raw: null,
      lease_owner: null,
      lease_expires_at: null,
      updated_at: args.now,
    })
    .where('id', '=', args.postId)
    .where('lease_owner', '=', args.workerId)
    .executeTakeFirst()
  await finishAttempt(db, args, 'delivered')

  return Number(result.numUpdatedRows) > 0
}

/**
 * Puts a leased post back in line to run again at `runAt`, keeping the reason on the post. The
 * attempt is recorded as `unknown` when the network may have published it, else as `retry`.
 */
export async function scheduleRetry(db: Db, args: FinishArgs & { runAt: number; reason: string; outcomeUnknown?: boolean }): Promise<boolean> {
  const result = await db.kysely
    .updateTable('posts')
    .set({
      status: 'scheduled',
      run_at: args.runAt,
      error_raw: args.reason.slice(0, 2000),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: args.now,
    })
    .where('id', '=', args.postId)
    .where('lease_owner', '=', args.workerId)
    .executeTakeFirst()
  await finishAttempt(db, args, args.outcomeUnknown === true ? 'unknown' : 'retry')

  return Number(result.numUpdatedRows) > 0
}

/** Marks a leased post failed for good with a message people can act on. */
export async function failDelivery(
  db: Db,
  args: FinishArgs & { message: string; raw: string | null; outcome: string },
): Promise<boolean> {
  const result = await db.kysely
    .updateTable('posts')
    .set({
      status: 'error',
      error_message: args.message.slice(0, 2000),
      error_raw: args.raw === null ? null : args.raw.slice(0, 2000),
      lease_owner: null,
      lease_expires_at: null,
      updated_at: args.now,
    })
    .where('id', '=', args.postId)
    .where('lease_owner', '=', args.workerId)
    .executeTakeFirst()
  await finishAttempt(db, args, args.outcome)

  return Number(result.numUpdatedRows) > 0
}

/** A post left in `sending` by a worker whose lease ran out, usually because the worker died. */
export interface ExpiredLease {
  postId: string
  channelId: string
  leaseOwner: string
  attempts: number
  /** Delivery method of the channel; null when it has none any more. */
  deliveryMethod: string | null
  /**
   * Start of the earliest attempt whose outcome Pigeon never learned (this one included), in
   * epoch ms: from then on the network may hold the post.
   */
  firstUnknownAt: number
}

/** Lists up to `limit` posts whose lease expired while they were `sending`. */
export async function findExpiredLeases(db: Db, now: number, limit = 100): Promise<ExpiredLease[]> {
  const rows = await db.kysely
    .selectFrom('posts')
    .leftJoin('channels', 'channels.id', 'posts.channel_id')
    .select(['posts.id', 'posts.channel_id', 'posts.lease_owner', 'posts.attempts', 'posts.updated_at', 'channels.delivery_method'])
    .where('posts.status', '=', 'sending')
    .where('posts.lease_expires_at', '<', now)
    .orderBy('posts.lease_expires_at')
    .limit(limit)
    .execute()
  if (rows.length === 0) return []

  const earliest = await db.kysely
    .selectFrom('delivery_attempts')
    .select(['post_id', sql<number>`min(started_at)`.as('first')])
    .where('post_id', 'in', rows.map((row) => row.id))
    .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', 'in', [...UNKNOWN_OUTCOMES])]))
    .groupBy('post_id')
    .execute()
  const firstByPost = new Map(earliest.map((row) => [row.post_id, Number(row.first)]))

  return rows.map((row) => ({
    postId: row.id,
    channelId: row.channel_id,
    leaseOwner: row.lease_owner ?? '',
    attempts: row.attempts,
    deliveryMethod: row.delivery_method,
    // Without an attempt row the claim time (updated_at) is the earliest moment it could have been sent.
    firstUnknownAt: firstByPost.get(row.id) ?? row.updated_at,
  }))
}

/**
 * Settles one expired lease: back to `scheduled` (due at once) or to `error` with `message`. The
 * update only matches while the post is still `sending` under the same expired lease, so of
 * several sweeping workers exactly one settles it. Open attempt rows are closed as `abandoned`.
 * Returns false when another worker settled the post first.
 */
export async function settleExpiredLease(
  db: Db,
  args: { lease: ExpiredLease; now: number } & ({ action: 'requeue' } | { action: 'fail'; message: string }),
): Promise<boolean> {
  const { lease, now } = args
  return db.kysely.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('posts')
      .set(
        args.action === 'requeue'
          ? { status: 'scheduled', run_at: now, lease_owner: null, lease_expires_at: null, updated_at: now }
          : { status: 'error', error_message: args.message.slice(0, 2000), lease_owner: null, lease_expires_at: null, updated_at: now },
      )
      .where('id', '=', lease.postId)
      .where('status', '=', 'sending')
      .where('lease_owner', '=', lease.leaseOwner)
      .where('lease_expires_at', '<', now)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) return false

    await trx
      .updateTable('delivery_attempts')
      .set({ finished_at: now, outcome: 'abandoned', summary: 'The worker stopped before the attempt finished' })
      .where('post_id', '=', lease.postId)
      .where('finished_at', 'is', null)
      .execute()
    return true
  })
}

/** Extends the leases a worker still holds, so a long delivery is not taken for a dead one. */
export async function renewLeases(db: Db, args: { workerId: string; postIds: readonly string[]; until: number }): Promise<number> {
  if (args.postIds.length === 0) return 0

  const result = await db.kysely
    .updateTable('posts')
    .set({ lease_expires_at: args.until })
    .where('id', 'in', [...args.postIds])
    .where('status', '=', 'sending')
    .where('lease_owner', '=', args.workerId)
    .executeTakeFirst()

  return Number(result.numUpdatedRows)
}

/** Start of the post's earliest attempt with an unknown outcome, in epoch ms, or null. */
export async function findFirstUnknownAttemptAt(db: Db, postId: string): Promise<number | null> {
  const row = await db.kysely
    .selectFrom('delivery_attempts')
    .select(sql<number | null>`min(started_at)`.as('first'))
    .where('post_id', '=', postId)
    .where('outcome', 'in', [...UNKNOWN_OUTCOMES])
    .executeTakeFirst()

  return row?.first === null || row?.first === undefined ? null : Number(row.first)
}

/**
 * Fails every post of a channel that is due (scheduled, automatic, run time reached) with
 * `message`, for a channel that can no longer publish. Posts being sent are left to their worker.
 * Returns the failed posts' ids.
 */
export async function failDuePostsOfChannel(db: Db, args: { channelId: string; now: number; message: string }): Promise<string[]> {
  const rows = await db.kysely
    .updateTable('posts')
    .set({ status: 'error', error_message: args.message.slice(0, 2000), updated_at: args.now })
    .where('channel_id', '=', args.channelId)
    .where('status', '=', 'scheduled')
    .where('scheduling_type', 'is not', null)
    .where('run_at', '<=', args.now)
    .returning('id')
    .execute()

  return rows.map((row) => row.id)
}

/**
 * Earliest time a scheduled post may be claimed, so an idle worker can sleep until then. Posts on
 * paused channels are left out, and a rate-limited channel's posts count from the end of its limit.
 */
export async function findNextRunAt(db: Db): Promise<number | null> {
  const row = await db.kysely
    .selectFrom('posts')
    .innerJoin('channels', 'channels.id', 'posts.channel_id')
    .select(sql<number | null>`min(case when channels.rate_limited_until > posts.run_at then channels.rate_limited_until else posts.run_at end)`.as('next'))
    .where('posts.status', '=', 'scheduled')
    .where('posts.scheduling_type', 'is not', null)
    .where('channels.is_queue_paused', '=', 0)
    .executeTakeFirst()

  return row?.next === null || row?.next === undefined ? null : Number(row.next)
}

export interface DeliveryAttemptRecord {
  attempt: number
  workerId: string
  startedAt: number
  finishedAt: number | null
  outcome: string | null
  summary: string | null
  remoteKey: string | null
}

export async function listDeliveryAttempts(db: Db, postId: string): Promise<DeliveryAttemptRecord[]> {
  const rows = await db.kysely
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('post_id', '=', postId)
    .orderBy('attempt')
    .execute()

  return rows.map((row) => ({
    attempt: row.attempt,
    workerId: row.worker_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome,
    summary: row.summary,
    remoteKey: row.remote_key,
  }))
}
