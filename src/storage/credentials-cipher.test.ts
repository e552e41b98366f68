import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it, type TestContext } from 'node:test'
import { createCredentialsCipher } from './credentials-cipher.ts'

function temporaryKeyPath(t: TestContext): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-key-'))
  t.after(() => fs.rmSync(folder, { recursive: true, force: true }))

  return path.join(folder, 'nested', 'credentials.key')
}

describe('createCredentialsCipher', () => {
  it('round-trips a value', () => {
    const cipher = createCredentialsCipher({ source: 'env', hex: 'ab'.repeat(32) })

    const encrypted = cipher.encrypt('channel-1', '{"accessToken":"secret-token"}')

    assert.doesNotMatch(encrypted, /secret-token/)
    assert.match(encrypted, /^v1:/)
    assert.equal(cipher.decrypt('channel-1', encrypted), '{"accessToken":"secret-token"}')
  })

  it('binds a value to its channel', () => {
    const cipher = createCredentialsCipher({ source: 'env', hex: 'ab'.repeat(32) })

    const encrypted = cipher.encrypt('channel-1', 'token')

    assert.throws(() => cipher.decrypt('channel-2', encrypted), /cannot be decrypted/)
  })

  it('rejects another key', () => {
    const encrypted = createCredentialsCipher({ source: 'env', hex: 'ab'.repeat(32) }).encrypt('channel-1', 'token')

    assert.throws(() => createCredentialsCipher({ source: 'env', hex: 'cd'.repeat(32) }).decrypt('channel-1', encrypted), /PIGEON_CREDENTIALS_KEY/)
  })

  it('generates a key file once', (t) => {
    const keyPath = temporaryKeyPath(t)

    const encrypted = createCredentialsCipher({ source: 'file', path: keyPath }).encrypt('channel-1', 'token')
    const contents = fs.readFileSync(keyPath, 'utf8')

    assert.match(contents, /^[0-9a-f]{64}\n$/)
    assert.equal(fs.statSync(keyPath).mode & 0o777, 0o600)
    assert.equal(createCredentialsCipher({ source: 'file', path: keyPath }).decrypt('channel-1', encrypted), 'token')
    assert.deepEqual(fs.readdirSync(path.dirname(keyPath)), ['credentials.key'])
  })

  it('rejects a damaged key file', (t) => {
    const keyPath = temporaryKeyPath(t)
    fs.mkdirSync(path.dirname(keyPath), { recursive: true })
    fs.writeFileSync(keyPath, 'not a key\n')

    assert.throws(() => createCredentialsCipher({ source: 'file', path: keyPath }), /must contain 64 lowercase hex characters/)
  })
})
