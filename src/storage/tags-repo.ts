import { fromFlag, type Executor } from './executor.ts'

export interface TagRecord {
  id: string
  organizationId: string
  name: string
  color: string
  isLocked: boolean
}

export async function findTagsByIds(db: Executor, ids: readonly string[]): Promise<TagRecord[]> {
  if (ids.length === 0) return []
  const rows = await db.selectFrom('tags').selectAll().where('id', 'in', [...ids]).orderBy('name').execute()

  return rows.map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    color: row.color,
    isLocked: fromFlag(row.is_locked),
  }))
}

export async function insertTag(db: Executor, tag: TagRecord, createdAt: number): Promise<void> {
  await db
    .insertInto('tags')
    .values({
      id: tag.id,
      organization_id: tag.organizationId,
      name: tag.name,
      color: tag.color,
      is_locked: tag.isLocked ? 1 : 0,
      created_at: createdAt,
    })
    .execute()
}
