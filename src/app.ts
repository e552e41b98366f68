import { AccountReadCache } from './accounts/account-reads.ts'
import { ApiKeyCache } from './auth/api-key-cache.ts'
import type { Config } from './config/config.ts'
import type { AppDeps } from './deps.ts'
import type { Logger } from './logging/logger.ts'
import { createDb } from './storage/db.ts'
import { migrateToLatest } from './storage/migrate.ts'

/**
 * Opens the database and builds the dependencies every role shares. Applies pending migrations
 * when the config asks for it. The caller closes `deps.db` when done.
 */
export async function createAppDeps(config: Config, log: Logger, options: { now?: () => Date } = {}): Promise<AppDeps> {
  const db = createDb(config.database, {
    onIdleClientError: (error) => log.warn({ err: error }, 'idle database connection closed by the server'),
  })
  const deps: AppDeps = {
    db,
    config,
    log,
    now: options.now ?? (() => new Date()),
    nowMs: options.now === undefined ? Date.now : wrapClock(options.now),
    keyCache: new ApiKeyCache(config.keyCacheTtlMs),
    accountCache: new AccountReadCache(config.keyCacheTtlMs),
  }
  if (config.migrateOnStart) {
    try {
      await migrateToLatest(db, log)
    } catch (error) {
      await db.close()
      throw error
    }
  }

  return deps
}

function wrapClock(now: () => Date): () => number {
  return () => now().getTime()
}
