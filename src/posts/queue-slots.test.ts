import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  DAYS_OF_WEEK,
  assignQueueSlots,
  defaultPostingSchedule,
  generateSlots,
  isValidTimeZone,
  validatePostingSchedule,
} from './queue-slots.ts'
import type { DayOfWeek, PostingSchedule, ScheduleDayInput } from './queue-slots.ts'

// Every expected instant below is written in UTC, so results must not depend on the process's TZ.
const NEW_YORK = 'America/New_York'
const BERLIN = 'Europe/Berlin'

/** Builds a schedule with the same times on every day, or only on `days` when given. */
function buildSchedule(times: string[], days: readonly DayOfWeek[] = DAYS_OF_WEEK): PostingSchedule {
  return DAYS_OF_WEEK.map((day) => ({ day, times: days.includes(day) ? times : [], paused: false }))
}

function toIso(dates: Date[]): string[] {
  return dates.map((date) => date.toISOString())
}

/** Formats minutes after midnight as 'HH:MM'. */
function formatMinutes(minutes: number): string {
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0')

  return `${hours}:${String(minutes % 60).padStart(2, '0')}`
}

function errorMessage(input: readonly ScheduleDayInput[]): string {
  const result = validatePostingSchedule(input)
  if (result.ok) throw new assert.AssertionError({ message: 'expected the schedule to be rejected' })

  return result.error.message
}

describe('validatePostingSchedule', () => {
  it('fills missing days', () => {
    const result = validatePostingSchedule([{ day: 'wed', times: ['09:00'] }])

    assert.deepEqual(result, {
      ok: true,
      value: [
        { day: 'mon', times: [], paused: false },
        { day: 'tue', times: [], paused: false },
        { day: 'wed', times: ['09:00'], paused: false },
        { day: 'thu', times: [], paused: false },
        { day: 'fri', times: [], paused: false },
        { day: 'sat', times: [], paused: false },
        { day: 'sun', times: [], paused: false },
      ],
    })
  })

  it('orders days monday first', () => {
    const result = validatePostingSchedule([
      { day: 'sun', times: [] },
      { day: 'mon', times: [] },
    ])

    assert.equal(result.ok, true)
    assert.deepEqual(result.ok && result.value.map((entry) => entry.day), [...DAYS_OF_WEEK])
  })

  it('sorts and deduplicates times', () => {
    const result = validatePostingSchedule([{ day: 'mon', times: ['17:00', '09:00', '17:00', '08:30'] }])

    assert.equal(result.ok, true)
    assert.deepEqual(result.ok && result.value[0]?.times, ['08:30', '09:00', '17:00'])
  })

  it('keeps paused flag', () => {
    const result = validatePostingSchedule([
      { day: 'mon', times: ['09:00'], paused: true },
      { day: 'tue', times: ['09:00'], paused: null },
    ])

    assert.equal(result.ok, true)
    assert.equal(result.ok && result.value[0]?.paused, true)
    assert.equal(result.ok && result.value[1]?.paused, false)
  })

  it('accepts 48 distinct times with repeats', () => {
    const times = Array.from({ length: 48 }, (_, index) => formatMinutes(index * 30))

    const result = validatePostingSchedule([{ day: 'mon', times: [...times, ...times] }])

    assert.equal(result.ok, true)
    assert.equal(result.ok && result.value[0]?.times.length, 48)
  })

  it('rejects hour above 23', () => {
    const result = validatePostingSchedule([{ day: 'tue', times: ['09:00', '25:00'] }])

    assert.equal(result.ok, false)
    assert.equal(!result.ok && result.error.code, 'INVALID_POSTING_SCHEDULE')
    assert.equal(
      !result.ok && result.error.message,
      'Invalid time "25:00" on tue: use HH:MM in 24-hour time, 00:00 to 23:59.',
    )
  })

  it('rejects malformed times', () => {
    for (const time of ['24:00', '9:00', '09:60', '0900', '09:00:00', '', ' 09:00', '09:5', '٠٩:٠٠']) {
      const message = errorMessage([{ day: 'sat', times: [time] }])

      assert.equal(message, `Invalid time ${JSON.stringify(time)} on sat: use HH:MM in 24-hour time, 00:00 to 23:59.`)
    }
  })

  it('rejects duplicate day', () => {
    const message = errorMessage([
      { day: 'tue', times: ['09:00'] },
      { day: 'tue', times: ['10:00'] },
    ])

    assert.equal(message, 'Duplicate day "tue": list each day at most once.')
  })

  it('rejects unknown day', () => {
    const message = errorMessage([{ day: 'monday', times: [] }])

    assert.equal(message, 'Invalid day "monday": use one of mon, tue, wed, thu, fri, sat, sun.')
  })

  it('rejects more than 48 times', () => {
    const times = Array.from({ length: 49 }, (_, index) => formatMinutes(index * 15))

    const message = errorMessage([{ day: 'fri', times }])

    assert.equal(message, 'Too many times on fri (49): use at most 48 distinct times a day.')
  })

  it('shortens long values in messages', () => {
    const message = errorMessage([{ day: 'x'.repeat(500), times: [] }])

    assert.equal(message, `Invalid day "${'x'.repeat(38)}…: use one of mon, tue, wed, thu, fri, sat, sun.`)
  })
})

