import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { computeNextAttemptAt } from './backoff.ts'

const now = new Date('2026-01-01T00:00:00.000Z')
const baseMs = 1_000
const capMs = 60_000

/** Delay in ms between `now` and the computed next attempt. */
function delayFor(input: { attempt: number; random: () => number; retryAfterMs?: number | null }): number {
  return computeNextAttemptAt({ now, baseMs, capMs, ...input }).getTime() - now.getTime()
}

describe('computeNextAttemptAt', () => {
  it('uses base delay on attempt 1', () => {
    const delay = delayFor({ attempt: 1, random: () => 0.5 })

    assert.equal(delay, 1_000)
  })

  it('doubles per attempt', () => {
    assert.equal(delayFor({ attempt: 2, random: () => 0.5 }), 2_000)
    assert.equal(delayFor({ attempt: 3, random: () => 0.5 }), 4_000)
    assert.equal(delayFor({ attempt: 4, random: () => 0.5 }), 8_000)
  })

  it('caps the delay', () => {
    const delay = delayFor({ attempt: 10, random: () => 0.5 })

    assert.equal(delay, capMs)
  })

  it('stays finite for huge attempts', () => {
    const delay = delayFor({ attempt: 5_000, random: () => 0.5 })

    assert.equal(delay, capMs)
  })

  it('applies jitter lower bound', () => {
    const delay = delayFor({ attempt: 3, random: () => 0 })

    assert.equal(delay, 2_000)
  })

  it('keeps jitter below 1.5x', () => {
    const delay = delayFor({ attempt: 3, random: () => 0.999_999 })

    assert.ok(delay < 6_000, `delay ${delay} should be below 6000`)
    assert.ok(delay > 5_990, `delay ${delay} should be near 6000`)
  })

  it('jitters above the cap by up to 1.5x', () => {
    const delay = delayFor({ attempt: 20, random: () => 0.75 })

    assert.equal(delay, 75_000)
  })

  it('uses Math.random by default', () => {
    for (let i = 0; i < 200; i += 1) {
      const delay = computeNextAttemptAt({ attempt: 2, now, baseMs, capMs }).getTime() - now.getTime()

      assert.ok(delay >= 1_000, `delay ${delay} should be at least 1000`)
      assert.ok(delay < 3_000, `delay ${delay} should be below 3000`)
    }
  })

  it('honours longer retryAfterMs', () => {
    const delay = delayFor({ attempt: 1, random: () => 0.5, retryAfterMs: 30_000 })

    assert.equal(delay, 30_000)
  })

  it('rounds retryAfterMs up', () => {
    const delay = delayFor({ attempt: 1, random: () => 0.5, retryAfterMs: 30_000.2 })

    assert.equal(delay, 30_001)
  })

  it('ignores shorter retryAfterMs', () => {
    const delay = delayFor({ attempt: 3, random: () => 0.5, retryAfterMs: 500 })

    assert.equal(delay, 4_000)
  })

  it('treats null retryAfterMs as none', () => {
    const delay = delayFor({ attempt: 1, random: () => 0.5, retryAfterMs: null })

    assert.equal(delay, 1_000)
  })

  it('does not mutate now', () => {
    const before = now.getTime()

    computeNextAttemptAt({ attempt: 3, now, baseMs, capMs, random: () => 0.2 })

    assert.equal(now.getTime(), before)
  })

  it('rejects invalid attempt', () => {
    assert.throws(() => delayFor({ attempt: 0, random: () => 0.5 }), RangeError)
    assert.throws(() => delayFor({ attempt: 1.5, random: () => 0.5 }), RangeError)
    assert.throws(() => delayFor({ attempt: Number.NaN, random: () => 0.5 }), RangeError)
  })

  it('rejects invalid durations', () => {
    const input = { attempt: 1, now, random: () => 0.5 }

    assert.throws(() => computeNextAttemptAt({ ...input, baseMs: 0, capMs }), RangeError)
    assert.throws(() => computeNextAttemptAt({ ...input, baseMs, capMs: baseMs - 1 }), RangeError)
    assert.throws(() => computeNextAttemptAt({ ...input, baseMs, capMs: Number.POSITIVE_INFINITY }), RangeError)
    assert.throws(() => computeNextAttemptAt({ ...input, baseMs, capMs, retryAfterMs: -1 }), RangeError)
  })

  it('rejects invalid now', () => {
    const invalid = () => computeNextAttemptAt({ attempt: 1, now: new Date(Number.NaN), baseMs, capMs })

    assert.throws(invalid, RangeError)
  })

  it('rejects random outside [0, 1)', () => {
    assert.throws(() => delayFor({ attempt: 1, random: () => 1 }), RangeError)
    assert.throws(() => delayFor({ attempt: 1, random: () => -0.1 }), RangeError)
  })
})
