import assert from 'node:assert/strict'
import http from 'node:http'
import { describe, it, type TestContext } from 'node:test'
import { buildServer } from '../../src/api/http/server.ts'
import { createAppDeps } from '../../src/app.ts'
import { loadConfig } from '../../src/config/config.ts'
import type { AppDeps } from '../../src/deps.ts'
import { createLogger } from '../../src/logging/logger.ts'
import { startTestApp } from '../helpers/app.ts'
import { createTestDatabase, DIALECTS, type Dialect } from '../helpers/db.ts'
import { buildTenant } from '../helpers/factories.ts'
import { LogCapture } from '../helpers/log-capture.ts'

const QUOTAS = '15m=5,24h=8,30d=10'
const QUERY = JSON.stringify({ query: '{ account { id } }' })
const MINUTE = 60_000

function manualClock(start = Date.parse('2026-06-01T12:00:30Z')) {
  let now = start
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) }
}

interface RawResponse {
  status: number
  /** Header lines as sent, in order, lower-cased names. */
  lines: Array<[string, string]>
  body: any
}

/** POSTs with node:http so repeated header lines stay separate, as they were sent. */
function post(url: string, key: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        const lines: Array<[string, string]> = []
        for (let index = 0; index < response.rawHeaders.length; index += 2) lines.push([response.rawHeaders[index]!.toLowerCase(), response.rawHeaders[index + 1]!])
        resolve({ status: response.statusCode ?? 0, lines, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
      })
    })
    request.on('error', reject)
    request.end(QUERY)
  })
}

function headerLines(response: RawResponse, name: string): string[] {
  return response.lines.filter(([header]) => header === name).map(([, value]) => value)
}

