import { scalarResolvers } from '../scalars.ts'
import { accountResolvers } from './account.ts'
import { channelResolvers } from './channels.ts'
import { ideaResolvers } from './ideas.ts'
import { postResolvers } from './posts.ts'

/** Every resolver of the schema, merged by type. */
export function buildResolvers(): Record<string, unknown> {
  return {
    ...scalarResolvers(),
    Query: { ...accountResolvers.Query, ...channelResolvers.Query, ...postResolvers.Query, ...ideaResolvers.Query },
    Mutation: { ...channelResolvers.Mutation, ...postResolvers.Mutation, ...ideaResolvers.Mutation },
    Account: accountResolvers.Account,
    Organization: accountResolvers.Organization,
    Post: postResolvers.Post,
  }
}
