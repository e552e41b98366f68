import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatInZone, listTimeZones, localDate, localToInstant, parseCalendarDate, toDateTimeInputs } from './zoned-time.ts'

// Every expected instant is written in UTC, so results must not depend on the process's TZ.
describe('localToInstant', () => {
  it('converts winter and summer times', () => {
    assert.deepEqual(localToInstant('2030-01-15', '09:30', 'Europe/Berlin'), { ok: true, value: new Date('2030-01-15T08:30:00Z') })
    assert.deepEqual(localToInstant('2030-07-15', '09:30', 'Europe/Berlin'), { ok: true, value: new Date('2030-07-15T07:30:00Z') })
    assert.deepEqual(localToInstant('2026-06-30', '14:55', 'Asia/Kolkata'), { ok: true, value: new Date('2026-06-30T09:25:00Z') })
  })

  it('rejects a time the clocks skip', () => {
    const result = localToInstant('2026-03-08', '02:30', 'America/New_York')

    assert.deepEqual(result, { ok: false, message: '2026-03-08 02:30 does not exist in America/New_York because the clocks go forward then; pick another time.' })
  })

  it('takes the earlier of a repeated time', () => {
    assert.deepEqual(localToInstant('2026-11-01', '01:30', 'America/New_York'), { ok: true, value: new Date('2026-11-01T05:30:00Z') })
  })

  it('handles a half-hour zone with a DST change', () => {
    assert.deepEqual(localToInstant('2026-01-10', '12:00', 'Australia/Adelaide'), { ok: true, value: new Date('2026-01-10T01:30:00Z') })
  })

  it('rejects malformed input', () => {
    assert.equal(localToInstant('2030-02-30', '10:00', 'UTC').ok, false)
    assert.equal(localToInstant('30.01.2030', '10:00', 'UTC').ok, false)
    assert.equal(localToInstant('2030-01-30', '24:00', 'UTC').ok, false)
    assert.equal(localToInstant('2030-01-30', '9:00', 'UTC').ok, false)
  })
})

describe('zoned formatting', () => {
  it('formats an instant in a zone', () => {
    assert.equal(formatInZone(Date.parse('2030-01-15T08:30:00Z'), 'Europe/Berlin'), 'Tue, 15 Jan 2030, 09:30')
    assert.equal(formatInZone(Date.parse('2030-01-15T08:30:00Z'), 'America/Los_Angeles'), 'Tue, 15 Jan 2030, 00:30')
  })

  it('gives the local date across midnight', () => {
    assert.equal(localDate(Date.parse('2030-01-15T23:30:00Z'), 'Europe/Berlin'), '2030-01-16')
    assert.equal(localDate(Date.parse('2030-01-15T23:30:00Z'), 'UTC'), '2030-01-15')
  })

  it('fills date and time inputs', () => {
    assert.deepEqual(toDateTimeInputs(Date.parse('2030-07-15T07:30:00Z'), 'Europe/Berlin'), { date: '2030-07-15', time: '09:30' })
  })

  it('lists UTC among the zones', () => {
    assert.equal(listTimeZones().includes('UTC'), true)
    assert.equal(listTimeZones().includes('Europe/Berlin'), true)
  })

  it('suggests current zone names', () => {
    const zones = listTimeZones()

    assert.equal(zones[0], 'UTC')
    assert.ok(zones.includes('Asia/Kolkata'))
    assert.ok(zones.includes('Europe/Kyiv'))
    assert.ok(!zones.includes('Asia/Calcutta'))
    assert.ok(!zones.includes('Europe/Kiev'))
    assert.equal(new Set(zones).size, zones.length, 'no zone is listed twice')
  })

  it('suggests only zones Intl accepts', () => {
    const rejected = listTimeZones().filter((timeZone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone })
        return false
      } catch {
        return true
      }
    })

    assert.deepEqual(rejected, [])
  })

  it('parses only real calendar dates', () => {
    assert.equal(parseCalendarDate('2028-02-29'), Date.UTC(2028, 1, 29))
    assert.equal(parseCalendarDate('2030-02-29'), null)
    assert.equal(parseCalendarDate(''), null)
  })
})
