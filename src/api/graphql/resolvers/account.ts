import { planLimits } from '../../../accounts/plans.ts'
import { canAccessOrganization } from '../../../auth/actor.ts'
import { getAccount, getOrganizations } from '../../../accounts/account-reads.ts'
import { countMembers, findOwnerEmail, type OrganizationRecord } from '../../../storage/accounts-repo.ts'
import { countChannels } from '../../../storage/channels-repo.ts'
import type { GraphQLContext } from '../context.ts'

export const accountResolvers = {
  Query: {
    async account(_root: unknown, _args: unknown, context: GraphQLContext) {
      const account = await getAccount(context.deps, context.actor.accountId)
      if (account === undefined) throw new Error(`Account ${context.actor.accountId} of a verified key is missing`)

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
    },
  },
  Account: {
    async organizations(account: { id: string }, args: { filter?: { organizationId: string } | null }, context: GraphQLContext) {
      const organizations = await getOrganizations(context.deps, account.id)
      const wanted = args.filter?.organizationId

      // A key restricted to one organization sees only that one.
      const shown: Record<string, unknown>[] = []
      for (const organization of organizations) {
        if (canAccessOrganization(context.actor, organization.id) && (wanted === undefined || organization.id === wanted)) shown.push(presentOrganization(organization))
      }

      return shown
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

/** The plan limits the API shows: every limit except those Buffer's schema has no field for. */
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
