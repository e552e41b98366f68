import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { DOMAIN_ERROR_CODES, WIRE_ERROR_CODES } from './codes.ts'

const documented = new Set(
  readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => /^\| `([A-Z_]+)` \|/.exec(line)?.[1])
    .filter((code) => code !== undefined),
)

describe('error code catalogue', () => {
  it('documents every code', () => {
    const missing = [...WIRE_ERROR_CODES, ...DOMAIN_ERROR_CODES].filter((code) => !documented.has(code))

    assert.deepEqual(missing, [])
  })

  it('documents no stale codes', () => {
    const known = new Set<string>([...WIRE_ERROR_CODES, ...DOMAIN_ERROR_CODES])
    const stale = [...documented].filter((code) => !known.has(code))

    assert.deepEqual(stale, [])
  })
})
