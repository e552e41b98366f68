import type { Kysely } from 'kysely'

// Native network connections (Mastodon, Bluesky) and the bookkeeping that lets a worker publish
// each post exactly once: per-item progress of threads, the key each attempt used, and a
// per-channel rate-limit window.
export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite adds one column per ALTER TABLE statement.
  const channelColumns: Array<[string, 'text' | 'bigint']> = [
    // AES-256-GCM ciphertext of the network credentials (tokens), never plaintext.
    ['credentials', 'text'],
    // Ciphertext of a Mastodon app registration waiting for its authorization code.
    ['pending_authorization', 'text'],
    ['server_url', 'text'],
    ['remote_account_id', 'text'],
    ['remote_username', 'text'],
    // JSON of the limits the network reported, such as a Mastodon instance's max characters.
    ['network_limits', 'text'],
    // JSON of publishing defaults such as visibility and language.
    ['network_settings', 'text'],
    ['rate_limited_until', 'bigint'],
  ]
  for (const [name, type] of channelColumns) {
    await db.schema.alterTable('channels').addColumn(name, type).execute()
  }

  // The idempotency key, record key or webhook id the attempt sent, to trace a repeat.
  await db.schema.alterTable('delivery_attempts').addColumn('remote_key', 'text').execute()

  // One row per published item of a post (one for a single post, one per entry of a thread), so
  // a retry resumes after the last published item instead of publishing the thread again.
  await db.schema
    .createTable('delivery_items')
    .addColumn('post_id', 'varchar(24)', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('item_index', 'integer', (col) => col.notNull())
    .addColumn('remote_id', 'text', (col) => col.notNull())
    .addColumn('remote_cid', 'text')
    .addColumn('external_link', 'text')
    .addColumn('published_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('delivery_items_pk', ['post_id', 'item_index'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_items').ifExists().execute()
  await db.schema.alterTable('delivery_attempts').dropColumn('remote_key').execute()
  for (const column of ['rate_limited_until', 'network_settings', 'network_limits', 'remote_username', 'remote_account_id', 'server_url', 'pending_authorization', 'credentials']) {
    await db.schema.alterTable('channels').dropColumn(column).execute()
  }
}
