import type { ApiKeyActor } from './actor.ts'

interface CacheEntry {
  actor: ApiKeyActor
  /** When the cache entry stops being trusted (ms). */
  validUntil: number
}

/**
 * Verified keys by the token a client sent, kept for at most `ttlMs` so the hot path skips the
 * checksum, the hash and the database. Tokens stay in memory no longer than that. A key
 * revoked on this process is dropped at once; on other processes it works for at most `ttlMs`
 * more. Holds at most `maxEntries` keys and evicts the oldest beyond that.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, CacheEntry>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(token: string, now: number): ApiKeyActor | undefined {
    const entry = this.entries.get(token)
    if (entry === undefined) return undefined
    if (entry.validUntil <= now) {
      this.entries.delete(token)
      return undefined
    }

    return entry.actor
  }

  /** Caches a verified key until `now + ttl`, or until the key itself expires if that is sooner. */
  set(token: string, actor: ApiKeyActor, now: number, keyExpiresAt: number | null): void {
    if (this.ttlMs <= 0) return
    const validUntil = Math.min(now + this.ttlMs, keyExpiresAt ?? Number.POSITIVE_INFINITY)
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    this.entries.set(token, { actor, validUntil })
  }

  /** Drops every cached entry of a key id (used on revocation). */
  deleteByKeyId(apiKeyId: string): void {
    for (const [token, entry] of this.entries) {
      if (entry.actor.apiKeyId === apiKeyId) this.entries.delete(token)
    }
  }

  /** Drops every cached entry of an account (used when its memberships change). */
  deleteByAccountId(accountId: string): void {
    for (const [token, entry] of this.entries) {
      if (entry.actor.accountId === accountId) this.entries.delete(token)
    }
  }
}
