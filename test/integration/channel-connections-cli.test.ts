import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { loadConfig } from '../../src/config/config.ts'
import { createCredentialsCipher } from '../../src/storage/credentials-cipher.ts'
import { findNetworkConnection } from '../../src/storage/network-connections-repo.ts'
import type { AppDeps } from '../../src/deps.ts'
import type { TestDatabase } from '../helpers/db.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { startFakeBluesky } from '../helpers/fake-bluesky.ts'
import { startFakeMastodon } from '../helpers/fake-mastodon.ts'
import { createCleanup, setUpSharedDatabase } from '../helpers/pigeon-process.ts'

const BIN = fileURLToPath(new URL('../../bin/pigeon.js', import.meta.url))

interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * Runs the pigeon command in a child process without blocking this one, because the fakes it
 * talks to run in this process. `input` is written to its standard input.
 */
function pigeon(env: Record<string, string>, args: string[], input = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => {
      stderr += `\n(pigeon ${args.join(' ')} timed out after 60 s and was killed)`
      child.kill('SIGKILL')
    }, 60_000)
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

/** Decrypts a channel's stored credentials with the same key the command used. */
async function storedCredentials(deps: AppDeps, database: TestDatabase, channelId: string): Promise<Record<string, string> | null> {
  const connection = await findNetworkConnection(deps.db.kysely, channelId)
  if (connection === undefined) return null
  const cipher = createCredentialsCipher(loadConfig(database.env).credentialsKey)

  return JSON.parse(cipher.decrypt(channelId, connection.credentials)) as Record<string, string>
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: channel connection commands`, () => {
    it('connects, reconnects and disconnects Mastodon', async (t) => {
      const cleanup = createCleanup(t)
      const { database, deps } = await setUpSharedDatabase(dialect, cleanup)
      const mastodon = await startFakeMastodon(t, { maxCharacters: 640 })
      const tenant = await buildTenant(deps)
      const { id } = await buildChannel(deps, tenant.organizationId, { service: 'mastodon' })

      const started = await pigeon(database.env, ['channels', 'connect-mastodon', id, '--instance', mastodon.url, '--json'])
      assert.equal(started.status, 0, started.stderr)
      const { authorizeUrl } = JSON.parse(started.stdout) as { authorizeUrl: string }
      assert.match(authorizeUrl, new RegExp(`^${mastodon.url}/oauth/authorize\\?response_type=code&client_id=`))
      const page = await (await fetch(authorizeUrl)).text()
      const code = /value="([^"]+)"/.exec(page)?.[1]
      assert.ok(code !== undefined, `the authorize page shows a code: ${page}`)

      const finished = await pigeon(database.env, ['channels', 'connect-mastodon', id, '--code', code, '--json'])
      assert.equal(finished.status, 0, finished.stderr)
      assert.deepEqual(JSON.parse(finished.stdout), { channelId: id, network: 'mastodon', account: `pigeon_test@${new URL(mastodon.url).host}`, serverUrl: mastodon.url, maxCharacters: 640 })
      const oauthToken = (await storedCredentials(deps, database, id))?.accessToken
      assert.ok(oauthToken !== undefined, 'the OAuth token is stored')

      const disconnected = await pigeon(database.env, ['channels', 'disconnect', id, '--json'])
      assert.equal(disconnected.status, 0, disconnected.stderr)
      assert.equal(JSON.parse(disconnected.stdout).revoked, true)
      assert.ok(!mastodon.validTokens().includes(oauthToken), 'disconnect revoked the OAuth token')

      const pasted = mastodon.issueToken()
      const connected = await pigeon(database.env, ['channels', 'connect-mastodon', id, '--instance', mastodon.url, `--access-token=${pasted}`, '--visibility', 'private'])
      assert.equal(connected.status, 0, connected.stderr)
      assert.match(connected.stdout, /now publishes to mastodon as pigeon_test@.* Posts may have up to 640 characters/)

      const rejected = await pigeon(database.env, ['channels', 'reconnect', id, '--access-token', 'not-a-token'])
      assert.equal(rejected.status, 1, rejected.stdout)
      assert.match(rejected.stderr, /HTTP 401 while checking the access token: The access token is invalid/)
      assert.equal((await storedCredentials(deps, database, id))?.accessToken, pasted)

      const listed = await pigeon(database.env, ['channels', 'list', '--json'])
      assert.equal(listed.status, 0, listed.stderr)
      assert.equal(JSON.parse(listed.stdout)[0].status, 'connected')
      assert.equal((await findNetworkConnection(deps.db.kysely, id))!.settings.visibility, 'private')
    })

    it('connects Bluesky with an app password', async (t) => {
      const cleanup = createCleanup(t)
      const { database, deps } = await setUpSharedDatabase(dialect, cleanup)
      const bluesky = await startFakeBluesky(t)
      const tenant = await buildTenant(deps)
      const { id } = await buildChannel(deps, tenant.organizationId, { service: 'bluesky' })
      const mastodonChannel = await buildChannel(deps, tenant.organizationId, { service: 'mastodon' })

      const connected = await pigeon(database.env, ['channels', 'connect-bluesky', id, '--identifier', bluesky.handle, '--app-password-stdin', '--service', bluesky.url, '--json'], `${bluesky.appPassword}\n`)
      const before = await storedCredentials(deps, database, id)
      const rejected = await pigeon(database.env, ['channels', 'reconnect', id, '--app-password', 'wrong-password'])
      const after = await storedCredentials(deps, database, id)
      const wrongService = await pigeon(database.env, ['channels', 'connect-bluesky', mastodonChannel.id, '--identifier', bluesky.handle, '--app-password', bluesky.appPassword])
      const row = await deps.db.kysely.selectFrom('channels').select(['credentials', 'server_url', 'remote_account_id']).where('id', '=', id).executeTakeFirstOrThrow()

      assert.equal(connected.status, 0, connected.stderr)
      assert.deepEqual(JSON.parse(connected.stdout), { channelId: id, network: 'bluesky', account: bluesky.handle, serverUrl: bluesky.url, maxCharacters: null })
      assert.equal(rejected.status, 1)
      assert.match(rejected.stderr, /Invalid identifier or password/)
      assert.deepEqual(after, before)
      assert.equal(wrongService.status, 1)
      assert.match(wrongService.stderr, /is a mastodon channel, so it cannot connect a bluesky account/)
      assert.equal(row.remote_account_id, bluesky.did)
      assert.ok(!row.credentials!.includes(before!.refreshJwt!), 'credentials are stored encrypted')
      assert.ok(!row.credentials!.includes(bluesky.appPassword))
    })
  })
}
