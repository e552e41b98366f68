import { isScheduleTime, type ScheduleDayInput } from '../posts/queue-slots.ts'
import type { StoredScheduleDay } from '../storage/channels-repo.ts'

// Each helper turns one form action into the full schedule that updatePostingSchedule takes.
// They only reshape the stored schedule, and the domain validates the result (time format, limits).

const DAY_NAMES: Record<string, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' }

/** Returns the English name of a schedule day such as 'sat' ('Saturday'), or the value itself when it is not a day. */
export function dayName(day: string): string {
  return DAY_NAMES[day] ?? day
}

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

/**
 * Returns why the time typed into a day's "New time" field cannot be added, in the page's words,
 * or null when it can. The domain checks the same format again when the schedule is saved.
 */
export function addTimeProblem(schedule: readonly StoredScheduleDay[], day: string, time: string): string | null {
  if (time.trim() === '') return `The new time for ${dayName(day)} is missing; enter it as HH:MM in 24-hour time.`
  if (!isScheduleTime(time)) return `"${time.slice(0, 40)}" is not a valid time for ${dayName(day)}; enter it as HH:MM in 24-hour time, 00:00 to 23:59.`
  if (hasTime(schedule, day, time)) return `${time} is already in the schedule for ${dayName(day)}, so nothing was changed.`

  return null
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
