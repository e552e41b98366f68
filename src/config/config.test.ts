import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig, redactedConfig } from './config.ts'

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
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1/db' })

    assert.equal(config.database.dialect, 'postgres')
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

  it('freezes the result', () => {
    const config = loadConfig({})

    assert.throws(() => {
      ;(config.worker as { concurrency: number }).concurrency = 1
    }, TypeError)
  })

  it('redacts the database password', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://pigeon:s3cret@127.0.0.1:5432/pigeon' })

    assert.doesNotMatch(JSON.stringify(redactedConfig(config)), /s3cret/)
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