describe('isValidTimeZone', () => {
  it('accepts IANA zones', () => {
    assert.equal(isValidTimeZone(NEW_YORK), true)
    assert.equal(isValidTimeZone(BERLIN), true)
    assert.equal(isValidTimeZone('UTC'), true)
  })

  it('rejects empty string', () => {
    assert.equal(isValidTimeZone(''), false)
  })

  it('rejects unknown zones', () => {
    assert.equal(isValidTimeZone('Mars/Olympus_Mons'), false)
    assert.equal(isValidTimeZone('+05:30'), false)
    assert.equal(isValidTimeZone(' UTC'), false)
  })
})

describe('defaultPostingSchedule', () => {
  it('passes validation unchanged', () => {
    const schedule = defaultPostingSchedule()

    assert.deepEqual(validatePostingSchedule(schedule), { ok: true, value: schedule })
  })

  it('has active times every day', () => {
    const schedule = defaultPostingSchedule()

    assert.equal(schedule.every((entry) => entry.times.length > 0), true)
    assert.equal(schedule.some((entry) => entry.paused), false)
  })

  it('returns a new object per call', () => {
    const first = defaultPostingSchedule()
    first[0]?.times.push('23:00')

    const second = defaultPostingSchedule()

    assert.notEqual(second[0]?.times.at(-1), '23:00')
  })
})

