import { planLimits } from '../accounts/plans.ts'
import type { Actor } from '../auth/actor.ts'
import { canAccessOrganization } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { findChannelsByIds } from '../storage/channels-repo.ts'
import { countPostsInRange } from '../storage/posts-repo.ts'
import { channelNotFound, invalidInput, type PostError } from './post-errors.ts'

export interface DailyPostingLimit {
  channelId: string
  isAtLimit: boolean
  limit: number | null
  scheduled: number
  sent: number
}

const MAX_CHANNELS = 100

/**
 * Reports, per channel, how many posts are scheduled and sent on the channel's local day that
 * contains `date` (default: now), against the plan's daily cap. All channels must belong to one
 * organization.
 */
export async function getDailyPostingLimits(
  deps: AppDeps,
  actor: Actor,
  input: { channelIds: readonly string[]; date: Date | null },
): Promise<Result<DailyPostingLimit[], PostError>> {
  const ids = [...new Set(input.channelIds)]
  if (ids.length > MAX_CHANNELS) return err(invalidInput('channelIds', `Ask for at most ${MAX_CHANNELS} channels at once; got ${ids.length}.`))

  const channels = await findChannelsByIds(deps.db.kysely, ids)
  const byId = new Map(channels.filter((channel) => canAccessOrganization(actor, channel.organizationId)).map((channel) => [channel.id, channel]))
  const missing = ids.find((id) => !byId.has(id))
  if (missing !== undefined) return err(channelNotFound(missing))
  const organizationIds = new Set([...byId.values()].map((channel) => channel.organizationId))
  if (organizationIds.size > 1) return err(invalidInput('channelIds', 'All channelIds must belong to one organization; query each organization separately.'))

  const organizationId = [...organizationIds][0]
  const plan = organizationId === undefined ? undefined : await deps.db.kysely.selectFrom('organizations').select('plan').where('id', '=', organizationId).executeTakeFirst()
  const limit = planLimits(plan?.plan ?? 'free').dailyPostsPerChannel
  const at = input.date ?? deps.now()

  const results: DailyPostingLimit[] = []
  for (const id of ids) {
    const channel = byId.get(id)!
    const day = localDayBounds(at, channel.timezone)
    const counts = await countPostsInRange(deps.db.kysely, channel.id, { fromMs: day.startMs, toMs: day.endMs })
    results.push({ channelId: id, limit, ...counts, isAtLimit: limit !== null && counts.scheduled + counts.sent >= limit })
  }

  return ok(results)
}

/** Offset of `timeZone` from UTC at `instantMs`, in ms (wall clock minus UTC). */
function offsetAt(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instantMs))
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0)
  const wall = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'))

  return wall - Math.floor(instantMs / 1000) * 1000
}

/** Start (inclusive) and end (exclusive) instants of the local day in `timeZone` that holds `at`. */
export function localDayBounds(at: Date, timeZone: string): { startMs: number; endMs: number } {
  const localNow = new Date(at.getTime() + offsetAt(at.getTime(), timeZone))
  const midnight = Date.UTC(localNow.getUTCFullYear(), localNow.getUTCMonth(), localNow.getUTCDate())
  const nextMidnight = midnight + 86_400_000

  return { startMs: toInstant(midnight, timeZone), endMs: toInstant(nextMidnight, timeZone) }
}

/**
 * Instant of a wall-clock time (given as if it were UTC) in `timeZone`, refined once for DST.
 * A time skipped by a spring-forward change is read with the offset before the change (02:30
 * becomes 03:30), so a skipped midnight (America/Havana, America/Santiago) resolves to the change.
 */
function toInstant(wallMs: number, timeZone: string): number {
  const guess = wallMs - offsetAt(wallMs, timeZone)
  const instant = wallMs - offsetAt(guess, timeZone)
  const offset = offsetAt(instant, timeZone)

  // In a gap the refined instant can fall before the change and read earlier than `wallMs`, as
  // west of Greenwich. The offset in force at that instant is the one before the change.
  return instant + offset < wallMs ? wallMs - offset : instant
}
