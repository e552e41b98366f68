import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { DatabaseConfig } from '../../src/config/config.ts'

export type Dialect = 'sqlite' | 'postgres'

/** PostgreSQL server the tests may create databases on; without it only SQLite runs. */
export const TEST_POSTGRES_URL = process.env.PIGEON_TEST_DATABASE_URL

/**
 * Dialects this run covers: SQLite always, PostgreSQL when PIGEON_TEST_DATABASE_URL is set.
 * DIALECTS=sqlite or DIALECTS=postgres narrows it.
 */
export const DIALECTS: Dialect[] = (() => {
  const available: Dialect[] = TEST_POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite']
  const wanted = process.env.DIALECTS?.split(',').map((value) => value.trim())
  return wanted === undefined ? available : available.filter((dialect) => wanted.includes(dialect))
})()

/** Credentials key of PostgreSQL test databases; SQLite ones generate theirs beside the file. */
export const TEST_CREDENTIALS_KEY = '5eed'.repeat(16)

export interface TestDatabase {
  config: DatabaseConfig
  /** Environment variables that point a Pigeon process at this database. */
  env: Record<string, string>
  drop(): Promise<void>
}

/** Creates an empty database of the dialect: a temporary SQLite file, or a new PostgreSQL database. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-test-'))
    const sqlitePath = path.join(directory, 'pigeon.sqlite')
    return {
      config: { dialect: 'sqlite', sqlitePath },
      env: { PIGEON_SQLITE_PATH: sqlitePath },
      drop: async () => fs.rmSync(directory, { recursive: true, force: true }),
    }
  }

  if (TEST_POSTGRES_URL === undefined) throw new Error('PIGEON_TEST_DATABASE_URL is not set; PostgreSQL tests cannot run')
  const name = `pigeon_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(TEST_POSTGRES_URL)
  url.pathname = `/${name}`

  return {
    config: { dialect: 'postgres', url: url.toString(), poolSize: 5 },
    // Any fixed key works: it only has to be the same in every process that shares the database.
    env: { DATABASE_URL: url.toString(), PIGEON_CREDENTIALS_KEY: TEST_CREDENTIALS_KEY },
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}
