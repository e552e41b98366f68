import type { Actor } from '../auth/actor.ts'
import { canAccessOrganization } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { listPosts, type PostListFilter, type PostSortField, type SortDirection } from '../storage/post-list-repo.ts'
import type { PostRecord, PostStatus } from '../storage/posts-repo.ts'
import { invalidInput, type PostError } from './post-errors.ts'

/** Page size when `first` is omitted. */
export const DEFAULT_PAGE_SIZE = 20
/** Largest page; a larger `first` is reduced to this, and `hasNextPage` tells there is more. */
export const MAX_PAGE_SIZE = 100

export interface ListPostsCommand {
  organizationId: string
  first: number | null
  after: string | null
  filter: {
    channelIds?: readonly string[] | null
    status?: readonly PostStatus[] | null
    dueAt?: { start?: Date | null; end?: Date | null } | null
    dueAtPresence?: 'present' | 'absent' | null
    createdAt?: { start?: Date | null; end?: Date | null } | null
    tags?: { in: readonly string[]; isEmpty?: boolean | null } | null
    tagIds?: readonly string[] | null
    startDate?: Date | null
    endDate?: Date | null
  } | null
  sort: ReadonlyArray<{ field: PostSortField; direction: SortDirection }> | null
}

export interface PostPage {
  posts: PostRecord[]
  cursors: string[]
  hasNextPage: boolean
}

/** Most ids one filter list may hold. */
const MAX_FILTER_IDS = 100

/** Default order: due time ascending (posts without one, such as drafts, last), then id. */
const DEFAULT_SORT = [{ field: 'dueAt', direction: 'asc' }] as const

/**
 * Lists one page of an organization's posts. Filters combine with AND; `after` must be a cursor
 * from an earlier page of the same query and sort. An organization outside the actor's account
 * reads as not found.
 */
export async function listPostsPage(deps: AppDeps, actor: Actor, input: ListPostsCommand): Promise<Result<PostPage, PostError>> {
  if (!canAccessOrganization(actor, input.organizationId)) {
    return err({ code: 'ORGANIZATION_NOT_FOUND', message: `Organization ${input.organizationId} was not found.` })
  }
  if (input.first !== null && input.first < 0) return err(invalidInput('first', `first must be 0 or more; got ${input.first}.`))
  const limit = Math.min(input.first ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)

  const sort = input.sort !== null && input.sort.length > 0 ? dedupeSort(input.sort) : [...DEFAULT_SORT]
  const signature = sort.map((key) => `${key.field}:${key.direction}`).join(',')
  const after = input.after === null ? ok(null) : decodeCursor(input.after, signature, sort.length + 1)
  if (!after.ok) return after
  const filter = toListFilter(input.filter)
  if (!filter.ok) return filter
  if (limit === 0) return ok({ posts: [], cursors: [], hasNextPage: false })

  const page = await listPosts(deps.db.kysely, { organizationId: input.organizationId, filter: filter.value, sort, after: after.value, limit })

  return ok({
    posts: page.posts,
    cursors: page.keys.map((keys) => encodeCursor(signature, keys)),
    hasNextPage: page.hasNextPage,
  })
}

function dedupeSort(sort: ReadonlyArray<{ field: PostSortField; direction: SortDirection }>) {
  const seen = new Set<string>()
  return sort.filter((key) => (seen.has(key.field) ? false : (seen.add(key.field), true)))
}

function toListFilter(filter: ListPostsCommand['filter']): Result<PostListFilter, PostError> {
  if (filter === null) return ok({})
  if (filter.dueAtPresence === 'absent' && (filter.dueAt?.start || filter.dueAt?.end)) {
    return err(invalidInput('filter.dueAtPresence', 'dueAtPresence: absent cannot be combined with a dueAt range.'))
  }

  for (const [field, list] of [['filter.channelIds', filter.channelIds], ['filter.tags.in', filter.tags?.in], ['filter.tagIds', filter.tagIds]] as const) {
    if (list && list.length > MAX_FILTER_IDS) return err(invalidInput(field, `${field} lists ${list.length} ids; filter by at most ${MAX_FILTER_IDS} at once.`))
  }

  const result: PostListFilter = {}
  if (filter.channelIds) result.channelIds = filter.channelIds
  if (filter.status) result.statuses = filter.status
  const dueStart = filter.dueAt?.start ?? filter.startDate ?? null
  const dueEnd = filter.dueAt?.end ?? filter.endDate ?? null
  if (dueStart !== null || dueEnd !== null) {
    if (dueStart !== null && dueEnd !== null && dueStart > dueEnd) return err(invalidInput('filter.dueAt', 'dueAt.start is after dueAt.end.'))
    result.dueAt = { ...(dueStart && { startMs: dueStart.getTime() }), ...(dueEnd && { endMs: dueEnd.getTime() }) }
  }
  if (filter.dueAtPresence) result.dueAtPresence = filter.dueAtPresence
  if (filter.createdAt?.start || filter.createdAt?.end) {
    const { start, end } = filter.createdAt
    if (start && end && start > end) return err(invalidInput('filter.createdAt', 'createdAt.start is after createdAt.end.'))
    result.createdAt = { ...(start && { startMs: start.getTime() }), ...(end && { endMs: end.getTime() }) }
  }
  // An empty `in` list with isEmpty false filters nothing, the same as leaving `tags` out.
  const tagIds = filter.tags?.in ?? filter.tagIds ?? null
  if (tagIds !== null && tagIds.length > 0) result.tagIds = tagIds
  if (filter.tags?.isEmpty === true) result.tagsEmpty = true

  return ok(result)
}

function encodeCursor(signature: string, keys: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify({ s: signature, k: keys }), 'utf8').toString('base64url')
}

function decodeCursor(cursor: string, signature: string, keyCount: number): Result<Array<string | number>, PostError> {
  const invalid = err(invalidInput('after', 'after is not a cursor from this query; pass the endCursor of the previous page with the same sort.'))
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown }
    if (decoded.s !== signature || !Array.isArray(decoded.k) || decoded.k.length !== keyCount) return invalid
    if (!decoded.k.every((key) => typeof key === 'string' || (typeof key === 'number' && Number.isFinite(key)))) return invalid

    return ok(decoded.k as Array<string | number>)
  } catch {
    return invalid
  }
}
