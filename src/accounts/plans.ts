/** Plans an organization can be on. `unlimited` is Pigeon's own, for self-hosted installs. */
export const PLAN_NAMES = ['free', 'essentials', 'team', 'unlimited'] as const
export type PlanName = (typeof PLAN_NAMES)[number]

/** The largest value a GraphQL `Int` can carry; used where a plan sets no real limit. */
const NO_LIMIT = 2_147_483_647

/** Requests an API key may make in each rolling window. */
export interface RateLimitQuotas {
  fifteenMinutes: number
  oneDay: number
  thirtyDays: number
}

/** Limits of one plan. Field names follow Buffer's `OrganizationLimits` type, plus the key cap. */
export interface PlanLimits {
  /** Active (unrevoked, unexpired) API keys per account. */
  apiKeys: number
  /** Buffer's API quotas per key: Free 100/250/3,000, Essentials 100/250/7,500, Team 100/500/15,000. */
  rateLimits: RateLimitQuotas
  channels: number
  members: number
  scheduledPosts: number
  tags: number
  ideas: number
  ideaGroups: number
  savedReplies: number
  generateContent: number
  scheduledThreadsPerChannel: number
  scheduledStoriesPerChannel: number
  postTemplates: number
  /** Posts a channel may have scheduled or sent on one local day; null means no limit. */
  dailyPostsPerChannel: number | null
}

// NOTE: Buffer documents only the API key counts (Free 1, Essentials 3, Team 5) and one observed
// set of Free limits (channels 3, scheduledPosts 10, tags 3, ideas 100, ideaGroups 3, …). The
// Essentials and Team values other than apiKeys are Pigeon's choices, not Buffer's figures.
const PLANS: Record<PlanName, PlanLimits> = {
  free: {
    apiKeys: 1,
    rateLimits: { fifteenMinutes: 100, oneDay: 250, thirtyDays: 3000 },
    channels: 3,
    members: 0,
    scheduledPosts: 10,
    tags: 3,
    ideas: 100,
    ideaGroups: 3,
    savedReplies: 1,
    generateContent: 5000,
    scheduledThreadsPerChannel: 1,
    scheduledStoriesPerChannel: 2000,
    postTemplates: 3,
    dailyPostsPerChannel: 50,
  },
  essentials: {
    apiKeys: 3,
    rateLimits: { fifteenMinutes: 100, oneDay: 250, thirtyDays: 7500 },
    channels: 100,
    members: 0,
    scheduledPosts: 2000,
    tags: 250,
    ideas: 5000,
    ideaGroups: 50,
    savedReplies: 100,
    generateContent: 50000,
    scheduledThreadsPerChannel: 2000,
    scheduledStoriesPerChannel: 2000,
    postTemplates: 250,
    dailyPostsPerChannel: 100,
  },
  team: {
    apiKeys: 5,
    rateLimits: { fifteenMinutes: 100, oneDay: 500, thirtyDays: 15000 },
    channels: 1000,
    members: 100,
    scheduledPosts: 20000,
    tags: 1000,
    ideas: 20000,
    ideaGroups: 200,
    savedReplies: 1000,
    generateContent: 100000,
    scheduledThreadsPerChannel: 2000,
    scheduledStoriesPerChannel: 2000,
    postTemplates: 1000,
    dailyPostsPerChannel: 100,
  },
  unlimited: {
    apiKeys: 100,
    // Pigeon's own plan for self-hosted installs: generous quotas that still stop a runaway loop.
    rateLimits: { fifteenMinutes: 10_000, oneDay: 200_000, thirtyDays: 5_000_000 },
    channels: NO_LIMIT,
    members: NO_LIMIT,
    scheduledPosts: NO_LIMIT,
    tags: NO_LIMIT,
    ideas: NO_LIMIT,
    ideaGroups: NO_LIMIT,
    savedReplies: NO_LIMIT,
    generateContent: NO_LIMIT,
    scheduledThreadsPerChannel: NO_LIMIT,
    scheduledStoriesPerChannel: NO_LIMIT,
    postTemplates: NO_LIMIT,
    dailyPostsPerChannel: null,
  },
}

export function isPlanName(value: string): value is PlanName {
  return (PLAN_NAMES as readonly string[]).includes(value)
}

/** Returns the limits of a plan; unknown names (from an older database) fall back to free. */
export function planLimits(plan: string): PlanLimits {
  return isPlanName(plan) ? PLANS[plan] : PLANS.free
}

/** Quotas that allow at least what each of the given plans allows, window by window. */
export function mostGenerousRateLimits(plans: readonly string[]): RateLimitQuotas {
  const quotas = plans.map((plan) => planLimits(plan).rateLimits)
  if (quotas.length === 0) return PLANS.free.rateLimits

  return {
    fifteenMinutes: Math.max(...quotas.map((quota) => quota.fifteenMinutes)),
    oneDay: Math.max(...quotas.map((quota) => quota.oneDay)),
    thirtyDays: Math.max(...quotas.map((quota) => quota.thirtyDays)),
  }
}
