import type { Executor } from './executor.ts'

/** A published item of a post (the post, or one entry of its thread) and what the network returned. */
export interface DeliveryItemRecord {
  postId: string
  itemIndex: number
  remoteId: string
  remoteCid: string | null
  externalLink: string | null
  publishedAt: number
}

/** Lists the items of a post published so far, in thread order. */
export async function listDeliveryItems(db: Executor, postId: string): Promise<DeliveryItemRecord[]> {
  const rows = await db.selectFrom('delivery_items').selectAll().where('post_id', '=', postId).orderBy('item_index').execute()

  return rows.map((row) => ({
    postId: row.post_id,
    itemIndex: row.item_index,
    remoteId: row.remote_id,
    remoteCid: row.remote_cid,
    externalLink: row.external_link,
    publishedAt: row.published_at,
  }))
}

/**
 * Records one published item. A second record of the same item (two workers that both reached the
 * network after a lost lease) keeps the first, since both name the same remote item.
 */
export async function insertDeliveryItem(db: Executor, item: DeliveryItemRecord): Promise<void> {
  await db
    .insertInto('delivery_items')
    .values({
      post_id: item.postId,
      item_index: item.itemIndex,
      remote_id: item.remoteId,
      remote_cid: item.remoteCid,
      external_link: item.externalLink,
      published_at: item.publishedAt,
    })
    .onConflict((conflict) => conflict.columns(['post_id', 'item_index']).doNothing())
    .execute()
}