describe('generateSlots', () => {
  it('follows New York spring forward', () => {
    const slots = generateSlots(buildSchedule(['09:00']), NEW_YORK, new Date('2026-03-07T00:00:00Z'), { limit: 3 })

    assert.deepEqual(toIso(slots), ['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z'])
  })

  it('follows New York fall back', () => {
    const slots = generateSlots(buildSchedule(['09:00']), NEW_YORK, new Date('2026-10-31T00:00:00Z'), { limit: 3 })

    assert.deepEqual(toIso(slots), ['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z'])
  })

  it('follows Berlin spring forward', () => {
    const slots = generateSlots(buildSchedule(['09:00']), BERLIN, new Date('2026-03-28T00:00:00Z'), { limit: 3 })

    assert.deepEqual(toIso(slots), ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z'])
  })

  it('follows Berlin fall back', () => {
    const slots = generateSlots(buildSchedule(['09:00']), BERLIN, new Date('2026-10-24T00:00:00Z'), { limit: 3 })

    assert.deepEqual(toIso(slots), ['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z'])
  })

  it('skips nonexistent spring-forward slot in New York', () => {
    const schedule = buildSchedule(['01:30', '02:30', '03:30'], ['sun'])

    const slots = generateSlots(schedule, NEW_YORK, new Date('2026-03-08T00:00:00Z'), { limit: 3 })

    // 01:30 EST, then 03:30 EDT. 02:30 does not exist on 2026-03-08.
    assert.deepEqual(toIso(slots), ['2026-03-08T06:30:00.000Z', '2026-03-08T07:30:00.000Z', '2026-03-15T05:30:00.000Z'])
  })

  it('skips nonexistent spring-forward slot in Berlin', () => {
    const schedule = buildSchedule(['02:30'], ['sun'])

    const slots = generateSlots(schedule, BERLIN, new Date('2026-03-28T00:00:00Z'), { limit: 2 })

    assert.deepEqual(toIso(slots), ['2026-04-05T00:30:00.000Z', '2026-04-12T00:30:00.000Z'])
  })

  it('takes repeated fall-back slot once in New York', () => {
    const schedule = buildSchedule(['01:30'], ['sun'])

    const slots = generateSlots(schedule, NEW_YORK, new Date('2026-10-31T00:00:00Z'), { limit: 2 })

    // 05:30Z is 01:30 EDT. The second 01:30 (EST, 06:30Z) is not a slot.
    assert.deepEqual(toIso(slots), ['2026-11-01T05:30:00.000Z', '2026-11-08T06:30:00.000Z'])
  })

  it('takes repeated fall-back slot once in Berlin', () => {
    const schedule = buildSchedule(['02:30'], ['sun'])

    const slots = generateSlots(schedule, BERLIN, new Date('2026-10-24T00:00:00Z'), { limit: 2 })

    assert.deepEqual(toIso(slots), ['2026-10-25T00:30:00.000Z', '2026-11-01T01:30:00.000Z'])
  })

  it('skips second occurrence after first passed', () => {
    const schedule = buildSchedule(['01:30'], ['sun'])

    // 06:00Z on 2026-11-01 is 01:00 EST, after the first 01:30 and before the second.
    const slots = generateSlots(schedule, NEW_YORK, new Date('2026-11-01T06:00:00Z'), { limit: 1 })

    assert.deepEqual(toIso(slots), ['2026-11-08T06:30:00.000Z'])
  })

  it('skips paused days', () => {
    const schedule = buildSchedule(['09:00'], ['mon', 'tue'])
    schedule[0] = { day: 'mon', times: ['09:00'], paused: true }

    const slots = generateSlots(schedule, NEW_YORK, new Date('2026-01-05T00:00:00Z'), { limit: 2 })

    assert.deepEqual(toIso(slots), ['2026-01-06T14:00:00.000Z', '2026-01-13T14:00:00.000Z'])
  })

  it('returns nothing for empty schedule', () => {
    const slots = generateSlots(buildSchedule([]), NEW_YORK, new Date('2026-01-05T00:00:00Z'), { limit: 5 })

    assert.deepEqual(slots, [])
  })

  it('returns nothing for fully paused schedule', () => {
    const schedule = buildSchedule(['09:00']).map((entry) => ({ ...entry, paused: true }))

    const slots = generateSlots(schedule, NEW_YORK, new Date('2026-01-05T00:00:00Z'), { limit: 5 })

    assert.deepEqual(slots, [])
  })

  it('includes slot equal to from', () => {
    const slots = generateSlots(buildSchedule(['09:00']), NEW_YORK, new Date('2026-01-05T14:00:00.000Z'), { limit: 1 })

    assert.deepEqual(toIso(slots), ['2026-01-05T14:00:00.000Z'])
  })

  it('excludes slot just before from', () => {
    const slots = generateSlots(buildSchedule(['09:00']), NEW_YORK, new Date('2026-01-05T14:00:00.001Z'), { limit: 1 })

    assert.deepEqual(toIso(slots), ['2026-01-06T14:00:00.000Z'])
  })

  it('uses weekday in channel zone', () => {
    const schedule = buildSchedule(['09:00'], ['mon'])

    // 2026-01-04T00:00Z is a Sunday in both UTC and Auckland (13:00 NZDT).
    const slots = generateSlots(schedule, 'Pacific/Auckland', new Date('2026-01-04T00:00:00Z'), { limit: 1 })

    // Monday 09:00 NZDT (UTC+13) is Sunday 20:00 UTC.
    assert.deepEqual(toIso(slots), ['2026-01-04T20:00:00.000Z'])
  })

  it('respects limit', () => {
    const schedule = buildSchedule(['09:00', '12:00', '17:00'])

    const slots = generateSlots(schedule, NEW_YORK, new Date('2026-01-05T00:00:00Z'), { limit: 5 })

    assert.equal(slots.length, 5)
    assert.equal(slots.at(-1)?.toISOString(), '2026-01-06T17:00:00.000Z')
  })

  it('returns nothing for limit zero', () => {
    const slots = generateSlots(buildSchedule(['09:00']), NEW_YORK, new Date('2026-01-05T00:00:00Z'), { limit: 0 })

    assert.deepEqual(slots, [])
  })

  it('stops at horizonDays', () => {
    const options = { limit: 10, horizonDays: 2 }

    const slots = generateSlots(buildSchedule(['09:00']), NEW_YORK, new Date('2026-01-05T00:00:00Z'), options)

    assert.deepEqual(toIso(slots), ['2026-01-05T14:00:00.000Z', '2026-01-06T14:00:00.000Z'])
  })

  it('stops at default horizon', () => {
    const schedule = buildSchedule(['09:00'], ['mon'])

    const slots = generateSlots(schedule, NEW_YORK, new Date('2026-01-05T00:00:00Z'), { limit: 100 })

    // 366 days from 2026-01-05T00:00Z ends at 2027-01-06T00:00Z, which leaves 53 Mondays.
    assert.equal(slots.length, 53)
    assert.equal(slots.at(-1)?.toISOString(), '2027-01-04T14:00:00.000Z')
  })

  it('returns a year of slots in order', () => {
    const times = ['00:15', '01:30', '02:30', '09:00', '23:45']
    const wallClock = new Intl.DateTimeFormat('en-GB', {
      timeZone: NEW_YORK,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })

    const slots = generateSlots(buildSchedule(times), NEW_YORK, new Date('2026-01-01T00:00:00Z'), { limit: 5000 })

    // The window is 2025-12-31 19:00 to 2027-01-01 19:00 in New York: one slot on 2025-12-31, five a
    // day in 2026 less the 02:30 that does not exist on 2026-03-08, and four on 2027-01-01.
    assert.equal(slots.length, 1 + 365 * 5 - 1 + 4)
    assert.equal(slots.every((slot, index) => index === 0 || slot > slots[index - 1]!), true)
    assert.equal(slots.every((slot) => times.includes(wallClock.format(slot))), true)
  })

  it('rejects invalid arguments', () => {
    const schedule = buildSchedule(['09:00'])
    const from = new Date('2026-01-05T00:00:00Z')

    assert.throws(() => generateSlots(schedule, NEW_YORK, from, { limit: -1 }), RangeError)
    assert.throws(() => generateSlots(schedule, NEW_YORK, from, { limit: 1.5 }), RangeError)
    assert.throws(() => generateSlots(schedule, NEW_YORK, from, { limit: 1, horizonDays: 0 }), RangeError)
    assert.throws(() => generateSlots(schedule, NEW_YORK, new Date(Number.NaN), { limit: 1 }), RangeError)
    assert.throws(() => generateSlots(schedule, 'Mars/Olympus_Mons', from, { limit: 1 }), RangeError)
  })

  it('rejects unvalidated time', () => {
    const schedule = buildSchedule(['9:00'])

    assert.throws(() => generateSlots(schedule, NEW_YORK, new Date('2026-01-05T00:00:00Z'), { limit: 1 }), RangeError)
  })
})

describe('assignQueueSlots', () => {
  const from = new Date('2026-01-05T00:00:00Z')

  it('skips taken instants', () => {
    const takenInstants = new Set(['2026-01-06T14:00:00.000Z'])

    const slots = assignQueueSlots({
      queueLength: 3,
      schedule: buildSchedule(['09:00']),
      timeZone: NEW_YORK,
      from,
      isTaken: (instant) => takenInstants.has(instant.toISOString()),
    })

    assert.deepEqual(toIso(slots), ['2026-01-05T14:00:00.000Z', '2026-01-07T14:00:00.000Z', '2026-01-08T14:00:00.000Z'])
  })

  it('skips taken slot at from', () => {
    const slots = assignQueueSlots({
      queueLength: 1,
      schedule: buildSchedule(['09:00']),
      timeZone: NEW_YORK,
      from: new Date('2026-01-05T14:00:00Z'),
      isTaken: (instant) => instant.toISOString() === '2026-01-05T14:00:00.000Z',
    })

    assert.deepEqual(toIso(slots), ['2026-01-06T14:00:00.000Z'])
  })

  it('returns queueLength slots', () => {
    const slots = assignQueueSlots({
      queueLength: 7,
      schedule: buildSchedule(['09:00', '17:00']),
      timeZone: BERLIN,
      from,
      isTaken: () => false,
    })

    assert.equal(slots.length, 7)
  })

  it('returns nothing for empty queue', () => {
    const schedule = buildSchedule(['09:00'])

    const slots = assignQueueSlots({ queueLength: 0, schedule, timeZone: NEW_YORK, from, isTaken: () => false })

    assert.deepEqual(slots, [])
  })

  it('returns fewer when horizon ends', () => {
    const slots = assignQueueSlots({
      queueLength: 5,
      schedule: buildSchedule(['09:00']),
      timeZone: NEW_YORK,
      from,
      isTaken: () => false,
      horizonDays: 2,
    })

    assert.equal(slots.length, 2)
  })

  it('returns nothing for empty schedule', () => {
    const schedule = buildSchedule([])

    const slots = assignQueueSlots({ queueLength: 3, schedule, timeZone: NEW_YORK, from, isTaken: () => false })

    assert.deepEqual(slots, [])
  })

  it('rejects negative queueLength', () => {
    const args = { queueLength: -1, schedule: buildSchedule(['09:00']), timeZone: NEW_YORK, from, isTaken: () => false }

    assert.throws(() => assignQueueSlots(args), RangeError)
  })
})
