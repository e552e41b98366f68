import { planLimits } from '../accounts/plans.ts'
import type { Actor } from '../auth/actor.ts'
import { canAccessOrganization } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { countIdeas, findIdeaById, findMaxIdeaPosition, insertIdea, listIdeaGroups, listIdeas, type IdeaGroupRecord, type IdeaRecord } from '../storage/ideas-repo.ts'

export type IdeaError =
  | { code: 'ORGANIZATION_NOT_FOUND'; message: string }
  | { code: 'INVALID_INPUT'; message: string; field: string }
  | { code: 'LIMIT_REACHED'; message: string }

export interface CreateIdeaCommand {
  organizationId: string
  content: {
    title?: string | null
    text?: string | null
    aiAssisted?: boolean | null
    date?: Date | null
    media?: ReadonlyArray<{ url: string; alt?: string | null; thumbnailUrl?: string | null; type: string; size?: number | null; source?: { name: string; id?: string | null; author?: string | null; authorUrl?: string | null } | null }> | null
    services?: readonly string[] | null
    tags?: ReadonlyArray<{ id: string; name: string; color: string }> | null
  }
  group?: { groupId?: string | null; placeAfterId?: string | null } | null
}

const MAX_IDEA_TEXT = 100_000
const MAX_IDEA_MEDIA = 50

function notFound(organizationId: string): IdeaError {
  return { code: 'ORGANIZATION_NOT_FOUND', message: `Organization ${organizationId} was not found.` }
}

function invalid(field: string, message: string): IdeaError {
  return { code: 'INVALID_INPUT', field, message }
}

