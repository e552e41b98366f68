import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, it, type TestContext } from 'node:test'
import { createTestDatabase, DIALECTS, type Dialect } from '../helpers/db.ts'

const BIN = fileURLToPath(new URL('../../bin/pigeon.js', import.meta.url))

function pigeon(env: Record<string, string>, ...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

async function databaseEnv(t: TestContext, dialect: Dialect): Promise<Record<string, string>> {
  const database = await createTestDatabase(dialect)
  t.after(() => database.drop())
  return database.env
}

describe('pigeon command', () => {
  it('prints help', () => {
    const result = pigeon({}, '--help')

    assert.equal(result.status, 0)
    assert.match(result.stdout, /keys create/)
  })

  it('rejects an unknown command', () => {
    const result = pigeon({}, 'launch')

    assert.equal(result.status, 2)
    assert.match(result.stderr, /unknown command "launch"/)
  })

  it('lists every configuration problem', () => {
    const result = pigeon({ PIGEON_PORT: 'x', LOG_LEVEL: 'loud' }, 'migrate')

    assert.equal(result.status, 1)
    assert.match(result.stderr, /PIGEON_PORT/)
    assert.match(result.stderr, /LOG_LEVEL/)
  })
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: pigeon command`, () => {
    it('explains how to create an account first', async (t) => {
      const env = await databaseEnv(t, dialect)

      const result = pigeon(env, 'keys', 'create')

      assert.equal(result.status, 1)
      assert.match(result.stderr, /pigeon setup --email/)
    })

    it('sets up, manages keys and channels', async (t) => {
      const env = await databaseEnv(t, dialect)

      const setup = pigeon(env, 'setup', '--email', 'Owner@Example.com', '--json')
      const second = pigeon(env, 'setup', '--email', 'other@example.com')
      const created = pigeon(env, 'keys', 'create', '--name', 'ci', '--expires-in', '30d', '--json')
      const badExpiry = pigeon(env, 'keys', 'create', '--expires-in', 'soon')
      const listed = pigeon(env, 'keys', 'list', '--json')
      const createdKey = JSON.parse(created.stdout) as { id: string; apiKey: string }
      const revoked = pigeon(env, 'keys', 'revoke', createdKey.id)
      const revokedAgain = pigeon(env, 'keys', 'revoke', createdKey.id)
      const channel = pigeon(env, 'channels', 'add', '--service', 'bluesky', '--name', 'Sky', '--timezone', 'Asia/Tokyo', '--json')
      const badService = pigeon(env, 'channels', 'add', '--service', 'myspace', '--name', 'Old')
      const channelId = (JSON.parse(channel.stdout) as { id: string }).id
      const schedule = pigeon(env, 'channels', 'schedule', channelId, '--mon', '08:15,19:00', '--pause-day', 'sun')
      const badTime = pigeon(env, 'channels', 'schedule', channelId, '--tue', '25:00')
      const webhook = pigeon(env, 'channels', 'connect-webhook', channelId, '--url', 'http://127.0.0.1:9/hook', '--json')
      const badUrl = pigeon(env, 'channels', 'connect-webhook', channelId, '--url', 'ftp://example.com/')
      const channels = pigeon(env, 'channels', 'list', '--json')

      assert.equal(setup.status, 0, setup.stderr)
      assert.match((JSON.parse(setup.stdout) as { apiKey: string }).apiKey, /^pgn_/)
      assert.equal((JSON.parse(setup.stdout) as { email: string }).email, 'owner@example.com')
      assert.equal(second.status, 1)
      assert.match(second.stderr, /already set up/)
      assert.equal(created.status, 0, created.stderr)
      assert.equal(badExpiry.status, 2)
      assert.match(badExpiry.stderr, /--expires-in "soon"/)
      assert.equal((JSON.parse(listed.stdout) as unknown[]).length, 2)
      assert.doesNotMatch(listed.stdout, new RegExp(createdKey.apiKey))
      assert.equal(revoked.status, 0, revoked.stderr)
      assert.equal(revokedAgain.status, 1)
      assert.equal(channel.status, 0, channel.stderr)
      assert.equal(badService.status, 1)
      assert.match(badService.stderr, /Unknown service "myspace"/)
      assert.match(schedule.stdout, /mon {2}08:15 19:00/)
      assert.match(schedule.stdout, /sun .*\(paused\)/)
      assert.equal(badTime.status, 1)
      assert.match(badTime.stderr, /25:00/)
      assert.match((JSON.parse(webhook.stdout) as { secret: string }).secret, /^whsec_/)
      assert.equal(badUrl.status, 1)
      assert.equal((JSON.parse(channels.stdout) as Array<{ status: string }>)[0]!.status, 'connected')
    })
  })
}
