import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { StoredScheduleDay } from '../storage/channels-repo.ts'
import { withDayPaused, withTimeAdded, withTimeRemoved } from './schedule-edits.ts'

const SCHEDULE: StoredScheduleDay[] = [
  { day: 'mon', times: ['09:00', '17:00'], paused: false },
  { day: 'tue', times: [], paused: true },
]

describe('schedule edits', () => {
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