async function sendMany(url: string, key: string, count: number): Promise<RawResponse[]> {
  const responses: RawResponse[] = []
  for (let index = 0; index < count; index++) responses.push(await post(url, key))
  return responses
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: rate limits`, () => {
    it('sends RateLimit headers in Buffer form', async (t) => {
      const clock = manualClock()
      const app = await startTestApp(t, dialect, { env: { PIGEON_RATE_LIMIT_QUOTAS: QUOTAS }, now: clock.now })
      const tenant = await buildTenant(app.deps)

      const response = await post(app.url, tenant.apiKey)
      const limits = headerLines(response, 'ratelimit')
      const policies = headerLines(response, 'ratelimit-policy')

      assert.equal(response.status, 200)
      assert.equal(limits.length, 3)
      assert.match(limits[0]!, /^"5-in-15min";r=4;t=\d+$/)
      assert.match(limits[1]!, /^"8-in-1day";r=7;t=\d+$/)
      assert.match(limits[2]!, /^"10-in-30days";r=9;t=\d+$/)
      assert.match(policies[0]!, /^"5-in-15min";q=5;w=900;pk=:[A-Za-z0-9+/]{16}:$/)
      assert.match(policies[1]!, /^"8-in-1day";q=8;w=86400;pk=:[A-Za-z0-9+/]{16}:$/)
      assert.match(policies[2]!, /^"10-in-30days";q=10;w=2592000;pk=:[A-Za-z0-9+/]{16}:$/)
      assert.deepEqual(headerLines(response, 'x-ratelimit-limit'), ['5'])
      assert.deepEqual(headerLines(response, 'x-ratelimit-remaining'), ['4'])
    })

    it('refuses past the 15-minute quota', async (t) => {
      const clock = manualClock()
      const app = await startTestApp(t, dialect, { env: { PIGEON_RATE_LIMIT_QUOTAS: QUOTAS }, now: clock.now })
      const tenant = await buildTenant(app.deps)

      const allowed = await sendMany(app.url, tenant.apiKey, 5)
      const refused = await post(app.url, tenant.apiKey)
      clock.advance(16 * MINUTE)
      const later = await post(app.url, tenant.apiKey)

      assert.deepEqual(allowed.map((response) => response.status), [200, 200, 200, 200, 200])
      assert.equal(refused.status, 429)
      assert.equal(refused.body.errors[0].extensions.code, 'RATE_LIMIT_EXCEEDED')
      assert.equal(refused.body.errors[0].extensions.window, '15m')
      assert.equal(refused.body.errors[0].extensions.limitType, 'CLIENT_ACCOUNT')
      assert.equal(String(refused.body.errors[0].extensions.retryAfter), headerLines(refused, 'retry-after')[0])
      assert.ok(Number(headerLines(refused, 'retry-after')[0]) > 0)
      assert.equal(later.status, 200)
    })

    it('rolls instead of resetting on the clock', async (t) => {
      const clock = manualClock(Date.parse('2026-06-01T12:14:30Z'))
      const app = await startTestApp(t, dialect, { env: { PIGEON_RATE_LIMIT_QUOTAS: QUOTAS }, now: clock.now })
      const tenant = await buildTenant(app.deps)

      await sendMany(app.url, tenant.apiKey, 5)
      clock.advance(MINUTE)
      const acrossBoundary = await post(app.url, tenant.apiKey)

      assert.equal(acrossBoundary.status, 429)
    })

    it('recounts once old requests leave', async (t) => {
      const clock = manualClock()
      const app = await startTestApp(t, dialect, { env: { PIGEON_RATE_LIMIT_QUOTAS: QUOTAS }, now: clock.now })
      const tenant = await buildTenant(app.deps)

      const first = await sendMany(app.url, tenant.apiKey, 3)
      clock.advance(16 * MINUTE)
      const later = await post(app.url, tenant.apiKey)

      assert.match(headerLines(first[2]!, 'ratelimit')[0]!, /^"5-in-15min";r=2;/)
      assert.match(headerLines(later, 'ratelimit')[0]!, /^"5-in-15min";r=4;t=(\d+)$/)
      assert.match(headerLines(later, 'ratelimit')[1]!, /^"8-in-1day";r=4;/)
    })

    it('refuses past the daily and monthly quotas', async (t) => {
      const clock = manualClock()
      const app = await startTestApp(t, dialect, { env: { PIGEON_RATE_LIMIT_QUOTAS: QUOTAS }, now: clock.now })
      const tenant = await buildTenant(app.deps)

      await sendMany(app.url, tenant.apiKey, 5)
      clock.advance(16 * MINUTE)
      await sendMany(app.url, tenant.apiKey, 3)
      const daily = await post(app.url, tenant.apiKey)
      clock.advance(25 * 60 * MINUTE)
      await sendMany(app.url, tenant.apiKey, 2)
      const monthly = await post(app.url, tenant.apiKey)

      assert.equal(daily.status, 429)
      assert.equal(daily.body.errors[0].extensions.window, '24h')
      assert.equal(monthly.status, 429)
      assert.equal(monthly.body.errors[0].extensions.window, '30d')
    })

    it('keeps counts across a restart', async (t) => {
      const clock = manualClock()
      const database = await createTestDatabase(dialect)
      const first = await startServer(t, dialect, database.env, clock.now)
      const tenant = await buildTenant(first.deps)
      await sendMany(first.url, tenant.apiKey, 3)
      await first.close()

      const second = await startServer(t, dialect, database.env, clock.now)
      // After-hooks run in the order they were added, so the database is dropped after the servers stop.
      t.after(() => database.drop())
      const response = await post(second.url, tenant.apiKey)

      assert.match(headerLines(response, 'ratelimit')[0]!, /^"5-in-15min";r=1;/)
    })

    it('shares counts between two processes', async (t) => {
      const clock = manualClock()
      const database = await createTestDatabase(dialect)
      const first = await startServer(t, dialect, { ...database.env, PIGEON_RATE_LIMIT_SYNC_MS: '20' }, clock.now)
      const second = await startServer(t, dialect, { ...database.env, PIGEON_RATE_LIMIT_SYNC_MS: '20' }, clock.now)
      t.after(() => database.drop())
      const tenant = await buildTenant(first.deps)

      const statuses: number[] = []
      for (let index = 0; index < 8; index++) {
        statuses.push((await post(index % 2 === 0 ? first.url : second.url, tenant.apiKey)).status)
        await waitForStoredCount(first.deps, statuses.filter((status) => status === 200).length)
        // Give the other process a few sync intervals to read the new total.
        await new Promise((resolve) => setTimeout(resolve, 200))
      }

      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429])
    })

    it('counts nothing when limits are off', async (t) => {
      const app = await startTestApp(t, dialect, { env: { PIGEON_RATE_LIMIT_QUOTAS: QUOTAS, PIGEON_RATE_LIMITS: 'false' } })
      const tenant = await buildTenant(app.deps)

      const responses = await sendMany(app.url, tenant.apiKey, 7)

      assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([200]))
      assert.deepEqual(headerLines(responses[0]!, 'ratelimit'), [])
    })

    it('throttles failed key attempts per address', async (t) => {
      const app = await startTestApp(t, dialect, { env: { PIGEON_AUTH_FAILURE_LIMIT: '3' } })
      const tenant = await buildTenant(app.deps)
      const unknownKey = `${tenant.apiKey.slice(0, 10)}${'A'.repeat(tenant.apiKey.length - 10)}`

      const failures = await sendMany(app.url, unknownKey, 3)
      const throttled = await post(app.url, tenant.apiKey)

      assert.deepEqual(failures.map((response) => response.status), [401, 401, 401])
      assert.equal(throttled.status, 401)
      assert.equal(throttled.body.errors[0].extensions.code, 'UNAUTHENTICATED')
      assert.ok(Number(headerLines(throttled, 'retry-after')[0]) > 0)
    })
  })
}

/** Waits until the 15-minute buckets in the database add up to `expected` (at most 10 s). */
async function waitForStoredCount(deps: AppDeps, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const row = await deps.db.kysely
      .selectFrom('rate_limit_buckets')
      .select((eb) => eb.fn.sum<number>('count').as('total'))
      .where('window', '=', '15m')
      .executeTakeFirst()
    if (Number(row?.total ?? 0) >= expected) return
    if (Date.now() > deadline) throw new Error(`rate limit counts did not reach ${expected} in the database`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function startServer(t: TestContext, _dialect: Dialect, env: Record<string, string>, now: () => Date) {
  const config = loadConfig({ PIGEON_RATE_LIMIT_QUOTAS: QUOTAS, ...env })
  const deps = await createAppDeps(config, createLogger({ level: 'silent', role: 'test', version: 'test', destination: new LogCapture() as never }), { now })
  const server = await buildServer(deps)
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  let closed = false
  const close = async () => {
    if (closed) return
    closed = true
    await server.close()
    await deps.db.close()
  }
  t.after(close)

  return { deps, url, close }
}
