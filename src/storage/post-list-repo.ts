import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { Executor } from './executor.ts'
import { toPost, type PostRecord, type PostStatus } from './posts-repo.ts'
import type { Database } from './schema.ts'

export type PostSortField = 'dueAt' | 'createdAt'
export type SortDirection = 'asc' | 'desc'

export interface PostListFilter {
  channelIds?: readonly string[]
  statuses?: readonly PostStatus[]
  dueAt?: { startMs?: number; endMs?: number }
  dueAtPresence?: 'present' | 'absent'
  createdAt?: { startMs?: number; endMs?: number }
  /** Posts carrying any of these tags; with `tagsEmpty`, also posts without tags. */
  tagIds?: readonly string[]
  tagsEmpty?: boolean
}

export interface PostListQuery {
  organizationId: string
  filter: PostListFilter
  sort: ReadonlyArray<{ field: PostSortField; direction: SortDirection }>
  /** Sort-key values of the last post of the previous page, as {@link PostListPage} returned. */
  after: ReadonlyArray<string | number> | null
  limit: number
}

export interface PostListPage {
  posts: PostRecord[]
  /** Sort-key values of each post, in the same order, for building cursors. */
  keys: Array<Array<string | number>>
  hasNextPage: boolean
}

// Posts without a due time (drafts) sort after every dated post in ascending order.
const NULL_DUE_AT = Number.MAX_SAFE_INTEGER

type PostsBuilder = ExpressionBuilder<Database, 'posts'>

function sortExpression(field: PostSortField | 'id'): Expression<string | number> {
  if (field === 'dueAt') return sql<number>`coalesce(posts.due_at, ${sql.lit(NULL_DUE_AT)})`
  if (field === 'createdAt') return sql<number>`posts.created_at`
  return sql<string>`posts.id`
}

function filterExpression(eb: PostsBuilder, query: PostListQuery): Expression<SqlBool> {
  const { filter } = query
  const conditions: Array<Expression<SqlBool>> = [eb('posts.organization_id', '=', query.organizationId)]

  if (filter.channelIds !== undefined) {
    conditions.push(filter.channelIds.length === 0 ? sql<SqlBool>`1 = 0` : eb('posts.channel_id', 'in', [...filter.channelIds]))
  }
  if (filter.statuses !== undefined) {
    conditions.push(filter.statuses.length === 0 ? sql<SqlBool>`1 = 0` : eb('posts.status', 'in', [...filter.statuses]))
  }
  if (filter.dueAt?.startMs !== undefined) conditions.push(eb('posts.due_at', '>=', filter.dueAt.startMs))
  if (filter.dueAt?.endMs !== undefined) conditions.push(eb('posts.due_at', '<=', filter.dueAt.endMs))
  if (filter.dueAtPresence === 'present') conditions.push(eb('posts.due_at', 'is not', null))
  if (filter.dueAtPresence === 'absent') conditions.push(eb('posts.due_at', 'is', null))
  if (filter.createdAt?.startMs !== undefined) conditions.push(eb('posts.created_at', '>=', filter.createdAt.startMs))
  if (filter.createdAt?.endMs !== undefined) conditions.push(eb('posts.created_at', '<=', filter.createdAt.endMs))

  const tagConditions: Array<Expression<SqlBool>> = []
  if (filter.tagIds !== undefined && filter.tagIds.length > 0) {
    const tagged = eb.selectFrom('post_tags').select('post_tags.post_id').where('post_tags.tag_id', 'in', [...filter.tagIds])
    tagConditions.push(eb('posts.id', 'in', tagged))
  }
  if (filter.tagsEmpty === true) {
    tagConditions.push(eb.not(eb.exists(eb.selectFrom('post_tags').select('post_tags.post_id').whereRef('post_tags.post_id', '=', 'posts.id'))))
  }
  if (tagConditions.length > 0) conditions.push(eb.or(tagConditions))

  return eb.and(conditions)
}

/**
 * Builds the keyset condition "comes after `after` in this order": for keys k1..kn,
 * (k1 beyond v1) or (k1 = v1 and k2 beyond v2) or …, where "beyond" follows each key's direction.
 */
function afterExpression(
  eb: PostsBuilder,
  keys: ReadonlyArray<{ field: PostSortField | 'id'; direction: SortDirection }>,
  after: ReadonlyArray<string | number>,
): Expression<SqlBool> {
  const alternatives: Array<Expression<SqlBool>> = []
  for (let index = 0; index < keys.length; index++) {
    const parts: Array<Expression<SqlBool>> = []
    for (let previous = 0; previous < index; previous++) {
      parts.push(eb(sortExpression(keys[previous]!.field), '=', after[previous]!))
    }
    const key = keys[index]!
    parts.push(eb(sortExpression(key.field), key.direction === 'asc' ? '>' : '<', after[index]!))
    alternatives.push(eb.and(parts))
  }

  return eb.or(alternatives)
}

/** Lists one page of an organization's posts: filters combine with AND, paging is keyset. */
export async function listPosts(db: Executor, query: PostListQuery): Promise<PostListPage> {
  const keys = [...query.sort, { field: 'id' as const, direction: query.sort.at(-1)?.direction ?? 'asc' }]

  let select = db
    .selectFrom('posts')
    .selectAll('posts')
    .select(keys.map((key, index) => sql<string | number>`${sortExpression(key.field)}`.as(`sort_key_${index}`)))
    .where((eb) => filterExpression(eb, query))
  if (query.after !== null) {
    const after = query.after
    select = select.where((eb) => afterExpression(eb, keys, after))
  }
  for (const key of keys) select = select.orderBy(sortExpression(key.field), key.direction)
  const rows = await select.limit(query.limit + 1).execute()

  const pageRows = rows.slice(0, query.limit)
  return {
    posts: pageRows.map((row) => toPost(row)),
    keys: pageRows.map((row) => {
      const values = row as unknown as Record<string, string | number>
      return keys.map((_, index) => normalizeKey(values[`sort_key_${index}`]!))
    }),
    hasNextPage: rows.length > query.limit,
  }
}

function normalizeKey(value: string | number): string | number {
  return typeof value === 'string' && /^\d+$/.test(value) && value.length < 16 ? Number(value) : value
}
