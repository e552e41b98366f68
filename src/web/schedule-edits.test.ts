import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredScheduleDay } from '../storage/channels-repo.ts'
import { addTimeProblem, withDayPaused, withTimeAdded, withTimeRemoved } from './schedule-edits.ts'

const SCHEDULE: StoredScheduleDay[] = [
  { day: 'mon', times: ['09:00', '17:00'], paused: false },
  { day: 'tue', times: [], paused: true },
]

describe('schedule edits', () => {
  it('accepts a new time', () => {
    assert.equal(addTimeProblem(SCHEDULE, 'mon', '12:00'), null)
  })

  it('reports a missing new time', () => {
    assert.equal(addTimeProblem(SCHEDULE, 'sat', ''), 'The new time for Saturday is missing; enter it as HH:MM in 24-hour time.')
  })

  it('reports a malformed new time', () => {
    assert.equal(addTimeProblem(SCHEDULE, 'sun', '9:00'), '"9:00" is not a valid time for Sunday; enter it as HH:MM in 24-hour time, 00:00 to 23:59.')
  })

  it('reports a time the day has', () => {
    assert.equal(addTimeProblem(SCHEDULE, 'mon', '17:00'), '17:00 is already in the schedule for Monday, so nothing was changed.')
  })

  it('adds a time to one day', () => {
    assert.deepEqual(withTimeAdded(SCHEDULE, 'mon', '12:00'), [
      { day: 'mon', times: ['09:00', '17:00', '12:00'], paused: false },
      { day: 'tue', times: [], paused: true },
    ])
  })

  it('adds a day missing from the schedule', () => {
    assert.deepEqual(withTimeAdded(SCHEDULE, 'sun', '10:00').at(-1), { day: 'sun', times: ['10:00'], paused: false })
  })

  it('removes a time', () => {
    assert.deepEqual(withTimeRemoved(SCHEDULE, 'mon', '09:00')[0], { day: 'mon', times: ['17:00'], paused: false })
  })

  it('pauses and resumes a day', () => {
    assert.equal(withDayPaused(SCHEDULE, 'mon', true)[0]?.paused, true)
    assert.equal(withDayPaused(SCHEDULE, 'tue', false)[1]?.paused, false)
  })

  it('leaves the stored schedule unchanged', () => {
    withTimeAdded(SCHEDULE, 'mon', '12:00')
    withDayPaused(SCHEDULE, 'mon', true)

    assert.deepEqual(SCHEDULE[0], { day: 'mon', times: ['09:00', '17:00'], paused: false })
  })
})
