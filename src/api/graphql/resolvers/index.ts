import { buildSchema } from 'graphql'
import { withScopeChecks } from '../operation-scopes.ts'
import { scalarResolvers } from '../scalars.ts'
import { accountResolvers } from './account.ts'
import { channelResolvers } from './channels.ts'
import { ideaResolvers } from './ideas.ts'
import { postResolvers } from './posts.ts'

/** Every resolver of the schema, merged by type; root fields check the key's scopes first. */
export function buildResolvers(schemaSource: string): Record<string, unknown> {
  const schema = buildSchema(schemaSource)
  const fieldsOf = (type: 'Query' | 'Mutation') => Object.keys(schema.getType(type) === undefined ? {} : (schema.getType(type) as { getFields(): object }).getFields())

  return {
    ...scalarResolvers(),
    Query: withScopeChecks('Query', { ...accountResolvers.Query, ...channelResolvers.Query, ...postResolvers.Query, ...ideaResolvers.Query }, fieldsOf('Query')),
    Mutation: withScopeChecks('Mutation', { ...channelResolvers.Mutation, ...postResolvers.Mutation, ...ideaResolvers.Mutation }, fieldsOf('Mutation')),
    Account: accountResolvers.Account,
    Organization: accountResolvers.Organization,
    Post: postResolvers.Post,
  }
}
