import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createRequestIdGenerator } from './request-ids.ts'

describe('createRequestIdGenerator', () => {
  it('1,000 ids: distinct, one prefix, within the request id pattern', () => {
    const next = createRequestIdGenerator()
    const ids = Array.from({ length: 1000 }, () => next())

    assert.equal(new Set(ids).size, 1000)
    const prefix = ids[0]!.slice(0, 13)
    for (const id of ids) {
      assert.match(id, /^[A-Za-z0-9_-]{12}-[0-9a-z]+$/)
      assert.equal(id.slice(0, 13), prefix)
    }
    assert.equal(ids[35], `${prefix}10`)
  })

  it('50 generators: 50 prefixes', () => {
    const prefixes = new Set(Array.from({ length: 50 }, () => createRequestIdGenerator()().slice(0, 12)))

    assert.equal(prefixes.size, 50)
  })
})
