import { planLimits } from '../accounts/plans.ts'
import type { AppDeps } from '../deps.ts'
import { listOrganizationsForAccount, type OrganizationRecord } from '../storage/accounts-repo.ts'
import { countActiveApiKeys } from '../storage/api-keys-repo.ts'

/** How many active API keys an account has and may have. */
export interface ApiKeyAllowance {
  /** Maximum key count among the plans of the account's organizations, at least 1. */
  limit: number
  /** Keys that are neither revoked nor expired. */
  active: number
}

/** Reads the account's key cap and its active keys, counted the way `createApiKey` counts them. */
export async function getApiKeyAllowance(deps: AppDeps, accountId: string): Promise<ApiKeyAllowance> {
  const organizations = await listOrganizationsForAccount(deps.db.kysely, accountId)
  const active = await countActiveApiKeys(deps.db.kysely, accountId, deps.now().getTime())

  return { limit: apiKeyLimitOf(organizations), active }
}

/** Returns the largest key count the plans of an account's organizations allow, at least 1. */
export function apiKeyLimitOf(organizations: readonly OrganizationRecord[]): number {
  return Math.max(1, ...organizations.map((organization) => planLimits(organization.plan).apiKeys))
}
