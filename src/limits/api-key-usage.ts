import { mostGenerousRateLimits, type RateLimitQuotas } from '../accounts/plans.ts'
import type { AppDeps } from '../deps.ts'
import { listOrganizationsForAccount } from '../storage/accounts-repo.ts'
import type { ApiKeyRecord } from '../storage/api-keys-repo.ts'
import { apiKeyPartition, type RateLimiter, type WindowUsage } from './rate-limiter.ts'

/** Rate-limit usage of an account's keys, or `enabled: false` when PIGEON_RATE_LIMITS is false. */
export type ApiKeyUsage = { enabled: false } | { enabled: true; byKeyId: ReadonlyMap<string, readonly WindowUsage[]> }

/**
 * Reads how many requests each key has made in every rate-limit window, against the quotas that
 * the API applies to it. Reading counts no request.
 */
export async function readApiKeyUsage(deps: AppDeps, limiter: RateLimiter, accountId: string, keys: readonly ApiKeyRecord[]): Promise<ApiKeyUsage> {
  if (!deps.config.rateLimits.enabled) return { enabled: false }

  const organizations = await listOrganizationsForAccount(deps.db.kysely, accountId)
  const requests = keys.map((key) => {
    const plans = organizations.filter((organization) => key.organizationId === null || organization.id === key.organizationId).map((organization) => organization.plan)
    return { partitionKey: apiKeyPartition(key.id), quotas: quotasOf(deps, plans) }
  })
  const usage = await limiter.usage(requests)

  return { enabled: true, byKeyId: new Map(keys.map((key, index) => [key.id, usage[index]!])) }
}

// NOTE: these must be the quotas the API enforces. verifyApiKey takes the most generous plan of
// the key's organizations, and the rate-limit hook lets PIGEON_RATE_LIMIT_QUOTAS replace them.
function quotasOf(deps: AppDeps, plans: readonly string[]): RateLimitQuotas {
  return deps.config.rateLimits.quotas ?? mostGenerousRateLimits(plans)
}
