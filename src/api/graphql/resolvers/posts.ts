import { createPost, type CreatePostCommand } from '../../../posts/create-post.ts'
import { deletePost } from '../../../posts/delete-post.ts'
import { editPost, type EditPostCommand } from '../../../posts/edit-post.ts'
import { listPostsPage, type ListPostsCommand } from '../../../posts/list-posts.ts'
import { movePostInQueue } from '../../../posts/move-post.ts'
import { findPostById, type PostRecord } from '../../../storage/posts-repo.ts'
import { canAccessOrganization } from '../../../auth/actor.ts'
import type { GraphQLContext } from '../context.ts'
import { ClientGraphQLError } from '../errors.ts'
import { presentChannel } from '../present/channel.ts'
import { presentPost } from '../present/post.ts'
import { presentPostMetadata } from '../present/post-metadata.ts'
import { toMutationError, toQueryError } from './map-errors.ts'

type PresentedPost = { record: PostRecord; channelId: string }

function postSuccess(post: PostRecord) {
  return { __typename: 'PostActionSuccess', post: presentPost(post) }
}

type CreatePostArgs = Omit<CreatePostCommand, 'dueAt' | 'text' | 'metadata' | 'tagIds' | 'ideaId' | 'draftId' | 'saveToDraft' | 'source' | 'aiAssisted'> & Partial<CreatePostCommand>

export const postResolvers = {
  Query: {
    async post(_root: unknown, args: { input: { id: string } }, context: GraphQLContext) {
      const post = await findPostById(context.deps.db.kysely, args.input.id)
      if (post === undefined || !canAccessOrganization(context.actor, post.organizationId)) {
        throw new ClientGraphQLError('NOT_FOUND', `Post ${args.input.id} was not found.`)
      }

      return presentPost(post)
    },
    async posts(_root: unknown, args: { first?: number | null; after?: string | null; input: Omit<ListPostsCommand, 'first' | 'after'> }, context: GraphQLContext) {
      const result = await listPostsPage(context.deps, context.actor, {
        organizationId: args.input.organizationId,
        filter: args.input.filter ?? null,
        sort: args.input.sort ?? null,
        first: args.first ?? null,
        after: args.after ?? null,
      })
      if (!result.ok) throw toQueryError(result.error)
      const { posts, cursors, hasNextPage } = result.value

      return {
        edges: posts.map((post, index) => ({ cursor: cursors[index], node: presentPost(post) })),
        pageInfo: { hasNextPage, hasPreviousPage: false, startCursor: cursors[0] ?? null, endCursor: cursors.at(-1) ?? null },
      }
    },
  },
  Mutation: {
    async createPost(_root: unknown, args: { input: CreatePostArgs }, context: GraphQLContext) {
      const input = args.input
      const result = await createPost(context.deps, context.actor, {
        channelId: input.channelId,
        mode: input.mode,
        schedulingType: input.schedulingType,
        dueAt: input.dueAt ?? null,
        text: input.text ?? null,
        assets: input.assets ?? [],
        metadata: input.metadata ?? null,
        tagIds: input.tagIds ?? null,
        ideaId: input.ideaId ?? null,
        draftId: input.draftId ?? null,
        saveToDraft: input.saveToDraft ?? null,
        needsApproval: input.needsApproval ?? false,
        source: input.source ?? null,
        aiAssisted: input.aiAssisted ?? null,
      })

      return result.ok ? postSuccess(result.value) : toMutationError(result.error)
    },
    async editPost(_root: unknown, args: { input: EditPostCommand }, context: GraphQLContext) {
      const result = await editPost(context.deps, context.actor, args.input)

      return result.ok ? postSuccess(result.value) : toMutationError(result.error)
    },
    async deletePost(_root: unknown, args: { input: { id: string } }, context: GraphQLContext) {
      const result = await deletePost(context.deps, context.actor, args.input.id)
      // DeletePostPayload has no NotFoundError member, so a missing post is a top-level error.
      if (!result.ok) throw toQueryError(result.error)

      return { __typename: 'DeletePostSuccess', id: result.value.id }
    },
    async movePostInQueue(_root: unknown, args: { input: { id: string; position: 'top' | 'bottom' } }, context: GraphQLContext) {
      const result = await movePostInQueue(context.deps, context.actor, args.input)
      if (!result.ok && result.error.code === 'POST_NOT_FOUND') throw toQueryError(result.error)
      if (!result.ok) return { __typename: 'VoidMutationError', message: result.error.message }

      return postSuccess(result.value)
    },
  },
  Post: {
    async channel(post: PresentedPost, _args: unknown, context: GraphQLContext) {
      const channel = await context.loaders.channel(post.channelId)
      if (channel === undefined) throw new Error(`Channel ${post.channelId} of post ${post.record.id} is missing`)
      return presentChannel(channel)
    },
    async channelService(post: PresentedPost, _args: unknown, context: GraphQLContext) {
      return (await context.loaders.channel(post.channelId))?.service
    },
    async metadata(post: PresentedPost, _args: unknown, context: GraphQLContext) {
      const channel = await context.loaders.channel(post.channelId)
      return channel === undefined ? null : presentPostMetadata(channel.service, post.record.metadata)
    },
    async tags(post: PresentedPost, _args: unknown, context: GraphQLContext) {
      const tags = (await context.loaders.postTags(post.record.id)) ?? []
      return tags.map((tag) => ({ id: tag.id, name: tag.name, color: tag.color, colorName: null, isLocked: tag.isLocked }))
    },
    async author(post: PresentedPost, _args: unknown, context: GraphQLContext) {
      if (post.record.authorAccountId === null) return null
      const account = await context.loaders.account(post.record.authorAccountId)
      if (account === undefined) return { id: post.record.authorAccountId, avatar: '', email: '', isDeleted: true, name: null, urn: null }
      return { id: account.id, avatar: account.avatar ?? '', email: account.email, isDeleted: false, name: account.name, urn: null }
    },
  },
}
