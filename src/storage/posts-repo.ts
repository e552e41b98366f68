import { sql, type Selectable } from 'kysely'
import { fromFlag, toFlag, type Executor } from './executor.ts'
import type { PostsTable } from './schema.ts'

export type PostStatus = 'draft' | 'needs_approval' | 'scheduled' | 'sending' | 'sent' | 'error'

export interface PostRecord {
  id: string
  organizationId: string
  channelId: string
  authorAccountId: string | null
  status: PostStatus
  via: string
  shareMode: string
  schedulingType: string | null
  dueAt: number | null
  isCustomScheduled: boolean
  sharedNow: boolean
  needsApproval: boolean
  text: string
  assets: unknown[]
  metadata: Record<string, unknown> | null
  ideaId: string | null
  draftId: string | null
  source: string | null
  aiAssisted: boolean
  sentAt: number | null
  externalLink: string | null
  remoteId: string | null
  errorMessage: string | null
  errorRaw: string | null
  runAt: number | null
  attempts: number
  createdAt: number
  updatedAt: number
}

export function toPost(row: Selectable<PostsTable>): PostRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    channelId: row.channel_id,
    authorAccountId: row.author_account_id,
    status: row.status as PostStatus,
    via: row.via,
    shareMode: row.share_mode,
    schedulingType: row.scheduling_type,
    dueAt: row.due_at,
    isCustomScheduled: fromFlag(row.is_custom_scheduled),
    sharedNow: fromFlag(row.shared_now),
    needsApproval: fromFlag(row.needs_approval),
    text: row.text,
    assets: JSON.parse(row.assets) as unknown[],
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
    ideaId: row.idea_id,
    draftId: row.draft_id,
    source: row.source,
    aiAssisted: fromFlag(row.ai_assisted),
    sentAt: row.sent_at,
    externalLink: row.external_link,
    remoteId: row.remote_id,
    errorMessage: row.error_message,
    errorRaw: row.error_raw,
    runAt: row.run_at,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function toRow(post: PostRecord): Selectable<PostsTable> {
  return {
    id: post.id,
    organization_id: post.organizationId,
    channel_id: post.channelId,
    author_account_id: post.authorAccountId,
    status: post.status,
    via: post.via,
    share_mode: post.shareMode,
    scheduling_type: post.schedulingType,
    due_at: post.dueAt,
    is_custom_scheduled: toFlag(post.isCustomScheduled),
    shared_now: toFlag(post.sharedNow),
    needs_approval: toFlag(post.needsApproval),
    text: post.text,
    assets: JSON.stringify(post.assets),
    metadata: post.metadata === null ? null : JSON.stringify(post.metadata),
    idea_id: post.ideaId,
    draft_id: post.draftId,
    source: post.source,
    ai_assisted: toFlag(post.aiAssisted),
    sent_at: post.sentAt,
    external_link: post.externalLink,
    remote_id: post.remoteId,
    error_message: post.errorMessage,
    error_raw: post.errorRaw,
    run_at: post.runAt,
    attempts: post.attempts,
    lease_owner: null,
    lease_expires_at: null,
    created_at: post.createdAt,
    updated_at: post.updatedAt,
  }
}

export async function insertPost(db: Executor, post: PostRecord, tagIds: readonly string[]): Promise<void> {
  await db.insertInto('posts').values(toRow(post)).execute()
  await replacePostTags(db, post.id, tagIds)
}

/** Writes every editable column of the post; delivery columns (lease, attempts) stay as they are. */
export async function updatePost(db: Executor, post: PostRecord): Promise<void> {
  const { lease_owner: _owner, lease_expires_at: _expires, attempts: _attempts, id: _id, ...columns } = toRow(post)
  await db.updateTable('posts').set(columns).where('id', '=', post.id).execute()
}

export async function replacePostTags(db: Executor, postId: string, tagIds: readonly string[]): Promise<void> {
  await db.deleteFrom('post_tags').where('post_id', '=', postId).execute()
  if (tagIds.length === 0) return
  await db
    .insertInto('post_tags')
    .values([...new Set(tagIds)].map((tagId) => ({ post_id: postId, tag_id: tagId })))
    .execute()
}

