import type { Executor } from '../storage/executor.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import { findTakenDueTimes, listQueuedPosts, setQueueTimes, type PostRecord } from '../storage/posts-repo.ts'
import { assignQueueSlots, DEFAULT_HORIZON_DAYS, generateSlots } from './queue-slots.ts'

/** True for a post that holds a slot of its channel's queue, so re-slotting may move it. */
export function isQueued(post: Pick<PostRecord, 'status' | 'isCustomScheduled' | 'sharedNow'>): boolean {
  return post.status === 'scheduled' && !post.isCustomScheduled && !post.sharedNow
}

/** Slots examined per database read while looking for a free one. */
const SLOT_BATCH = 64
const MS_PER_DAY = 86_400_000

/**
 * Finds the channel's first free posting slot at or after `from`. Reads slots in batches and asks
 * the (channel_id, due_at) index which of each batch's instants are taken, so the cost grows with
 * the slots examined, not with the length of the queue. Returns null when the schedule has no
 * free slot within a year.
 */
export async function findNextFreeSlot(db: Executor, channel: ChannelRecord, from: Date): Promise<Date | null> {
  const horizonEnd = from.getTime() + DEFAULT_HORIZON_DAYS * MS_PER_DAY
  let cursor = from

  while (cursor.getTime() < horizonEnd) {
    const horizonDays = Math.max(1, Math.ceil((horizonEnd - cursor.getTime()) / MS_PER_DAY))
    const slots = generateSlots(channel.postingSchedule, channel.timezone, cursor, { limit: SLOT_BATCH, horizonDays })
    if (slots.length === 0) return null

    const taken = await findTakenDueTimes(db, channel.id, {
      fromMs: slots[0]!.getTime(),
      toMs: slots.at(-1)!.getTime(),
      excludeQueued: false,
    })
    const free = slots.find((slot) => !taken.has(slot.getTime()))
    if (free !== undefined) return free
    if (slots.length < SLOT_BATCH) return null
    cursor = new Date(slots.at(-1)!.getTime() + 1)
  }

  return null
}

/**
 * Gives the channel's queued posts fresh slots from `from` on, in the order of `orderedIds`
 * (queued posts missing from it keep their relative order after the listed ones). Slots held by
 * custom-scheduled posts, posts awaiting approval and posts being sent are skipped. Returns the
 * number of posts that found no slot within the horizon; those keep their old time.
 */
export async function reslotQueue(
  db: Executor,
  channel: ChannelRecord,
  args: { from: Date; orderedIds?: readonly string[]; now: number },
): Promise<number> {
  const queue = await listQueuedPosts(db, channel.id)
  const ordered = orderQueue(
    queue.map((post) => post.id),
    args.orderedIds ?? [],
  )
  const fixed = await findTakenDueTimes(db, channel.id, {
    fromMs: args.from.getTime(),
    toMs: args.from.getTime() + DEFAULT_HORIZON_DAYS * MS_PER_DAY,
    excludeQueued: true,
  })
  const slots = assignQueueSlots({
    queueLength: ordered.length,
    schedule: channel.postingSchedule,
    timeZone: channel.timezone,
    from: args.from,
    isTaken: (instant) => fixed.has(instant.getTime()),
  })

  const times: Array<[string, number]> = slots.map((slot, index) => [ordered[index]!, slot.getTime()])
  await setQueueTimes(db, times, args.now)

  return ordered.length - slots.length
}

function orderQueue(queueIds: readonly string[], preferred: readonly string[]): string[] {
  const inQueue = new Set(queueIds)
  const first = preferred.filter((id) => inQueue.has(id))
  const listed = new Set(first)

  return [...first, ...queueIds.filter((id) => !listed.has(id))]
}
