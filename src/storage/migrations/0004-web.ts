import type { Kysely } from 'kysely'

// Storage for the web app: a password per account, server-side sessions and sign-in attempts.
export async function up(db: Kysely<unknown>): Promise<void> {
  // PHC string of an argon2id hash; null until the account sets a password.
  await db.schema.alterTable('accounts').addColumn('password_hash', 'text').execute()
  await db.schema.alterTable('accounts').addColumn('password_changed_at', 'bigint').execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    .addColumn('account_id', 'varchar(24)', (col) => col.notNull().references('accounts.id').onDelete('cascade'))
    // Hex SHA-256 of the cookie's token; the token itself is never stored.
    .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('sessions_account_idx').on('sessions').column('account_id').execute()

  await db.schema
    .createTable('sign_in_attempts')
    .addColumn('id', 'varchar(24)', (col) => col.primaryKey())
    // The normalized email that was tried, whether or not an account has it.
    .addColumn('email', 'varchar(320)', (col) => col.notNull())
    .addColumn('address', 'varchar(64)', (col) => col.notNull())
    // 'pending' while the password is checked, then 'failed', 'succeeded' or 'throttled'.
    .addColumn('outcome', 'varchar(16)', (col) => col.notNull())
    .addColumn('attempted_at', 'bigint', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('sign_in_attempts_email_idx').on('sign_in_attempts').columns(['email', 'attempted_at']).execute()
  await db.schema.createIndex('sign_in_attempts_address_idx').on('sign_in_attempts').columns(['address', 'attempted_at']).execute()
  await db.schema.createIndex('sign_in_attempts_time_idx').on('sign_in_attempts').column('attempted_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_attempts').ifExists().execute()
  await db.schema.dropTable('sessions').ifExists().execute()
  await db.schema.alterTable('accounts').dropColumn('password_changed_at').execute()
  await db.schema.alterTable('accounts').dropColumn('password_hash').execute()
}