export async function findPostById(db: Executor, id: string): Promise<PostRecord | undefined> {
  const row = await db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toPost(row)
}

export async function deletePostById(db: Executor, id: string): Promise<boolean> {
  const result = await db.deleteFrom('posts').where('id', '=', id).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Tag ids per post, for a batch of posts. */
export async function findTagIdsForPosts(db: Executor, postIds: readonly string[]): Promise<Map<string, string[]>> {
  const byPost = new Map<string, string[]>()
  if (postIds.length === 0) return byPost

  const rows = await db
    .selectFrom('post_tags')
    .select(['post_id', 'tag_id'])
    .where('post_id', 'in', [...postIds])
    .orderBy('tag_id')
    .execute()
  for (const row of rows) byPost.set(row.post_id, [...(byPost.get(row.post_id) ?? []), row.tag_id])

  return byPost
}

/**
 * The channel's queue: scheduled posts placed by the posting schedule (not custom-scheduled and
 * not shared now), in due order. Posts being sent are not part of it.
 */
export async function listQueuedPosts(db: Executor, channelId: string): Promise<PostRecord[]> {
  const rows = await db
    .selectFrom('posts')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('status', '=', 'scheduled')
    .where('is_custom_scheduled', '=', 0)
    .where('shared_now', '=', 0)
    .orderBy('due_at')
    .orderBy('id')
    .execute()

  return rows.map(toPost)
}

/**
 * Due times in [fromMs, toMs] that the channel's posts already hold, read through the
 * (channel_id, due_at) index. `excludeQueued` leaves out queue posts, which re-slotting moves.
 */
export async function findTakenDueTimes(
  db: Executor,
  channelId: string,
  range: { fromMs: number; toMs: number; excludeQueued: boolean },
): Promise<Set<number>> {
  let query = db
    .selectFrom('posts')
    .select('due_at')
    .where('channel_id', '=', channelId)
    .where('due_at', '>=', range.fromMs)
    .where('due_at', '<=', range.toMs)
    .where('status', 'in', ['scheduled', 'sending', 'needs_approval'])
  if (range.excludeQueued) {
    query = query.where((eb) => eb.or([eb('is_custom_scheduled', '=', 1), eb('shared_now', '=', 1), eb('status', '!=', 'scheduled')]))
  }
  const rows = await query.execute()

  return new Set(rows.map((row) => Number(row.due_at)))
}

/** Moves queued posts to new due times; each pair is [postId, dueAtMs]. */
export async function setQueueTimes(db: Executor, times: ReadonlyArray<[string, number]>, now: number): Promise<void> {
  for (const [postId, dueAt] of times) {
    await db
      .updateTable('posts')
      .set({ due_at: dueAt, run_at: dueAt, updated_at: now })
      .where('id', '=', postId)
      .where('status', '=', 'scheduled')
      .execute()
  }
}

/** Counts a channel's posts by status whose due time falls in [fromMs, toMs). */
export async function countPostsInRange(
  db: Executor,
  channelId: string,
  range: { fromMs: number; toMs: number },
): Promise<{ scheduled: number; sent: number }> {
  const rows = await db
    .selectFrom('posts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('channel_id', '=', channelId)
    .where(sql<number>`coalesce(sent_at, due_at)`, '>=', range.fromMs)
    .where(sql<number>`coalesce(sent_at, due_at)`, '<', range.toMs)
    .where('status', 'in', ['scheduled', 'sending', 'sent'])
    .groupBy('status')
    .execute()

  let scheduled = 0
  let sent = 0
  for (const row of rows) {
    if (row.status === 'sent') sent += Number(row.count)
    else scheduled += Number(row.count)
  }

  return { scheduled, sent }
}

export async function countScheduledPosts(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .where('status', 'in', ['scheduled', 'needs_approval'])
    .executeTakeFirstOrThrow()

  return Number(row.count)
}

/** Clears a failed post's delivery history columns so it can be scheduled again from attempt 1. */
export async function resetDeliveryState(db: Executor, postId: string): Promise<void> {
  await db
    .updateTable('posts')
    .set({ attempts: 0, lease_owner: null, lease_expires_at: null, error_message: null, error_raw: null })
    .where('id', '=', postId)
    .execute()
}
