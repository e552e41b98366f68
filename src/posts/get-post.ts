import { canAccessOrganization, type Actor } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { findPostById, type PostRecord } from '../storage/posts-repo.ts'
import { postNotFound, type PostError } from './post-errors.ts'

/** Reads one post; a post of another account reads as not found. */
export async function getPost(deps: AppDeps, actor: Actor, postId: string): Promise<Result<PostRecord, PostError>> {
  const post = await findPostById(deps.db.kysely, postId)
  if (post === undefined || !canAccessOrganization(actor, post.organizationId)) return err(postNotFound(postId))

  return ok(post)
}
