import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { API_KEY_LENGTH, crc32, displayParts, generateApiKey, isWellFormedApiKey } from './api-key-format.ts'

describe('api key format', () => {
  it('generates prefixed keys of fixed length', () => {
    const key = generateApiKey()

    assert.match(key, /^pgn_[0-9A-Za-z]+$/)
    assert.equal(key.length, API_KEY_LENGTH)
  })

  it('generates distinct keys', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey()))

    assert.equal(keys.size, 200)
  })

  it('accepts a generated key', () => {
    assert.equal(isWellFormedApiKey(generateApiKey()), true)
  })

  it('rejects a one-character typo', () => {
    const key = generateApiKey()
    const position = 10
    const replacement = key[position] === 'a' ? 'b' : 'a'
    const typo = key.slice(0, position) + replacement + key.slice(position + 1)

    assert.equal(isWellFormedApiKey(typo), false)
  })

  it('rejects foreign strings', () => {
    assert.equal(isWellFormedApiKey(''), false)
    assert.equal(isWellFormedApiKey('buf_abc123'), false)
    assert.equal(isWellFormedApiKey(generateApiKey().replace('pgn_', 'xyz_')), false)
    assert.equal(isWellFormedApiKey(`${generateApiKey()}0`), false)
  })

  it('computes the standard crc32', () => {
    // The CRC-32 check value of "123456789" is 0xCBF43926 for the IEEE polynomial.
    assert.equal(crc32('123456789'), 0xcbf43926)
  })

  it('shows only the prefix and last 4', () => {
    const key = generateApiKey()
    const parts = displayParts(key)

    assert.equal(parts.displayPrefix, key.slice(0, 8))
    assert.equal(parts.last4, key.slice(-4))
  })
})
