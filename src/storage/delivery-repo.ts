import { sql } from 'kysely'
import { newObjectId } from '../ids.ts'
import type { Db } from './db.ts'
import { toPost, type PostRecord } from './posts-repo.ts'

/** A post a worker has leased, with the attempt number the claim gave it. */
export interface ClaimedPost {
  post: PostRecord
  attempt: number
  attemptId: string
}

/**
 * Leases up to `limit` due posts to `workerId` in one statement: scheduled, automatic, run time
 * reached, and on a channel whose queue is not paused. Each claimed post moves to `sending`, its
 * attempt count goes up (so a crash still uses an attempt), and an attempt row is recorded.
 * PostgreSQL adds FOR UPDATE SKIP LOCKED so concurrent workers never claim the same row; SQLite
 * serialises writers, so the same UPDATE is atomic there.
 */
export async function claimDuePosts(
  db: Db,
  args: { workerId: string; limit: number; now: number; leaseMs: number },
): Promise<ClaimedPost[]> {
  const { kysely } = db
  const due = kysely
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
            .where('channels.is_queue_paused', '=', 1),
        ),
      ),
    )
    .orderBy('posts.run_at')
    .limit(args.limit)
    .$if(db.dialect === 'postgres', (query) => query.forUpdate('posts').skipLocked())

  const rows = await kysely
    .updateTable('posts')
    .set((eb) => ({
      status: 'sending',
      lease_owner: args.workerId,
      lease_expires_at: args.now + args.leaseMs,
      attempts: eb('attempts', '+', 1),
      updated_at: args.now,
    }))
    .where('id', 'in', due)
    .where('status', '=', 'scheduled')
    .returningAll()
    .execute()
  if (rows.length === 0) return []

  const claimed = rows.map((row) => ({ post: toPost(row), attempt: row.attempts, attemptId: newObjectId() }))
  await kysely
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
}

interface FinishArgs {
  postId: string
  workerId: string
  attemptId: string
  now: number
  summary: string
}

async function finishAttempt(db: Db, args: FinishArgs, outcome: string): Promise<void> {
  await db.kysely
    .updateTable('delivery_attempts')
    .set({ finished_at: args.now, outcome, summary: args.summary.slice(0, 2000) })
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

/** Puts a leased post back in line to run again at `runAt`, keeping the reason on the post. */
export async function scheduleRetry(db: Db, args: FinishArgs & { runAt: number; reason: string }): Promise<boolean> {
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
  await finishAttempt(db, args, 'retry')

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

/**
 * Returns posts whose worker died mid-send (lease expired while `sending`) to `scheduled`, due
 * at once. Only safe because every delivery method Pigeon has repeats idempotently: the webhook
 * id stays the same for a post, so receivers drop the duplicate. Closes their open attempt rows.
 */
export async function releaseExpiredLeases(db: Db, now: number): Promise<string[]> {
  const rows = await db.kysely
    .updateTable('posts')
    .set({ status: 'scheduled', run_at: now, lease_owner: null, lease_expires_at: null, updated_at: now })
    .where('status', '=', 'sending')
    .where('lease_expires_at', '<', now)
    .returning('id')
    .execute()
  const ids = rows.map((row) => row.id)
  if (ids.length === 0) return ids

  await db.kysely
    .updateTable('delivery_attempts')
    .set({ finished_at: now, outcome: 'abandoned', summary: 'The worker stopped before the attempt finished' })
    .where('post_id', 'in', ids)
    .where('finished_at', 'is', null)
    .execute()

  return ids
}

/** Earliest run time of any scheduled post, so an idle worker can sleep until then. */
export async function findNextRunAt(db: Db): Promise<number | null> {
  const row = await db.kysely
    .selectFrom('posts')
    .select(sql<number | null>`min(run_at)`.as('next'))
    .where('status', '=', 'scheduled')
    .where('scheduling_type', 'is not', null)
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
  }))
}
