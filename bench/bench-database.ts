// Fresh, empty databases for the Pigeon server processes, removed when the run ends.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createTestDatabase } from '../test/helpers/db.ts'

/** A database created for one run: the environment that points Pigeon at it, and its removal. */
export interface BenchDatabase {
  /** PIGEON_SQLITE_PATH or DATABASE_URL, as loadConfig reads them. */
  env: Record<string, string>
  drop(): Promise<void>
}

/** Creates a SQLite file in a new temporary folder. `drop` deletes the folder. */
export async function createSqliteBenchDatabase(): Promise<BenchDatabase> {
  const database = await createTestDatabase('sqlite')

  return { env: database.env, drop: database.drop }
}

/**
 * Creates a new database named pigeon_bench_<random> on the PostgreSQL server of `serverUrl`.
 * The user in the URL needs the CREATEDB privilege. `drop` removes the database again.
 */
export async function createPostgresBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `pigeon_bench_${randomBytes(6).toString('hex')}`
  await runAdminStatement(serverUrl, `CREATE DATABASE ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`

  return {
    env: { DATABASE_URL: url.toString() },
    drop: () => runAdminStatement(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}

async function runAdminStatement(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
