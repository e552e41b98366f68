import { listPostsPage, type ListPostsCommand } from '../posts/list-posts.ts'
import type { AppDeps } from '../deps.ts'
import type { PostRecord } from '../storage/posts-repo.ts'
import type { Viewer } from './viewer.ts'

/** Maximum posts one page of the web app reads; a calendar month rarely contains more. */
export const MAX_POSTS_PER_VIEW = 1000

/**
 * Reads posts of every organization the viewer belongs to, through the same listing the API uses,
 * up to `max` posts. Returns them in the order of `sort` per organization, organizations one after
 * another, plus whether more were left out.
 */
export async function listViewerPosts(
  deps: AppDeps,
  viewer: Viewer,
  query: { filter: ListPostsCommand['filter']; sort: ListPostsCommand['sort']; max?: number },
): Promise<{ posts: PostRecord[]; truncated: boolean }> {
  const max = query.max ?? MAX_POSTS_PER_VIEW
  const posts: PostRecord[] = []

  for (const organizationId of viewer.actor.organizationIds) {
    let after: string | null = null
    while (posts.length < max) {
      const page = await listPostsPage(deps, viewer.actor, { organizationId, filter: query.filter, sort: query.sort, first: Math.min(100, max - posts.length), after })
      if (!page.ok) throw new Error(`Listing posts for the web app failed: ${page.error.message}`)
      posts.push(...page.value.posts)
      if (!page.value.hasNextPage) break
      after = page.value.cursors.at(-1) ?? null
    }
    if (posts.length >= max) return { posts, truncated: true }
  }

  return { posts, truncated: false }
}
