import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { createAppDeps } from '../../src/app.ts'
import { loadConfig } from '../../src/config/config.ts'
import { apiKeyPartition, RateLimiter } from '../../src/limits/rate-limiter.ts'
import { createLogger } from '../../src/logging/logger.ts'
import { createTestDatabase, DIALECTS, type Dialect } from '../helpers/db.ts'
import { LogCapture } from '../helpers/log-capture.ts'

const QUOTAS = { fifteenMinutes: 5, oneDay: 8, thirtyDays: 10 }
const START = Date.parse('2026-06-01T12:00:30Z')

/** Opens a migrated database and returns a factory of limiters that share it, as processes do. */
async function openLimiters(t: TestContext, dialect: Dialect) {
  const database = await createTestDatabase(dialect)
  const log = createLogger({ level: 'silent', role: 'test', version: 'test', destination: new LogCapture() as never })
  const deps = await createAppDeps(loadConfig(database.env), log)
  t.after(async () => {
    await deps.db.close()
    await database.drop()
  })
  const nowMs = () => START

  return () => new RateLimiter(deps.db, log, { syncIntervalMs: 60_000, nowMs })
}

/** Counts the partitions a limiter keeps in memory, which is private state that only this test reads. */
function heldPartitions(limiter: RateLimiter): number {
  return (limiter as unknown as { partitions: Map<string, unknown> }).partitions.size
}

async function consumeTimes(limiter: RateLimiter, partitionKey: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) await limiter.consume(partitionKey, QUOTAS)
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: RateLimiter.usage`, () => {
    it('reads stored counts without holding the key', async (t) => {
      const newLimiter = await openLimiters(t, dialect)
      const first = newLimiter()
      const second = newLimiter()
      await consumeTimes(first, apiKeyPartition('busy'), 3)
      await first.sync()

      const [busy, idle] = await second.usage([
        { partitionKey: apiKeyPartition('busy'), quotas: QUOTAS },
        { partitionKey: apiKeyPartition('idle'), quotas: QUOTAS },
      ])

      assert.deepEqual(busy!.map((window) => [window.window, window.used, window.quota]), [['15m', 3, 5], ['24h', 3, 8], ['30d', 3, 10]])
      assert.deepEqual(idle!.map((window) => window.used), [0, 0, 0])
      assert.deepEqual(idle!.map((window) => window.resetSeconds), [0, 0, 0])
      assert.equal(busy![0]!.resetSeconds, 16 * 60 - 30, 'the 1-minute bucket that began at 12:00 leaves the window at 12:16')
      assert.equal(heldPartitions(second), 0)
    })

    it('includes counts not yet synced', async (t) => {
      const newLimiter = await openLimiters(t, dialect)
      const first = newLimiter()
      const second = newLimiter()
      await consumeTimes(first, apiKeyPartition('busy'), 2)

      const [inMemory] = await first.usage([{ partitionKey: apiKeyPartition('busy'), quotas: QUOTAS }])
      const [stored] = await second.usage([{ partitionKey: apiKeyPartition('busy'), quotas: QUOTAS }])

      assert.deepEqual(inMemory!.map((window) => window.used), [2, 2, 2])
      assert.deepEqual(stored!.map((window) => window.used), [0, 0, 0])
    })

    it('counts no request', async (t) => {
      const limiter = (await openLimiters(t, dialect))()
      await consumeTimes(limiter, apiKeyPartition('busy'), 1)

      await limiter.usage([{ partitionKey: apiKeyPartition('busy'), quotas: QUOTAS }])
      await limiter.usage([{ partitionKey: apiKeyPartition('busy'), quotas: QUOTAS }])
      const decision = await limiter.consume(apiKeyPartition('busy'), QUOTAS)

      assert.equal(decision.windows[0]!.remaining, QUOTAS.fifteenMinutes - 2)
    })
  })
}
