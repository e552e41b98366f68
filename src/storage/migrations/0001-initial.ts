import type { Kysely } from 'kysely'

// Migrations take Kysely<unknown> because they must keep working as the Database type evolves.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('email', 'varchar(320)', (col) => col.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('timezone', 'varchar(64)', (col) => col.notNull())
    .addColumn('avatar', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('organizations')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('plan', 'varchar(32)', (col) => col.notNull())
    .addColumn('owner_account_id', 'varchar(24)', (col) => col.notNull().references('accounts.id'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('memberships')
    .addColumn('account_id', 'varchar(24)', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('organization_id', 'varchar(24)', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('role', 'varchar(16)', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['account_id', 'organization_id'])
    .execute()
  await db.schema.createIndex('memberships_organization_idx').on('memberships').column('organization_id').execute()

  await db.schema
    .createTable('channels')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('organization_id', 'varchar(24)', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('service', 'varchar(32)', (col) => col.notNull())
    .addColumn('service_id', 'text', (col) => col.notNull())
    .addColumn('type', 'varchar(16)', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('display_name', 'text')
    .addColumn('avatar', 'text')
    .addColumn('timezone', 'varchar(64)', (col) => col.notNull())
    .addColumn('posting_schedule', 'text', (col) => col.notNull())
    .addColumn('is_queue_paused', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('is_disconnected', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('is_locked', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('delivery_method', 'varchar(16)')
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('channels_organization_idx').on('channels').columns(['organization_id', 'id']).execute()

  await db.schema
    .createTable('posts')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('organization_id', 'varchar(24)', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('channel_id', 'varchar(24)', (col) => col.notNull().references('channels.id').onDelete('cascade'))
    .addColumn('author_account_id', 'varchar(24)')
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('via', 'varchar(16)', (col) => col.notNull())
    .addColumn('share_mode', 'varchar(24)', (col) => col.notNull())
    .addColumn('scheduling_type', 'varchar(16)')
    .addColumn('due_at', 'bigint')
    .addColumn('is_custom_scheduled', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('shared_now', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('needs_approval', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('text', 'text', (col) => col.notNull())
    .addColumn('assets', 'text', (col) => col.notNull())
    .addColumn('metadata', 'text')
    .addColumn('idea_id', 'varchar(24)')
    .addColumn('draft_id', 'varchar(24)')
    .addColumn('source', 'text')
    .addColumn('ai_assisted', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('sent_at', 'bigint')
    .addColumn('external_link', 'text')
    .addColumn('remote_id', 'text')
    .addColumn('error_message', 'text')
    .addColumn('error_raw', 'text')
    .addColumn('run_at', 'bigint')
    .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('lease_owner', 'varchar(64)')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute()
  // Slot look-ups and queue re-slotting read one channel's scheduled posts in due order.
  await db.schema.createIndex('posts_channel_due_idx').on('posts').columns(['channel_id', 'due_at']).execute()
  // The worker's claim scans scheduled posts by the time they may run.
  await db.schema.createIndex('posts_status_run_idx').on('posts').columns(['status', 'run_at']).execute()
  // Listing an organization's posts pages by due time or creation time.
  await db.schema.createIndex('posts_org_due_idx').on('posts').columns(['organization_id', 'due_at', 'id']).execute()
  await db.schema
    .createIndex('posts_org_created_idx')
    .on('posts')
    .columns(['organization_id', 'created_at', 'id'])
    .execute()

  await db.schema
    .createTable('tags')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('organization_id', 'varchar(24)', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('color', 'varchar(16)', (col) => col.notNull())
    .addColumn('is_locked', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('post_tags')
    .addColumn('post_id', 'varchar(24)', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('tag_id', 'varchar(24)', (col) => col.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('post_tags_pk', ['post_id', 'tag_id'])
    .execute()
  await db.schema.createIndex('post_tags_tag_idx').on('post_tags').column('tag_id').execute()

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('post_id', 'varchar(24)', (col) => col.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (col) => col.notNull())
    .addColumn('worker_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('outcome', 'varchar(16)')
    .addColumn('summary', 'text')
    .execute()
  await db.schema
    .createIndex('delivery_attempts_post_idx')
    .on('delivery_attempts')
    .columns(['post_id', 'attempt'])
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('account_id', 'varchar(24)', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('key_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('display_prefix', 'varchar(16)', (col) => col.notNull())
    .addColumn('last4', 'varchar(4)', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute()
  await db.schema.createIndex('api_keys_account_idx').on('api_keys').column('account_id').execute()

  await db.schema
    .createTable('idea_groups')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('organization_id', 'varchar(24)', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('is_locked', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('position', 'double precision', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('ideas')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('organization_id', 'varchar(24)', (col) =>
      col.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('group_id', 'varchar(24)', (col) => col.references('idea_groups.id').onDelete('set null'))
    .addColumn('position', 'double precision', (col) => col.notNull())
    .addColumn('title', 'text')
    .addColumn('text', 'text')
    .addColumn('ai_assisted', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('date', 'bigint')
    .addColumn('media', 'text', (col) => col.notNull())
    .addColumn('services', 'text', (col) => col.notNull())
    .addColumn('tags', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('ideas_org_idx').on('ideas').columns(['organization_id', 'id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'ideas',
    'idea_groups',
    'api_keys',
    'delivery_attempts',
    'post_tags',
    'tags',
    'posts',
    'channels',
    'memberships',
    'organizations',
    'accounts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
