/** Plans an organization can be on. `unlimited` is Pigeon's own, for self-hosted installs. */
export const PLAN_NAMES = ['free', 'essentials', 'team', 'unlimited'] as const
export type PlanName = (typeof PLAN_NAMES)[number]

/** The largest value a GraphQL `Int` can carry; used where a plan sets no real limit. */
const NO_LIMIT = 2_147_483_647

/** Limits of one plan. Field names follow Buffer's `OrganizationLimits` type, plus the key cap. */
export interface PlanLimits {
  /** Active (unrevoked, unexpired) API keys per account. */
  apiKeys: number
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
