import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { safeNextPath } from './viewer.ts'

describe('safeNextPath', () => {
  it('keeps local paths', () => {
    assert.equal(safeNextPath('/app/calendar?view=month&date=2030-01-01'), '/app/calendar?view=month&date=2030-01-01')
    assert.equal(safeNextPath('/app/compose?channel=abc#top'), '/app/compose?channel=abc#top')
  })

  it('drops off-site and malformed targets', () => {
    for (const next of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example/', 'app', '', '/a b', `/${'a'.repeat(600)}`, undefined, 42]) {
      assert.equal(safeNextPath(next), '/app', `rejects ${JSON.stringify(next)}`)
    }
  })
})
