import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { DatabaseConfig } from '../config/config.ts'
import type { Database } from './schema.ts'

/** A Kysely instance plus the dialect it speaks, for the few queries that differ. */
export interface Db {
  readonly kysely: Kysely<Database>
  readonly dialect: 'sqlite' | 'postgres'
  close(): Promise<void>
}

// PostgreSQL returns int8 (bigint) as a string; every bigint Pigeon stores is epoch milliseconds
// or a count, which fit in a double exactly.
pg.types.setTypeParser(20, (value) => Number(value))

/**
 * Opens the database the config names. SQLite creates its folder and file when missing and runs
 * in WAL mode with a 5 s busy timeout; PostgreSQL opens a pool without connecting yet.
 * `onIdleClientError` receives errors of idle PostgreSQL connections, which the pool then drops.
 */
export function createDb(config: DatabaseConfig, options: { onIdleClientError?: (error: Error) => void } = {}): Db {
  if (config.dialect === 'sqlite') return openSqlite(config.sqlitePath)

  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize })
  // NOTE: pg emits 'error' on the pool when the server ends an idle connection (a restart,
  // failover or pg_terminate_backend). Without a listener Node treats it as uncaught and exits.
  pool.on('error', (error) => options.onIdleClientError?.(error))
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })

  return { kysely, dialect: 'postgres', close: () => kysely.destroy() }
}

function openSqlite(sqlitePath: string): Db {
  if (sqlitePath !== ':memory:') fs.mkdirSync(path.dirname(sqlitePath), { recursive: true })

  const database = new SQLite(sqlitePath)
  database.pragma('journal_mode = WAL')
  database.pragma('busy_timeout = 5000')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })

  return { kysely, dialect: 'sqlite', close: () => kysely.destroy() }
}
