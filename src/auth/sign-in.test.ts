import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../../test/helpers/app.ts'
import { DIALECTS } from '../../test/helpers/db.ts'
import { runFirstRunSetup } from '../accounts/first-run-setup.ts'
import { endAccountSessions, endSession, resolveSession, SESSION_IDLE_TIMEOUT_MS, SESSION_LIFETIME_MS, startSession } from './sessions.ts'
import { signIn } from './sign-in.ts'

const OWNER = { email: 'owner@example.com', name: 'Owner', password: 'owner password 1', timezone: 'UTC', organizationName: 'Org' }

async function setUp(t: Parameters<typeof startTestApp>[0], dialect: (typeof DIALECTS)[number]) {
  let offset = 0
  const app = await startTestApp(t, dialect, { now: () => new Date(Date.now() + offset) })
  const setup = await runFirstRunSetup(app.deps, OWNER)
  if (!setup.ok) throw new Error(setup.error.message)

  return { deps: app.deps, advance: (ms: number) => (offset += ms), accountId: setup.value.session.accountId }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: sessions`, () => {
    it('stores only a hash of the token', async (t) => {
      const { deps, accountId } = await setUp(t, dialect)

      const started = await startSession(deps, accountId)
      const rows = await deps.db.kysely.selectFrom('sessions').selectAll().where('id', '=', started.session.id).execute()

      assert.match(started.token, /^pgs_[A-Za-z0-9_-]{43}$/)
      assert.equal(rows.length, 1)
      assert.notEqual(rows[0]!.token_hash, started.token)
      assert.equal(JSON.stringify(rows).includes(started.token), false)
    })

    it('resolves a token to its account', async (t) => {
      const { deps, accountId } = await setUp(t, dialect)
      const started = await startSession(deps, accountId)

      const resolved = await resolveSession(deps, started.token)

      assert.equal(resolved.ok, true)
      assert.equal(resolved.ok && resolved.value.actor.kind, 'session')
      assert.equal(resolved.ok && resolved.value.actor.accountId, accountId)
      assert.equal(resolved.ok && resolved.value.actor.organizationIds.length, 1)
    })

    it('rejects unknown and malformed tokens', async (t) => {
      const { deps } = await setUp(t, dialect)

      assert.deepEqual(await resolveSession(deps, undefined), { ok: false, error: 'missing' })
      assert.deepEqual(await resolveSession(deps, 'not a token'), { ok: false, error: 'malformed' })
      assert.deepEqual(await resolveSession(deps, `pgs_${'A'.repeat(43)}`), { ok: false, error: 'unknown' })
    })

    it('expires after its lifetime even when active', async (t) => {
      const { deps, accountId, advance } = await setUp(t, dialect)
      const started = await startSession(deps, accountId)

      for (let day = 0; day < 29; day++) {
        advance(24 * 3_600_000)
        assert.equal((await resolveSession(deps, started.token)).ok, true, `day ${day + 1}`)
      }
      advance(SESSION_LIFETIME_MS - 29 * 24 * 3_600_000)
      const expired = await resolveSession(deps, started.token)

      assert.deepEqual(expired, { ok: false, error: 'expired' })
    })

    it('expires when idle', async (t) => {
      const { deps, accountId, advance } = await setUp(t, dialect)
      const started = await startSession(deps, accountId)

      advance(SESSION_IDLE_TIMEOUT_MS)
      const idle = await resolveSession(deps, started.token)
      const afterwards = await resolveSession(deps, started.token)

      assert.deepEqual(idle, { ok: false, error: 'expired' })
      assert.deepEqual(afterwards, { ok: false, error: 'unknown' }, 'an expired session is deleted')
    })

    it('ends one session or all of them', async (t) => {
      const { deps, accountId } = await setUp(t, dialect)
      const first = await startSession(deps, accountId)
      const second = await startSession(deps, accountId)
      const third = await startSession(deps, accountId)

      await endSession(deps, first.session)
      const afterOne = await Promise.all([first, second, third].map(async (started) => (await resolveSession(deps, started.token)).ok))
      const ended = await endAccountSessions(deps, accountId)
      const afterAll = await Promise.all([second, third].map(async (started) => (await resolveSession(deps, started.token)).ok))

      assert.deepEqual(afterOne, [false, true, true])
      assert.equal(ended, 3, 'the session setup started is ended too')
      assert.deepEqual(afterAll, [false, false])
    })
  })

  describe(`${dialect}: signIn`, () => {
    it('starts a session for the right password', async (t) => {
      const { deps, accountId } = await setUp(t, dialect)

      const result = await signIn(deps, { email: ' Owner@Example.com ', password: OWNER.password, address: '127.0.0.1' })

      assert.equal(result.ok, true)
      assert.equal(result.ok && result.value.session.accountId, accountId)
    })

    it('rejects a wrong password and an unknown email alike', async (t) => {
      const { deps } = await setUp(t, dialect)

      const wrong = await signIn(deps, { email: OWNER.email, password: 'wrong password', address: '127.0.0.1' })
      const unknown = await signIn(deps, { email: 'nobody@example.com', password: OWNER.password, address: '127.0.0.2' })

      assert.deepEqual(wrong, { ok: false, error: { code: 'INVALID_CREDENTIALS', message: 'The email address or password is incorrect.' } })
      assert.deepEqual(unknown, wrong)
    })

    it('asks for empty fields without an attempt', async (t) => {
      const { deps } = await setUp(t, dialect)

      const result = await signIn(deps, { email: '  ', password: '', address: '127.0.0.1' })
      const attempts = await deps.db.kysely.selectFrom('sign_in_attempts').select('id').execute()

      assert.deepEqual(result, {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          problems: [
            { field: 'email', message: 'Email address is missing.' },
            { field: 'password', message: 'Password is missing.' },
          ],
          message: 'Email address is missing. Password is missing.',
        },
      })
      assert.equal(attempts.length, 0)
    })

    it('throttles an email after ten failures from many addresses', async (t) => {
      const { deps, advance } = await setUp(t, dialect)

      for (let attempt = 0; attempt < 10; attempt++) await signIn(deps, { email: OWNER.email, password: 'guess', address: `10.0.0.${attempt}` })
      const throttled = await signIn(deps, { email: OWNER.email, password: OWNER.password, address: '10.0.1.1' })
      advance(30_000)
      const allowed = await signIn(deps, { email: OWNER.email, password: OWNER.password, address: '10.0.1.1' })

      assert.equal(throttled.ok, false)
      assert.equal(!throttled.ok && throttled.error.code, 'SIGN_IN_THROTTLED')
      const waitMs = !throttled.ok && throttled.error.code === 'SIGN_IN_THROTTLED' ? throttled.error.retryAfterMs : 0
      assert.ok(waitMs > 25_000, `wait of ${waitMs} ms is close to 30 s`)
      assert.ok(waitMs <= 30_000, `wait of ${waitMs} ms is at most 30 s`)
      assert.equal(allowed.ok, true)
    })

    it('resets the email count after a success', async (t) => {
      const { deps } = await setUp(t, dialect)

      for (let attempt = 0; attempt < 9; attempt++) await signIn(deps, { email: OWNER.email, password: 'guess', address: `10.0.0.${attempt}` })
      await signIn(deps, { email: OWNER.email, password: OWNER.password, address: '10.0.2.1' })
      for (let attempt = 0; attempt < 9; attempt++) await signIn(deps, { email: OWNER.email, password: 'guess', address: `10.0.3.${attempt}` })
      const tenth = await signIn(deps, { email: OWNER.email, password: OWNER.password, address: '10.0.4.1' })

      assert.equal(tenth.ok, true)
    })

    it('keeps the address count across a success', async (t) => {
      const { deps } = await setUp(t, dialect)

      for (let attempt = 0; attempt < 5; attempt++) await signIn(deps, { email: `victim${attempt}@example.com`, password: 'guess', address: '10.9.9.9' })
      await signIn(deps, { email: OWNER.email, password: OWNER.password, address: '10.9.9.9' })
      for (let attempt = 5; attempt < 10; attempt++) await signIn(deps, { email: `victim${attempt}@example.com`, password: 'guess', address: '10.9.9.9' })
      const next = await signIn(deps, { email: OWNER.email, password: OWNER.password, address: '10.9.9.9' })

      assert.equal(!next.ok && next.error.code, 'SIGN_IN_THROTTLED')
    })

    it('counts guesses made at the same moment', async (t) => {
      const { deps } = await setUp(t, dialect)

      const results = await Promise.all(Array.from({ length: 14 }, (_, attempt) => signIn(deps, { email: OWNER.email, password: `guess ${attempt}`, address: '10.7.7.7' })))
      const codes = results.map((result) => (result.ok ? 'ok' : result.error.code))

      assert.ok(codes.filter((code) => code === 'INVALID_CREDENTIALS').length <= 10, `at most ten passwords were checked: ${codes.join(', ')}`)
      assert.ok(codes.includes('SIGN_IN_THROTTLED'))
    })

    it('forgets failures after an hour', async (t) => {
      const { deps, advance } = await setUp(t, dialect)

      for (let attempt = 0; attempt < 10; attempt++) await signIn(deps, { email: OWNER.email, password: 'guess', address: '10.0.0.1' })
      advance(60 * 60_000 + 1000)
      const later = await signIn(deps, { email: OWNER.email, password: OWNER.password, address: '10.0.0.1' })

      assert.equal(later.ok, true)
    })
  })
}
