import type { Executor } from './executor.ts'

/** Number of a channel's posts per status, for every status that has any. */
export async function countChannelPostsByStatus(db: Executor, channelId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('posts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('channel_id', '=', channelId)
    .groupBy('status')
    .execute()

  return new Map(rows.map((row) => [row.status, Number(row.count)]))
}

/** Deletes the channel row; its posts, their tags and delivery attempts go with it (ON DELETE CASCADE). */
export async function deleteChannelById(db: Executor, channelId: string): Promise<boolean> {
  const result = await db.deleteFrom('channels').where('id', '=', channelId).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}
