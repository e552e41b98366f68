import type { Executor } from './executor.ts'

export interface BucketCount {
  window: string
  bucketStart: number
  count: number
}

/** Buckets of one partition that start at or after `sinceMs`, per window. */
export async function loadBuckets(db: Executor, partitionKey: string, since: Record<string, number>): Promise<BucketCount[]> {
  const oldest = Math.min(...Object.values(since))
  const rows = await db
    .selectFrom('rate_limit_buckets')
    .select(['window', 'bucket_start', 'count'])
    .where('partition_key', '=', partitionKey)
    .where('bucket_start', '>=', oldest)
    .execute()

  return rows
    .filter((row) => row.bucket_start >= (since[row.window] ?? Number.POSITIVE_INFINITY))
    .map((row) => ({ window: row.window, bucketStart: Number(row.bucket_start), count: Number(row.count) }))
}

/**
 * Buckets of several partitions that start at or after `since`, per window, keyed by partition.
 * Partitions without stored buckets are missing from the map. Runs no query for an empty list.
 */
export async function loadBucketsOfPartitions(db: Executor, partitionKeys: readonly string[], since: Record<string, number>): Promise<Map<string, BucketCount[]>> {
  const byPartition = new Map<string, BucketCount[]>()
  if (partitionKeys.length === 0) return byPartition

  const rows = await db
    .selectFrom('rate_limit_buckets')
    .select(['partition_key', 'window', 'bucket_start', 'count'])
    .where('partition_key', 'in', partitionKeys)
    .where('bucket_start', '>=', Math.min(...Object.values(since)))
    .execute()
  for (const row of rows) {
    const bucketStart = Number(row.bucket_start)
    if (bucketStart < (since[row.window] ?? Number.POSITIVE_INFINITY)) continue
    const buckets = byPartition.get(row.partition_key) ?? []
    buckets.push({ window: row.window, bucketStart, count: Number(row.count) })
    byPartition.set(row.partition_key, buckets)
  }

  return byPartition
}

/** Adds counts to buckets, creating them when missing. */
export async function addToBuckets(db: Executor, partitionKey: string, increments: readonly BucketCount[]): Promise<void> {
  if (increments.length === 0) return
  await db
    .insertInto('rate_limit_buckets')
    .values(increments.map((entry) => ({ partition_key: partitionKey, window: entry.window, bucket_start: entry.bucketStart, count: entry.count })))
    .onConflict((conflict) =>
      conflict.columns(['partition_key', 'window', 'bucket_start']).doUpdateSet((eb) => ({ count: eb('rate_limit_buckets.count', '+', eb.ref('excluded.count')) })),
    )
    .execute()
}

/** Deletes buckets that started before `beforeMs`; returns how many went. */
export async function deleteBucketsBefore(db: Executor, beforeMs: number): Promise<number> {
  const result = await db.deleteFrom('rate_limit_buckets').where('bucket_start', '<', beforeMs).executeTakeFirst()
  return Number(result.numDeletedRows)
}
