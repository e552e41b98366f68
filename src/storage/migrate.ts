import { Migrator, type Migration, type MigrationResultSet } from 'kysely'
import type { Logger } from '../logging/logger.ts'
import type { Db } from './db.ts'
import * as initial from './migrations/0001-initial.ts'
import * as networkConnections from './migrations/0003-network-connections.ts'
import * as apiLimits from './migrations/0002-api-limits.ts'
import * as web from './migrations/0004-web.ts'

/** Every migration, in order. Names sort lexically, and Kysely applies them in that order. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0003-network-connections': networkConnections,
  '0002-api-limits': apiLimits,
  '0004-web': web,
}

/**
 * Applies pending migrations and logs each one. Both dialects take Kysely's migration lock, so
 * several processes starting at once apply each migration once. Throws when a migration fails.
 */
export async function migrateToLatest(db: Db, log: Logger): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => MIGRATIONS },
  })
  const resultSet = await migrator.migrateToLatest()

  for (const result of resultSet.results ?? []) {
    const fields = { migration: result.migrationName, direction: result.direction }
    if (result.status === 'Success') log.info(fields, 'migration applied')
    else if (result.status === 'Error') log.error(fields, 'migration failed')
  }
  if (resultSet.error !== undefined) {
    const reason = resultSet.error instanceof Error ? resultSet.error.message : String(resultSet.error)
    throw new Error(`Database migration failed (${reason}); migrations before the failed one stay applied`, { cause: resultSet.error })
  }

  return resultSet
}