/** Creates an idea in the organization, at the end of its group unless `placeAfterId` is given. */
export async function createIdea(deps: AppDeps, actor: Actor, input: CreateIdeaCommand): Promise<Result<IdeaRecord, IdeaError>> {
  if (!canAccessOrganization(actor, input.organizationId)) return err(notFound(input.organizationId))
  const content = input.content
  const title = content.title?.trim() ?? ''
  const text = content.text ?? ''
  const media = content.media ?? []
  if (title === '' && text.trim() === '' && media.length === 0) return err(invalid('content', 'An idea needs a title, text or media.'))
  if (text.length > MAX_IDEA_TEXT || !text.isWellFormed()) return err(invalid('content.text', `Text must be valid Unicode of at most ${MAX_IDEA_TEXT} characters.`))
  if (media.length > MAX_IDEA_MEDIA) return err(invalid('content.media', `An idea can have at most ${MAX_IDEA_MEDIA} media items.`))
  for (const [index, item] of media.entries()) {
    if (item.type === 'video') return err(invalid(`content.media[${index}].type`, 'Video media on ideas is not supported through the API; attach a link or image instead.'))
    if (!/^https?:\/\//.test(item.url)) return err(invalid(`content.media[${index}].url`, 'Media URLs must be absolute http or https URLs.'))
  }

  const organization = await deps.db.kysely.selectFrom('organizations').select('plan').where('id', '=', input.organizationId).executeTakeFirst()
  const limit = planLimits(organization?.plan ?? 'free').ideas
  if ((await countIdeas(deps.db.kysely, input.organizationId)) >= limit) {
    return err({ code: 'LIMIT_REACHED', message: `This organization already has ${limit} ideas, the most its plan allows. Delete some first.` })
  }

  const groupId = input.group?.groupId ?? null
  if (groupId !== null) {
    const groups = await listIdeaGroups(deps.db.kysely, input.organizationId)
    if (!groups.some((group) => group.id === groupId)) return err(invalid('group.groupId', `Idea group ${groupId} was not found in this organization.`))
  }
  const position = await ideaPosition(deps, input.organizationId, groupId, input.group?.placeAfterId ?? null)
  if (!position.ok) return position

  const now = deps.now()
  const idea: IdeaRecord = {
    id: newObjectId(now),
    organizationId: input.organizationId,
    groupId,
    position: position.value,
    title: title === '' ? null : title,
    text: text === '' ? null : text,
    aiAssisted: content.aiAssisted ?? false,
    date: content.date?.getTime() ?? null,
    media: media.map((item) => ({
      id: newObjectId(now),
      url: item.url,
      alt: item.alt ?? null,
      thumbnailUrl: item.thumbnailUrl ?? null,
      type: item.type,
      size: item.size ?? null,
      source: item.source ? { name: item.source.name, id: item.source.id ?? null, author: item.source.author ?? null, authorUrl: item.source.authorUrl ?? null } : null,
    })),
    services: [...new Set(content.services ?? [])],
    tags: (content.tags ?? []).map((tag) => ({ id: tag.id, name: tag.name, color: tag.color })),
    createdAt: now.getTime(),
    updatedAt: now.getTime(),
  }
  await insertIdea(deps.db.kysely, idea)
  deps.log.info({ ideaId: idea.id, organizationId: idea.organizationId }, 'idea created')

  return ok(idea)
}

async function ideaPosition(deps: AppDeps, organizationId: string, groupId: string | null, placeAfterId: string | null): Promise<Result<number, IdeaError>> {
  if (placeAfterId !== null) {
    const after = await findIdeaById(deps.db.kysely, placeAfterId)
    if (after === undefined || after.organizationId !== organizationId) {
      return err(invalid('group.placeAfterId', `Idea ${placeAfterId} was not found in this organization.`))
    }
    return ok(after.position + 0.5)
  }
  const max = await findMaxIdeaPosition(deps.db.kysely, organizationId, groupId)

  return ok(max === null ? 0 : max + 1)
}

export const DEFAULT_IDEAS_PAGE_SIZE = 20
export const MAX_IDEAS_PAGE_SIZE = 100

/** Lists one page of an organization's ideas, oldest first. */
export async function listIdeasPage(
  deps: AppDeps,
  actor: Actor,
  input: {
    organizationId: string
    first: number | null
    after: string | null
    groupFilter?: { groups?: readonly string[] | null; membership?: 'grouped' | 'ungrouped' | null } | null
    tagsFilter?: { in: readonly string[]; isEmpty?: boolean | null } | null
  },
): Promise<Result<{ ideas: IdeaRecord[]; hasNextPage: boolean }, IdeaError>> {
  if (!canAccessOrganization(actor, input.organizationId)) return err(notFound(input.organizationId))
  if (input.first !== null && input.first < 0) return err(invalid('first', `first must be 0 or more; got ${input.first}.`))
  if (input.groupFilter?.groups && input.groupFilter.membership) {
    return err(invalid('input.groupFilter', 'groupFilter takes exactly one of groups or membership.'))
  }
  if ((input.groupFilter?.groups?.length ?? 0) > 100 || (input.tagsFilter?.in.length ?? 0) > 100) {
    return err(invalid('input', 'groupFilter.groups and tagsFilter.in take at most 100 ids each.'))
  }
  const afterId = input.after === null ? null : decodeIdeaCursor(input.after)
  if (afterId === undefined) return err(invalid('after', 'after is not a cursor from this query; pass the endCursor of the previous page.'))

  const limit = Math.min(input.first ?? DEFAULT_IDEAS_PAGE_SIZE, MAX_IDEAS_PAGE_SIZE)
  if (limit === 0) return ok({ ideas: [], hasNextPage: false })

  return ok(
    await listIdeas(deps.db.kysely, {
      organizationId: input.organizationId,
      ...(input.groupFilter?.groups && { groupIds: input.groupFilter.groups }),
      ...(input.groupFilter?.membership && { membership: input.groupFilter.membership }),
      ...(input.tagsFilter && { tagIds: input.tagsFilter.in, tagsEmpty: input.tagsFilter.isEmpty ?? false }),
      afterId,
      limit,
    }),
  )
}

export function encodeIdeaCursor(ideaId: string): string {
  return Buffer.from(`idea:${ideaId}`, 'utf8').toString('base64url')
}

function decodeIdeaCursor(cursor: string): string | undefined {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8')
  const match = /^idea:([0-9a-f]{24})$/.exec(decoded)

  return match?.[1]
}

export async function listOrganizationIdeaGroups(deps: AppDeps, actor: Actor, organizationId: string): Promise<Result<IdeaGroupRecord[], IdeaError>> {
  if (!canAccessOrganization(actor, organizationId)) return err(notFound(organizationId))
  return ok(await listIdeaGroups(deps.db.kysely, organizationId))
}
