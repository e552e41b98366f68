import type { AccountReadCache } from './accounts/account-reads.ts'
import type { ApiKeyCache } from './auth/api-key-cache.ts'
import type { Config } from './config/config.ts'
import type { Logger } from './logging/logger.ts'
import type { Db } from './storage/db.ts'

/** What domain operations receive: storage, settings, the logger and the clock. */
export interface AppDeps {
  readonly db: Db
  readonly config: Config
  readonly log: Logger
  /** Current time; tests pass a controllable clock. */
  readonly now: () => Date
  /** The same clock in epoch milliseconds, without creating a Date; for code that runs on every request. */
  readonly nowMs: () => number
  readonly keyCache: ApiKeyCache
  /** Recently read accounts and organizations; entries live as long as key cache entries. */
  readonly accountCache: AccountReadCache
}
