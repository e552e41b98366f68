import { planLimits } from '../../../accounts/plans.ts'
import { canAccessOrganization } from '../../../auth/actor.ts'
import { cachedAccount, cachedOrganizations, getAccount, getOrganizations } from '../../../accounts/account-reads.ts'
import { countMembers, findOwnerEmail, type AccountRecord, type OrganizationRecord } from '../../../storage/accounts-repo.ts'
import { countChannels } from '../../../storage/channels-repo.ts'
import type { GraphQLContext } from '../context.ts'

// On most requests of a busy client, the account cache has what the two resolvers below need.
// They then return plain values, not promises, so graphql-jit completes the fields at once.
export const accountResolvers = {
  Query: {
    account(_root: unknown, _args: unknown, context: GraphQLContext) {
      const accountId = context.actor.accountId
      const cached = cachedAccount(context.deps, accountId)
      if (cached !== undefined) return presentAccount(cached)

      return getAccount(context.deps, accountId).then((account) => {
        if (account === undefined) throw new Error(`Account ${accountId} of a verified key is missing`)
        return presentAccount(account)
      })
    },
  },
  Account: {
    organizations(account: { id: string }, args: { filter?: { organizationId: string } | null }, context: GraphQLContext) {
      const filterId = args.filter?.organizationId ?? null
      const cached = cachedOrganizations(context.deps, account.id)
      if (cached !== undefined) return presentOrganizations(cached, context, filterId)

      return getOrganizations(context.deps, account.id).then((organizations) => presentOrganizations(organizations, context, filterId))
    },
  },
  Organization: {
    async channelCount(organization: { id: string }, _args: unknown, context: GraphQLContext) {
      return countChannels(context.deps.db.kysely, organization.id)
    },
    async members(organization: { id: string }, _args: unknown, context: GraphQLContext) {
      return { totalCount: await countMembers(context.deps.db.kysely, organization.id) }
    },
    async ownerEmail(organization: { id: string }, _args: unknown, context: GraphQLContext) {
      return (await findOwnerEmail(context.deps.db.kysely, organization.id)) ?? ''
    },
  },
}

// Computed once per plan: plans are constants, and organizations are read on most requests.
const apiLimitsByPlan = new Map<string, Record<string, unknown>>()

/** Returns the plan limits the API shows: every limit except those Buffer's schema has no field for. */
function apiPlanLimits(plan: string): Record<string, unknown> {
  let limits = apiLimitsByPlan.get(plan)
  if (limits === undefined) {
    const { apiKeys: _apiKeys, dailyPostsPerChannel: _daily, rateLimits: _rateLimits, ...shown } = planLimits(plan)
    limits = Object.freeze(shown)
    apiLimitsByPlan.set(plan, limits)
  }

  return limits
}

function presentOrganization(organization: OrganizationRecord): Record<string, unknown> {
  return { id: organization.id, name: organization.name, limits: apiPlanLimits(organization.plan), shouldEnforce2FASetup: false }
}

function presentAccount(account: AccountRecord): Record<string, unknown> {
  return {
    id: account.id,
    email: account.email,
    backupEmail: null,
    avatar: account.avatar ?? '',
    createdAt: account.createdAt,
    name: account.name,
    timezone: account.timezone,
    preferences: { timeFormat: '24h', startOfWeek: 'monday', defaultScheduleOption: 'Queue' },
    connectedApps: [],
  }
}

/** Returns the organizations the key may read: a key bound to one organization gets only that one. */
function presentOrganizations(organizations: readonly OrganizationRecord[], context: GraphQLContext, filterId: string | null): Record<string, unknown>[] {
  const visible: Record<string, unknown>[] = []
  for (const organization of organizations) {
    if (canAccessOrganization(context.actor, organization.id) && (filterId === null || organization.id === filterId)) visible.push(presentOrganization(organization))
  }

  return visible
}
