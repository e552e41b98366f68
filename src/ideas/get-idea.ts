import { canAccessOrganization, type Actor } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { findIdeaById, type IdeaRecord } from '../storage/ideas-repo.ts'

/** Reads one idea; an idea of another account reads as not found. */
export async function getIdea(deps: AppDeps, actor: Actor, ideaId: string): Promise<Result<IdeaRecord, { code: 'IDEA_NOT_FOUND'; message: string }>> {
  const idea = await findIdeaById(deps.db.kysely, ideaId)
  if (idea === undefined || !canAccessOrganization(actor, idea.organizationId)) {
    return err({ code: 'IDEA_NOT_FOUND', message: `Idea ${ideaId} was not found.` })
  }

  return ok(idea)
}
