import type { AppDeps } from '../deps.ts'
import { findAccountById, listOrganizationsForAccount, type AccountRecord, type OrganizationRecord } from '../storage/accounts-repo.ts'

interface Entry<T> {
  value: T
  validUntil: number
}

/**
 * A short-lived cache of accounts and their organizations, so the `account` query of a busy
 * client does not read the database on every request. Entries live at most `ttlMs` (the same
 * bound as the API key cache); changes made through this process drop the account's entries.
 */
export class AccountReadCache {
  private readonly accounts = new Map<string, Entry<AccountRecord | undefined>>()
  private readonly organizations = new Map<string, Entry<OrganizationRecord[]>>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get<T>(map: Map<string, Entry<T>>, key: string, now: number): T | undefined {
    const entry = map.get(key)
    if (entry === undefined || entry.validUntil <= now) return undefined
    return entry.value
  }

  put<T>(map: Map<string, Entry<T>>, key: string, value: T, now: number): void {
    if (this.ttlMs <= 0) return
    if (map.size >= this.maxEntries) map.delete(map.keys().next().value!)
    map.set(key, { value, validUntil: now + this.ttlMs })
  }

  accountMap(): Map<string, Entry<AccountRecord | undefined>> {
    return this.accounts
  }

  organizationMap(): Map<string, Entry<OrganizationRecord[]>> {
    return this.organizations
  }

  /** Drops what is cached for an account, after its profile or memberships changed. */
  forget(accountId: string): void {
    this.accounts.delete(accountId)
    this.organizations.delete(accountId)
  }
}

/**
 * Returns the cached account without a promise, so a resolver can return it at once. Returns
 * undefined when the account is not cached; the caller then uses `getAccount`.
 */
export function cachedAccount(deps: AppDeps, accountId: string): AccountRecord | undefined {
  const cache = deps.accountCache
  return cache.get(cache.accountMap(), accountId, deps.nowMs())
}

/** Like `cachedAccount`, for the account's organizations. */
export function cachedOrganizations(deps: AppDeps, accountId: string): OrganizationRecord[] | undefined {
  const cache = deps.accountCache
  return cache.get(cache.organizationMap(), accountId, deps.nowMs())
}

/** Reads an account, through the cache. */
export async function getAccount(deps: AppDeps, accountId: string): Promise<AccountRecord | undefined> {
  const now = deps.nowMs()
  const cache = deps.accountCache
  const cached = cache.get(cache.accountMap(), accountId, now)
  if (cached !== undefined) return cached

  const account = await findAccountById(deps.db.kysely, accountId)
  cache.put(cache.accountMap(), accountId, account, now)
  return account
}

/** Lists the organizations an account belongs to, oldest first, through the cache. */
export async function getOrganizations(deps: AppDeps, accountId: string): Promise<OrganizationRecord[]> {
  const now = deps.nowMs()
  const cache = deps.accountCache
  const cached = cache.get(cache.organizationMap(), accountId, now)
  if (cached !== undefined) return cached

  const organizations = await listOrganizationsForAccount(deps.db.kysely, accountId)
  cache.put(cache.organizationMap(), accountId, organizations, now)
  return organizations
}
