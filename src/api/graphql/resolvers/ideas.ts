import { createIdea, encodeIdeaCursor, listIdeasPage, listOrganizationIdeaGroups, type CreateIdeaCommand } from '../../../ideas/ideas.ts'
import type { IdeaRecord } from '../../../storage/ideas-repo.ts'
import type { GraphQLContext } from '../context.ts'
import { toMutationError, toQueryError } from './map-errors.ts'

function presentIdea(idea: IdeaRecord): Record<string, unknown> {
  return {
    __typename: 'Idea',
    id: idea.id,
    organizationId: idea.organizationId,
    groupId: idea.groupId,
    position: idea.position,
    // Buffer documents Idea.createdAt and updatedAt as Int Unix timestamps; Pigeon sends seconds.
    createdAt: Math.floor(idea.createdAt / 1000),
    updatedAt: Math.floor(idea.updatedAt / 1000),
    content: {
      title: idea.title,
      text: idea.text,
      aiAssisted: idea.aiAssisted,
      date: idea.date,
      media: idea.media,
      services: idea.services,
      tags: idea.tags.map((tag) => ({ ...tag, colorName: null })),
    },
  }
}

type IdeasArgs = {
  first?: number | null
  after?: string | null
  input: {
    organizationId: string
    groupFilter?: { groups?: string[] | null; membership?: 'grouped' | 'ungrouped' | null } | null
    tagsFilter?: { in: string[]; isEmpty?: boolean | null } | null
  }
}

export const ideaResolvers = {
  Query: {
    async ideas(_root: unknown, args: IdeasArgs, context: GraphQLContext) {
      const result = await listIdeasPage(context.deps, context.actor, { ...args.input, first: args.first ?? null, after: args.after ?? null })
      if (!result.ok) throw toQueryError(result.error)
      const cursors = result.value.ideas.map((idea) => encodeIdeaCursor(idea.id))

      return {
        edges: result.value.ideas.map((idea, index) => ({ cursor: cursors[index], node: presentIdea(idea) })),
        pageInfo: { hasNextPage: result.value.hasNextPage, hasPreviousPage: false, startCursor: cursors[0] ?? null, endCursor: cursors.at(-1) ?? null },
      }
    },
    async ideaGroups(_root: unknown, args: { input: { organizationId: string } }, context: GraphQLContext) {
      const result = await listOrganizationIdeaGroups(context.deps, context.actor, args.input.organizationId)
      if (!result.ok) throw toQueryError(result.error)

      return result.value.map((group) => ({ id: group.id, name: group.name, isLocked: group.isLocked }))
    },
  },
  Mutation: {
    async createIdea(_root: unknown, args: { input: CreateIdeaCommand }, context: GraphQLContext) {
      const result = await createIdea(context.deps, context.actor, args.input)
      // CreateIdeaPayload has no NotFoundError member, so an unknown organization is a top-level error.
      if (!result.ok && result.error.code === 'ORGANIZATION_NOT_FOUND') throw toQueryError(result.error)

      // Buffer answers a successful createIdea with the Idea member, not IdeaResponse.
      return result.ok ? presentIdea(result.value) : toMutationError(result.error)
    },
  },
}
