import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { getChannel } from '../channel-settings/channel-settings.ts'
import type { AppDeps } from '../deps.ts'
import { deletePost } from '../posts/delete-post.ts'
import { editPost } from '../posts/edit-post.ts'
import { getPost } from '../posts/get-post.ts'
import { movePostInQueue } from '../posts/move-post.ts'
import { retryPost } from '../posts/retry-post.ts'
import { setFlash } from './flash.ts'
import { field, formBody } from './form.ts'
import { presentChannel, presentPost } from './present.ts'
import { renderPage } from './render.ts'
import { listViewerPosts } from './viewer-posts.ts'
import { safeNextPath, viewerOf } from './viewer.ts'

/** Most posts the queue page lists. */
const QUEUE_PAGE_LIMIT = 200

type PostRequest = FastifyRequest<{ Params: { id: string } }>

/** Returns where to go after a post action: the form's local `returnTo` path, else the post's channel queue. */
function returnPath(request: PostRequest, channelId: string | null): string {
  const returnTo = field(formBody(request.body), 'returnTo')
  if (returnTo !== '') return safeNextPath(returnTo)

  return channelId === null ? '/app/channels' : `/app/channels/${channelId}/queue`
}

/** Registers a channel's queue page and the actions on single posts: move, share now, delete and retry. */
export function registerPostRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { id: string } }>('/channels/:id/queue', async (request, reply) => {
    const viewer = viewerOf(request)
    const channel = await getChannel(deps, viewer.actor, request.params.id)
    if (!channel.ok) return reply.callNotFound()

    const { posts, truncated } = await listViewerPosts(deps, viewer, {
      filter: { channelIds: [channel.value.id], status: ['scheduled', 'sending', 'needs_approval'] },
      sort: [{ field: 'dueAt', direction: 'asc' }],
      max: QUEUE_PAGE_LIMIT,
    })

    return renderPage(request, reply, 'queue', { title: `Queue of ${channel.value.name}`, section: 'channels' }, {
      channel: presentChannel(channel.value),
      isQueuePaused: channel.value.isQueuePaused,
      posts: posts.map((post) => presentPost(post, channel.value, viewer.account.timezone)),
      truncated,
      viewerZone: viewer.account.timezone,
    })
  })

  async function afterAction(request: PostRequest, reply: FastifyReply, outcome: { ok: true; text: string } | { ok: false; text: string }, channelId: string | null) {
    setFlash(request, reply, { kind: outcome.ok ? 'success' : 'error', text: outcome.text })
    return reply.redirect(returnPath(request, channelId), 303)
  }

  app.post<{ Params: { id: string } }>('/posts/:id/move', async (request, reply) => {
    const viewer = viewerOf(request)
    const position = field(formBody(request.body), 'position') === 'bottom' ? 'bottom' : 'top'

    const moved = await movePostInQueue(deps, viewer.actor, { id: request.params.id, position })
    if (!moved.ok) return afterAction(request, reply, { ok: false, text: moved.error.message }, null)
    return afterAction(request, reply, { ok: true, text: `Moved the post to the ${position} of the queue.` }, moved.value.channelId)
  })

  app.post<{ Params: { id: string } }>('/posts/:id/share-now', async (request, reply) => {
    const viewer = viewerOf(request)

    const shared = await editPost(deps, viewer.actor, { id: request.params.id, mode: 'shareNow', saveToDraft: false })
    if (!shared.ok) return afterAction(request, reply, { ok: false, text: shared.error.message }, null)
    return afterAction(request, reply, { ok: true, text: 'The post is being sent now.' }, shared.value.channelId)
  })

  app.post<{ Params: { id: string } }>('/posts/:id/delete', async (request, reply) => {
    const viewer = viewerOf(request)
    const post = await getPost(deps, viewer.actor, request.params.id)
    if (!post.ok) return afterAction(request, reply, { ok: false, text: post.error.message }, null)

    const deleted = await deletePost(deps, viewer.actor, post.value.id)
    if (!deleted.ok) return afterAction(request, reply, { ok: false, text: deleted.error.message }, post.value.channelId)
    const wasQueued = post.value.status === 'scheduled' && !post.value.isCustomScheduled
    const text = wasQueued ? 'The post is deleted. Queued posts after it moved up one slot each.' : 'The post is deleted.'
    return afterAction(request, reply, { ok: true, text }, post.value.channelId)
  })

  app.post<{ Params: { id: string } }>('/posts/:id/retry', async (request, reply) => {
    const viewer = viewerOf(request)

    const retried = await retryPost(deps, viewer.actor, request.params.id)
    if (!retried.ok) return afterAction(request, reply, { ok: false, text: retried.error.message }, null)
    return afterAction(request, reply, { ok: true, text: 'The post is being sent again.' }, retried.value.channelId)
  })
}
