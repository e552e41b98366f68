import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { localDayBounds } from './daily-limits.ts'

// Every instant below is written in UTC, so results must not depend on the process's TZ.
const MS_PER_HOUR = 3_600_000
const SWEEP_STEP_MS = 7 * MS_PER_HOUR + 13 * 60_000

const dateFormatters = new Map<string, Intl.DateTimeFormat>()

/** Formats the local calendar date of an instant as 'YYYY-MM-DD'. It is the oracle, independent of the code under test. */
function localDate(epochMs: number, timeZone: string): string {
  let formatter = dateFormatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dateFormatters.set(timeZone, formatter)
  }

  return formatter.format(epochMs)
}

function boundsOf(iso: string, timeZone: string): { start: string; end: string; hours: number } {
  const { startMs, endMs } = localDayBounds(new Date(iso), timeZone)

  return { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), hours: (endMs - startMs) / MS_PER_HOUR }
}

const DAY_CASES = [
  { name: 'utc day', timeZone: 'UTC', at: '2026-06-15T12:00:00Z', start: '2026-06-15T00:00:00.000Z', end: '2026-06-16T00:00:00.000Z', hours: 24 },
  { name: 'half-hour offset day', timeZone: 'Asia/Kolkata', at: '2026-06-15T12:00:00Z', start: '2026-06-14T18:30:00.000Z', end: '2026-06-15T18:30:00.000Z', hours: 24 },
  { name: 'day after date line', timeZone: 'Pacific/Kiritimati', at: '2026-06-15T12:00:00Z', start: '2026-06-15T10:00:00.000Z', end: '2026-06-16T10:00:00.000Z', hours: 24 },
  // Clocks go from 02:00 EST to 03:00 EDT.
  { name: 'new york spring forward', timeZone: 'America/New_York', at: '2026-03-08T12:00:00Z', start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z', hours: 23 },
  // Clocks go from 02:00 EDT back to 01:00 EST.
  { name: 'new york fall back', timeZone: 'America/New_York', at: '2026-11-01T12:00:00Z', start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z', hours: 25 },
  // Clocks go from 02:00 CET to 03:00 CEST.
  { name: 'berlin spring forward', timeZone: 'Europe/Berlin', at: '2026-03-29T12:00:00Z', start: '2026-03-28T23:00:00.000Z', end: '2026-03-29T22:00:00.000Z', hours: 23 },
  // Clocks go from 03:00 CEST back to 02:00 CET.
  { name: 'berlin fall back', timeZone: 'Europe/Berlin', at: '2026-10-25T12:00:00Z', start: '2026-10-24T22:00:00.000Z', end: '2026-10-25T23:00:00.000Z', hours: 25 },
  // Lord Howe Island moves its clocks by 30 minutes: 02:00 back to 01:30, and 02:00 on to 02:30.
  { name: 'lord howe fall back', timeZone: 'Australia/Lord_Howe', at: '2026-04-05T03:00:00Z', start: '2026-04-04T13:00:00.000Z', end: '2026-04-05T13:30:00.000Z', hours: 24.5 },
  { name: 'lord howe spring forward', timeZone: 'Australia/Lord_Howe', at: '2026-10-04T03:00:00Z', start: '2026-10-03T13:30:00.000Z', end: '2026-10-04T13:00:00.000Z', hours: 23.5 },
  // Cuba skips midnight: 00:00 CST becomes 01:00 CDT, so the day starts at 01:00.
  { name: 'havana skipped midnight', timeZone: 'America/Havana', at: '2026-03-08T12:00:00Z', start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z', hours: 23 },
  { name: 'havana day before gap', timeZone: 'America/Havana', at: '2026-03-07T12:00:00Z', start: '2026-03-07T05:00:00.000Z', end: '2026-03-08T05:00:00.000Z', hours: 24 },
  // Cuba repeats 00:00-00:59 when 01:00 CDT becomes 00:00 CST. The day starts at the first midnight.
  { name: 'havana repeated midnight', timeZone: 'America/Havana', at: '2026-11-01T12:00:00Z', start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z', hours: 25 },
  // Chile skips midnight: 00:00 -04 becomes 01:00 -03.
  { name: 'santiago skipped midnight', timeZone: 'America/Santiago', at: '2026-09-06T12:00:00Z', start: '2026-09-06T04:00:00.000Z', end: '2026-09-07T03:00:00.000Z', hours: 23 },
  // Lebanon skips midnight east of Greenwich: 00:00 EET becomes 01:00 EEST.
  { name: 'beirut skipped midnight', timeZone: 'Asia/Beirut', at: '2026-03-29T12:00:00Z', start: '2026-03-28T22:00:00.000Z', end: '2026-03-29T21:00:00.000Z', hours: 23 },
]

/** Zones whose every hour of 2026 is checked against the `localDate` oracle. */
const SWEEP_ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'America/Havana', 'America/Santiago', 'Asia/Beirut', 'Australia/Lord_Howe', 'Pacific/Chatham']

describe('localDayBounds', () => {
  for (const dayCase of DAY_CASES) {
    it(dayCase.name, () => {
      const bounds = boundsOf(dayCase.at, dayCase.timeZone)

      assert.equal(bounds.start, dayCase.start)
      assert.equal(bounds.end, dayCase.end)
      assert.equal(bounds.hours, dayCase.hours)
    })
  }

  it('includes start instant', () => {
    const bounds = boundsOf('2026-03-08T05:00:00.000Z', 'America/New_York')

    assert.equal(bounds.start, '2026-03-08T05:00:00.000Z')
    assert.equal(bounds.end, '2026-03-09T04:00:00.000Z')
  })

  it('includes last millisecond', () => {
    const bounds = boundsOf('2026-03-09T03:59:59.999Z', 'America/New_York')

    assert.equal(bounds.start, '2026-03-08T05:00:00.000Z')
    assert.equal(bounds.end, '2026-03-09T04:00:00.000Z')
  })

  it('excludes end instant', () => {
    const bounds = boundsOf('2026-03-09T04:00:00.000Z', 'America/New_York')

    assert.equal(bounds.start, '2026-03-09T04:00:00.000Z')
    assert.equal(bounds.end, '2026-03-10T04:00:00.000Z')
  })

  it('contains hour before skipped midnight', () => {
    // 23:30 CST on Saturday 2026-03-07 in Havana, half an hour before the clocks skip to 01:00.
    const at = Date.parse('2026-03-08T04:30:00Z')

    const { startMs, endMs } = localDayBounds(new Date(at), 'America/Havana')

    assert.ok(startMs <= at, `day starts at ${new Date(startMs).toISOString()}, after ${new Date(at).toISOString()}`)
    assert.ok(at < endMs, `day ends at ${new Date(endMs).toISOString()}, before ${new Date(at).toISOString()}`)
  })

  for (const timeZone of SWEEP_ZONES) {
    it(`matches local dates in ${timeZone}`, () => {
      const problems: string[] = []

      // Steps of 7 h 13 min reach every day of 2026 three or four times, at times of day that drift
      // across the year, in about 1,200 calls per zone. localDayBounds builds new Intl formatters
      // on every call, which makes an hourly sweep (8,760 calls per zone) slow.
      for (let at = Date.parse('2026-01-01T00:00:00Z'); at < Date.parse('2027-01-01T00:00:00Z'); at += SWEEP_STEP_MS) {
        const { startMs, endMs } = localDayBounds(new Date(at), timeZone)
        const day = localDate(at, timeZone)
        const isFirstInstant = localDate(startMs, timeZone) === day && localDate(startMs - 1, timeZone) !== day
        const isPastLastInstant = localDate(endMs - 1, timeZone) === day && localDate(endMs, timeZone) !== day
        if (!isFirstInstant || !isPastLastInstant) {
          problems.push(`${new Date(at).toISOString()} (${day}): ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}`)
        }
      }

      assert.deepEqual(problems.slice(0, 5), [])
    })
  }
})
