import type { Selectable } from 'kysely'
import { fromFlag, toFlag, type Executor } from './executor.ts'
import type { IdeasTable } from './schema.ts'

export interface IdeaMediaRecord {
  id: string
  url: string
  alt: string | null
  thumbnailUrl: string | null
  type: string
  size: number | null
  source: { name: string; id: string | null; author: string | null; authorUrl: string | null } | null
}

export interface IdeaRecord {
  id: string
  organizationId: string
  groupId: string | null
  position: number
  title: string | null
  text: string | null
  aiAssisted: boolean
  date: number | null
  media: IdeaMediaRecord[]
  services: string[]
  tags: Array<{ id: string; name: string; color: string }>
  createdAt: number
  updatedAt: number
}

export interface IdeaGroupRecord {
  id: string
  organizationId: string
  name: string
  isLocked: boolean
  position: number
}

function toIdea(row: Selectable<IdeasTable>): IdeaRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    groupId: row.group_id,
    position: Number(row.position),
    title: row.title,
    text: row.text,
    aiAssisted: fromFlag(row.ai_assisted),
    date: row.date,
    media: JSON.parse(row.media) as IdeaMediaRecord[],
    services: JSON.parse(row.services) as string[],
    tags: JSON.parse(row.tags) as IdeaRecord['tags'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export async function insertIdea(db: Executor, idea: IdeaRecord): Promise<void> {
  await db
    .insertInto('ideas')
    .values({
      id: idea.id,
      organization_id: idea.organizationId,
      group_id: idea.groupId,
      position: idea.position,
      title: idea.title,
      text: idea.text,
      ai_assisted: toFlag(idea.aiAssisted),
      date: idea.date,
      media: JSON.stringify(idea.media),
      services: JSON.stringify(idea.services),
      tags: JSON.stringify(idea.tags),
      created_at: idea.createdAt,
      updated_at: idea.updatedAt,
    })
    .execute()
}

export async function findIdeaById(db: Executor, id: string): Promise<IdeaRecord | undefined> {
  const row = await db.selectFrom('ideas').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toIdea(row)
}

/** Largest position among the organization's ideas in a group (or ungrouped), or null when empty. */
export async function findMaxIdeaPosition(db: Executor, organizationId: string, groupId: string | null): Promise<number | null> {
  const row = await db
    .selectFrom('ideas')
    .select((eb) => eb.fn.max<number>('position').as('max'))
    .where('organization_id', '=', organizationId)
    .where('group_id', groupId === null ? 'is' : '=', groupId)
    .executeTakeFirst()

  return row?.max === null || row?.max === undefined ? null : Number(row.max)
}

export async function countIdeas(db: Executor, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('ideas')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('organization_id', '=', organizationId)
    .executeTakeFirstOrThrow()

  return Number(row.count)
}

export interface IdeaListQuery {
  organizationId: string
  groupIds?: readonly string[]
  membership?: 'grouped' | 'ungrouped'
  tagIds?: readonly string[]
  tagsEmpty?: boolean
  afterId: string | null
  limit: number
}

/**
 * Lists ideas oldest first, paged by id. Tag filters apply after reading, since idea tags are
 * stored with the idea; the page reads in batches until it is full or ideas run out.
 */
export async function listIdeas(db: Executor, query: IdeaListQuery): Promise<{ ideas: IdeaRecord[]; hasNextPage: boolean }> {
  const matches: IdeaRecord[] = []
  let afterId = query.afterId
  const batchSize = Math.max(query.limit + 1, 100)

  for (;;) {
    let select = db.selectFrom('ideas').selectAll().where('organization_id', '=', query.organizationId)
    if (query.groupIds !== undefined) select = select.where('group_id', 'in', query.groupIds.length > 0 ? [...query.groupIds] : [''])
    if (query.membership === 'grouped') select = select.where('group_id', 'is not', null)
    if (query.membership === 'ungrouped') select = select.where('group_id', 'is', null)
    if (afterId !== null) select = select.where('id', '>', afterId)
    const rows = await select.orderBy('id').limit(batchSize).execute()

    for (const idea of rows.map(toIdea)) {
      if (matchesTags(idea, query)) matches.push(idea)
      if (matches.length > query.limit) return { ideas: matches.slice(0, query.limit), hasNextPage: true }
    }
    if (rows.length < batchSize) return { ideas: matches, hasNextPage: false }
    afterId = rows.at(-1)!.id
  }
}

function matchesTags(idea: IdeaRecord, query: IdeaListQuery): boolean {
  const wantsTags = query.tagIds !== undefined && query.tagIds.length > 0
  if (!wantsTags && query.tagsEmpty !== true) return true
  if (query.tagsEmpty === true && idea.tags.length === 0) return true

  return wantsTags && idea.tags.some((tag) => query.tagIds!.includes(tag.id))
}

export async function listIdeaGroups(db: Executor, organizationId: string): Promise<IdeaGroupRecord[]> {
  const rows = await db
    .selectFrom('idea_groups')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .orderBy('position')
    .orderBy('id')
    .execute()

  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    isLocked: fromFlag(row.is_locked),
    position: Number(row.position),
  }))
}

export async function insertIdeaGroup(db: Executor, group: IdeaGroupRecord, createdAt: number): Promise<void> {
  await db
    .insertInto('idea_groups')
    .values({
      id: group.id,
      organization_id: group.organizationId,
      name: group.name,
      is_locked: toFlag(group.isLocked),
      position: group.position,
      created_at: createdAt,
    })
    .execute()
}
