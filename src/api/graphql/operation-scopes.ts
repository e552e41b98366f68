import { hasScope } from '../../auth/actor.ts'
import type { Scope } from '../../auth/scopes.ts'
import type { GraphQLContext } from './context.ts'
import { ClientGraphQLError } from './errors.ts'

/** The scope each root operation needs. Every Query and Mutation field must be listed. */
export const OPERATION_SCOPES: Record<'Query' | 'Mutation', Record<string, Scope>> = {
  Query: {
    account: 'account:read',
    channels: 'posts:read',
    channel: 'posts:read',
    dailyPostingLimits: 'posts:read',
    posts: 'posts:read',
    post: 'posts:read',
    ideas: 'ideas:read',
    ideaGroups: 'ideas:read',
  },
  Mutation: {
    createPost: 'posts:write',
    editPost: 'posts:write',
    deletePost: 'posts:write',
    movePostInQueue: 'posts:write',
    updatePostingSchedule: 'posts:write',
    setChannelQueuePaused: 'posts:write',
    createIdea: 'ideas:write',
  },
}

/** Mutations whose payload union has an UnauthorizedError member to carry a missing scope. */
const UNAUTHORIZED_MEMBER = new Set(['createPost', 'editPost', 'createIdea'])

type Resolver = (root: unknown, args: any, context: GraphQLContext, info: unknown) => unknown

/**
 * Wraps each root resolver so that a restricted key without the operation's scope is refused
 * before the resolver runs: as an UnauthorizedError member where the payload has one, otherwise
 * as a top-level FORBIDDEN error. Throws at start-up when a root field declares no scope.
 */
export function withScopeChecks(type: 'Query' | 'Mutation', resolvers: Record<string, Resolver>, schemaFields: readonly string[]): Record<string, Resolver> {
  const undeclared = schemaFields.filter((field) => OPERATION_SCOPES[type][field] === undefined)
  if (undeclared.length > 0) throw new Error(`${type} fields without a declared scope: ${undeclared.join(', ')}`)

  return Object.fromEntries(
    Object.entries(resolvers).map(([field, resolve]) => {
      const scope = OPERATION_SCOPES[type][field]!
      const guarded: Resolver = (root, args, context, info) => {
        if (hasScope(context.actor, scope)) return resolve(root, args, context, info)

        const message = `This API key is restricted and lacks the ${scope} scope that ${field} needs; use a key that has it.`
        if (type === 'Mutation' && UNAUTHORIZED_MEMBER.has(field)) return { __typename: 'UnauthorizedError', message }
        throw new ClientGraphQLError('FORBIDDEN', message)
      }
      return [field, guarded]
    }),
  )
}
