import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig, redactedConfig } from './config.ts'

const TEST_KEY = 'ab'.repeat(32)

describe('loadConfig', () => {
  it('uses defaults for an empty environment', () => {
    const config = loadConfig({}, '/srv/pigeon')

    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.port, 3000)
    assert.deepEqual(config.roles, ['web', 'worker'])
    assert.deepEqual(config.database, { dialect: 'sqlite', sqlitePath: path.resolve('/srv/pigeon/data/pigeon.sqlite') })
  })

  it('reads port and data folder', () => {
    const config = loadConfig({ PIGEON_PORT: '8080', PIGEON_DATA_DIR: '/var/lib/pigeon' })

    assert.equal(config.port, 8080)
    assert.equal(config.database.dialect === 'sqlite' && config.database.sqlitePath, '/var/lib/pigeon/pigeon.sqlite')
  })

  it('selects postgres from DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1/db', PIGEON_CREDENTIALS_KEY: TEST_KEY })

    assert.equal(config.database.dialect, 'postgres')
  })

  it('requires a credentials key with DATABASE_URL', () => {
    const error = captureConfigError({ DATABASE_URL: 'postgres://u:p@127.0.0.1/db' })

    assert.match(error.message, /PIGEON_CREDENTIALS_KEY is required with DATABASE_URL/)
  })

  it('puts the generated key beside the SQLite file', () => {
    const config = loadConfig({ PIGEON_SQLITE_PATH: '/var/lib/pigeon/main.sqlite' })

    assert.deepEqual(config.credentialsKey, { source: 'file', path: path.resolve('/var/lib/pigeon/credentials.key') })
  })

  it('rejects a short credentials key', () => {
    const error = captureConfigError({ PIGEON_CREDENTIALS_KEY: 'abc123' })

    assert.match(error.message, /64 hex characters/)
  })

  it('reads the media limits', () => {
    const config = loadConfig({ PIGEON_MEDIA_MAX_BYTES: '2048', PIGEON_MEDIA_ALLOWED_PRIVATE_HOSTS: ' 127.0.0.1, Media.Local ' })

    assert.equal(config.media.maxBytes, 2048)
    assert.deepEqual(config.media.allowedPrivateHosts, ['127.0.0.1', 'media.local'])
  })

  it('lists every problem at once', () => {
    const error = captureConfigError({ PIGEON_PORT: 'eighty', LOG_LEVEL: 'loud', PIGEON_MIGRATE_ON_START: 'yes' })

    assert.equal(error.problems.length, 3)
    assert.ok(error.problems.some((problem) => problem.startsWith('PIGEON_PORT')))
    assert.ok(error.problems.some((problem) => problem.startsWith('LOG_LEVEL')))
    assert.ok(error.problems.some((problem) => problem.startsWith('PIGEON_MIGRATE_ON_START')))
  })

  it('rejects sqlite path with DATABASE_URL', () => {
    const error = captureConfigError({ DATABASE_URL: 'postgres://127.0.0.1/db', PIGEON_SQLITE_PATH: '/tmp/x.sqlite' })

    assert.match(error.message, /PIGEON_SQLITE_PATH cannot be used with DATABASE_URL/)
  })

  it('rejects unknown roles', () => {
    const error = captureConfigError({ PIGEON_ROLES: 'web,mailer' })

    assert.match(error.message, /unknown role "mailer"/)
  })

  it('rejects lease shorter than webhook timeout', () => {
    const error = captureConfigError({ PIGEON_WORKER_LEASE_MS: '5000', PIGEON_WEBHOOK_TIMEOUT_MS: '10000' })

    assert.match(error.message, /PIGEON_WORKER_LEASE_MS/)
  })

  it('trusts no proxy by default', () => {
    const config = loadConfig({})

    assert.equal(config.trustProxy, false)
  })

  it('reads a list of trusted proxies', () => {
    const config = loadConfig({ PIGEON_TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8 ' })

    assert.equal(config.trustProxy, '127.0.0.1,10.0.0.0/8')
  })

  it('rejects a nonsense trusted proxy', () => {
    const error = captureConfigError({ PIGEON_TRUST_PROXY: 'yes', PIGEON_PORT: 'eighty' })

    assert.equal(error.problems.length, 2)
    assert.ok(error.problems.includes('PIGEON_TRUST_PROXY: PIGEON_TRUST_PROXY is "yes": "yes" is not an IP address; use true, false, or a comma-separated list of proxy addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8'))
  })

  it('freezes the result', () => {
    const config = loadConfig({})

    assert.throws(() => {
      ;(config.worker as { concurrency: number }).concurrency = 1
    }, TypeError)
  })

  it('redacts the database password', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://pigeon:s3cret@127.0.0.1:5432/pigeon', PIGEON_CREDENTIALS_KEY: TEST_KEY })

    assert.doesNotMatch(JSON.stringify(redactedConfig(config)), /s3cret/)
  })

  it('redacts the credentials key', () => {
    const config = loadConfig({ PIGEON_CREDENTIALS_KEY: TEST_KEY })

    assert.doesNotMatch(JSON.stringify(redactedConfig(config)), new RegExp(TEST_KEY))
  })
})

function captureConfigError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('loadConfig accepted an invalid environment')
}
