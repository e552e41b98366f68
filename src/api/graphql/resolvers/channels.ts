import { getChannel, listChannels, setQueuePaused, updatePostingSchedule } from '../../../channel-settings/channel-settings.ts'
import { getDailyPostingLimits } from '../../../posts/daily-limits.ts'
import type { GraphQLContext } from '../context.ts'
import { presentChannel } from '../present/channel.ts'
import { toMutationError, toQueryError } from './map-errors.ts'

interface ScheduleDayArg {
  day: string
  times: string[]
  paused?: boolean | null
}

export const channelResolvers = {
  Query: {
    async channels(_root: unknown, args: { input: { organizationId: string; filter?: { isLocked?: boolean | null } | null } }, context: GraphQLContext) {
      const result = await listChannels(context.deps, context.actor, { organizationId: args.input.organizationId, isLocked: args.input.filter?.isLocked ?? null })
      if (!result.ok) throw toQueryError(result.error)

      return result.value.map(presentChannel)
    },
    async channel(_root: unknown, args: { input: { id: string } }, context: GraphQLContext) {
      const result = await getChannel(context.deps, context.actor, args.input.id)
      if (!result.ok) throw toQueryError(result.error)

      return presentChannel(result.value)
    },
    async dailyPostingLimits(_root: unknown, args: { input: { channelIds: string[]; date?: Date | null } }, context: GraphQLContext) {
      const result = await getDailyPostingLimits(context.deps, context.actor, { channelIds: args.input.channelIds, date: args.input.date ?? null })
      if (!result.ok) throw toQueryError(result.error)

      return result.value
    },
  },
  Mutation: {
    async updatePostingSchedule(_root: unknown, args: { input: { channelId: string; schedule: ScheduleDayArg[]; timezone?: string | null } }, context: GraphQLContext) {
      const result = await updatePostingSchedule(context.deps, context.actor, args.input)
      if (!result.ok) return toMutationError(result.error)

      return { __typename: 'ChannelActionSuccess', channel: presentChannel(result.value) }
    },
    async setChannelQueuePaused(_root: unknown, args: { input: { channelId: string; paused: boolean } }, context: GraphQLContext) {
      const result = await setQueuePaused(context.deps, context.actor, args.input)
      if (!result.ok) return toMutationError(result.error)

      return { __typename: 'ChannelActionSuccess', channel: presentChannel(result.value) }
    },
  },
}
