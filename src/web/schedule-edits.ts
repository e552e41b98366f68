import type { ScheduleDayInput } from '../posts/queue-slots.ts'
import type { StoredScheduleDay } from '../storage/channels-repo.ts'

// Each helper turns one form action into the full schedule that updatePostingSchedule takes.
// They only reshape the stored schedule, and the domain validates the result (time format, limits).

function copy(schedule: readonly StoredScheduleDay[]): ScheduleDayInput[] {
  return schedule.map((entry) => ({ day: entry.day, times: [...entry.times], paused: entry.paused }))
}

function dayEntry(schedule: ScheduleDayInput[], day: string): ScheduleDayInput {
  let entry = schedule.find((candidate) => candidate.day === day)
  if (entry === undefined) {
    entry = { day, times: [], paused: false }
    schedule.push(entry)
  }

  return entry
}

/** True when `day` of the schedule already has `time`, so adding it would change nothing. */
export function hasTime(schedule: readonly StoredScheduleDay[], day: string, time: string): boolean {
  return schedule.some((entry) => entry.day === day && entry.times.includes(time))
}

/** Returns the schedule with `time` added to `day`; the domain sorts the times and drops duplicates. */
export function withTimeAdded(schedule: readonly StoredScheduleDay[], day: string, time: string): ScheduleDayInput[] {
  const next = copy(schedule)
  const entry = dayEntry(next, day)
  entry.times = [...entry.times, time]

  return next
}

/** Returns the schedule without `time` on `day`. */
export function withTimeRemoved(schedule: readonly StoredScheduleDay[], day: string, time: string): ScheduleDayInput[] {
  const next = copy(schedule)
  const entry = dayEntry(next, day)
  entry.times = entry.times.filter((candidate) => candidate !== time)

  return next
}

/** Returns the schedule with `day` paused or resumed. A paused day keeps its times but offers no slots. */
export function withDayPaused(schedule: readonly StoredScheduleDay[], day: string, paused: boolean): ScheduleDayInput[] {
  const next = copy(schedule)
  dayEntry(next, day).paused = paused

  return next
}

/** Returns a copy of the schedule, for a change of timezone only. */
export function unchanged(schedule: readonly StoredScheduleDay[]): ScheduleDayInput[] {
  return copy(schedule)
}
