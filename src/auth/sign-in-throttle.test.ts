import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { delayAfterFailures, FIRST_DELAY_MS, FREE_FAILURES, MAX_DELAY_MS } from './sign-in-throttle.ts'

describe('delayAfterFailures', () => {
  it('allows the first nine failures freely', () => {
    for (let failures = 0; failures < FREE_FAILURES; failures++) assert.equal(delayAfterFailures(failures), 0)
  })

  it('waits thirty seconds after the tenth', () => {
    assert.equal(FREE_FAILURES, 10)
    assert.equal(delayAfterFailures(10), FIRST_DELAY_MS)
    assert.equal(FIRST_DELAY_MS, 30_000)
  })

  it('doubles with each further failure', () => {
    assert.equal(delayAfterFailures(11), 60_000)
    assert.equal(delayAfterFailures(12), 120_000)
    assert.equal(delayAfterFailures(14), 480_000)
  })

  it('caps the wait at fifteen minutes', () => {
    assert.equal(delayAfterFailures(15), MAX_DELAY_MS)
    assert.equal(delayAfterFailures(1000), MAX_DELAY_MS)
    assert.equal(MAX_DELAY_MS, 900_000)
  })
})
