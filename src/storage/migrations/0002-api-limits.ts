import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Request counts per rate-limit partition (an API key), window and time bucket.
  await db.schema
    .createTable('rate_limit_buckets')
    .addColumn('partition_key', 'varchar(64)', (col) => col.notNull())
    .addColumn('window', 'varchar(8)', (col) => col.notNull())
    .addColumn('bucket_start', 'bigint', (col) => col.notNull())
    .addColumn('count', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('rate_limit_buckets_pk', ['partition_key', 'window', 'bucket_start'])
    .execute()
  await db.schema.createIndex('rate_limit_buckets_start_idx').on('rate_limit_buckets').column('bucket_start').execute()

  // Restricted keys: a JSON array of scopes (null means every scope) and an optional organization.
  await db.schema.alterTable('api_keys').addColumn('scopes', 'text').execute()
  await db.schema.alterTable('api_keys').addColumn('organization_id', 'varchar(24)').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('organization_id').execute()
  await db.schema.alterTable('api_keys').dropColumn('scopes').execute()
  await db.schema.dropTable('rate_limit_buckets').ifExists().execute()
}
