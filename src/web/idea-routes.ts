import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '../deps.ts'
import { listIdeasPage, MAX_IDEAS_PAGE_SIZE } from '../ideas/ideas.ts'
import type { IdeaRecord } from '../storage/ideas-repo.ts'
import { safeHref } from './present.ts'
import { renderPage } from './render.ts'
import { viewerOf } from './viewer.ts'
import { formatInZone } from './zoned-time.ts'

/** Registers the ideas list: saved ideas of every organization, each with a link into the composer. */
export function registerIdeaRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/ideas', async (request, reply) => {
    const viewer = viewerOf(request)
    const ideas: IdeaRecord[] = []
    let truncated = false
    for (const organizationId of viewer.actor.organizationIds) {
      const page = await listIdeasPage(deps, viewer.actor, { organizationId, first: MAX_IDEAS_PAGE_SIZE, after: null })
      if (!page.ok) throw new Error(`Listing ideas for the web app failed: ${page.error.message}`)
      ideas.push(...page.value.ideas)
      truncated ||= page.value.hasNextPage
    }

    return renderPage(request, reply, 'ideas', { title: 'Ideas', section: 'ideas' }, {
      ideas: ideas.map((idea) => ({
        id: idea.id,
        title: idea.title,
        text: idea.text,
        created: formatInZone(idea.createdAt, viewer.account.timezone),
        media: idea.media.map((item) => ({ type: item.type, url: safeHref(item.url), altText: item.alt ?? '' })),
      })),
      truncated,
    })
  })
}
