import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { DeliveryOutcome } from '../channels/delivery-outcome.ts'
import type { AppDeps } from '../deps.ts'
import { coerceError } from '../errors/app-error.ts'
import type { Logger } from '../logging/logger.ts'
import { updateChannel } from '../storage/channels-repo.ts'
import { claimDuePosts, completeDelivery, failDelivery, findNextRunAt, releaseExpiredLeases, scheduleRetry, type ClaimedPost } from '../storage/delivery-repo.ts'
import { computeNextAttemptAt } from './backoff.ts'
import { deliverPost } from './deliver-post.ts'

/** How often a worker returns expired leases (posts whose worker died mid-send) to the queue. */
const LEASE_SWEEP_INTERVAL_MS = 5_000

export interface RunningWorker {
  readonly workerId: string
  /** Stops claiming, waits up to `graceMs` for deliveries in flight, then aborts the rest. */
  stop(graceMs: number): Promise<void>
  /** Resolves when the loop has ended. */
  readonly done: Promise<void>
}

/**
 * Starts a delivery loop: claim due posts with a lease, deliver each through its channel, and
 * record the outcome. Runs until `stop` is called; loop errors (a database outage) are logged and
 * retried after the poll interval.
 */
export function startWorker(deps: AppDeps): RunningWorker {
  const workerId = `worker-${randomBytes(6).toString('hex')}`
  const log = deps.log.child({ workerId })
  const { concurrency, pollIntervalMs } = deps.config.worker
  const inFlight = new Set<Promise<void>>()
  const stopping = new AbortController()
  const aborting = new AbortController()
  let wake: (() => void) | null = null
  let lastSweep = 0

  const loop = async () => {
    log.info({ concurrency, pollIntervalMs, leaseMs: deps.config.worker.leaseMs }, 'worker started')
    while (!stopping.signal.aborted) {
      try {
        const now = deps.now().getTime()
        if (now - lastSweep >= LEASE_SWEEP_INTERVAL_MS) {
          lastSweep = now
          const released = await releaseExpiredLeases(deps.db, now)
          if (released.length > 0) log.warn({ count: released.length, postIds: released.slice(0, 20) }, 'expired leases released')
        }

        const free = concurrency - inFlight.size
        const claimed = free > 0 ? await claimDuePosts(deps.db, { workerId, limit: free, now, leaseMs: deps.config.worker.leaseMs }) : []
        if (claimed.length > 0) log.debug({ count: claimed.length }, 'claimed posts')
        for (const entry of claimed) {
          const task = runDelivery(deps, log, workerId, entry, aborting.signal).finally(() => {
            inFlight.delete(task)
            wake?.()
          })
          inFlight.add(task)
        }
        if (claimed.length === free && free > 0) continue

        await idle(await sleepMs(deps, pollIntervalMs))
      } catch (error) {
        log.error({ err: coerceError(error) }, 'worker loop failed; retrying')
        await idle(pollIntervalMs)
      }
    }
  }

  // Sleeps until the timeout, a finished delivery, or stop, whichever comes first.
  const idle = async (ms: number) => {
    const woken = new Promise<void>((resolve) => (wake = resolve))
    await Promise.race([sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined), woken])
    wake = null
  }

  const done = loop()

  return {
    workerId,
    done,
    async stop(graceMs: number) {
      stopping.abort()
      wake?.()
      await done
      if (inFlight.size > 0) {
        log.info({ inFlight: inFlight.size, graceMs }, 'waiting for deliveries in flight')
        const finished = await Promise.race([Promise.all(inFlight).then(() => true), sleep(graceMs).then(() => false)])
        if (!finished) {
          log.warn({ abandoned: inFlight.size }, 'shutdown grace period exceeded; aborting deliveries, their leases will expire')
          aborting.abort()
          await Promise.allSettled(inFlight)
        }
      }
      log.info('worker stopped')
    },
  }
}

/** Time to wait before the next poll: the poll interval, or less when a post falls due sooner. */
async function sleepMs(deps: AppDeps, pollIntervalMs: number): Promise<number> {
  const next = await findNextRunAt(deps.db)
  if (next === null) return pollIntervalMs

  return Math.max(10, Math.min(pollIntervalMs, next - deps.now().getTime()))
}

async function runDelivery(deps: AppDeps, workerLog: Logger, workerId: string, entry: ClaimedPost, signal: AbortSignal): Promise<void> {
  const { post, attempt, attemptId } = entry
  const { maxAttempts } = deps.config.worker
  const log = workerLog.child({ postId: post.id, channelId: post.channelId, attempt, maxAttempts })
  const started = Date.now()

  let outcome: DeliveryOutcome
  try {
    outcome = await deliverPost(deps, post, signal)
  } catch (error) {
    log.error({ err: coerceError(error) }, 'delivery threw')
    outcome = { kind: 'retry', reason: 'Pigeon hit an internal error while sending; it will try again.', retryAfterMs: null, outcomeUnknown: true }
  }

  try {
    await recordOutcome(deps, log, { workerId, post, attempt, attemptId, outcome, durationMs: Date.now() - started })
  } catch (error) {
    // The lease stays; when it expires the post is claimed again and the webhook id lets the
    // receiver drop the repeat.
    log.error({ err: coerceError(error) }, 'recording delivery outcome failed')
  }
}

async function recordOutcome(
  deps: AppDeps,
  log: Logger,
  args: { workerId: string; post: ClaimedPost['post']; attempt: number; attemptId: string; outcome: DeliveryOutcome; durationMs: number },
): Promise<void> {
  const { workerId, post, attempt, attemptId, outcome, durationMs } = args
  const now = deps.now()
  const base = { postId: post.id, workerId, attemptId, now: now.getTime() }

  switch (outcome.kind) {
    case 'delivered': {
      const saved = await completeDelivery(deps.db, { ...base, summary: outcome.responseSummary, remoteId: outcome.remoteId, externalLink: outcome.externalLink })
      if (saved) log.info({ durationMs }, 'post delivered')
      else log.warn({ durationMs }, 'post delivered after its lease was lost')
      return
    }
    case 'retry': {
      const { maxAttempts, retryBaseMs, retryCapMs } = deps.config.worker
      if (attempt >= maxAttempts) {
        const message = `Delivery failed after ${attempt} attempts. Last error: ${outcome.reason}`
        await failDelivery(deps.db, { ...base, summary: outcome.reason, message, raw: outcome.reason, outcome: 'failed' })
        log.error({ reason: outcome.reason, durationMs }, 'delivery attempts exhausted')
        return
      }
      const runAt = computeNextAttemptAt({ attempt, now, baseMs: retryBaseMs, capMs: retryCapMs, retryAfterMs: outcome.retryAfterMs })
      await scheduleRetry(deps.db, { ...base, summary: outcome.reason, runAt: runAt.getTime(), reason: outcome.reason })
      log.warn({ reason: outcome.reason, nextRunAt: runAt.toISOString(), durationMs }, 'delivery will retry')
      return
    }
    case 'reauth': {
      await updateChannel(deps.db.kysely, post.channelId, { isDisconnected: true }, now.getTime())
      await failDelivery(deps.db, { ...base, summary: outcome.reason, message: `Reconnect required: ${outcome.reason}`, raw: null, outcome: 'reauth' })
      log.warn({ reason: outcome.reason }, 'channel needs reconnecting')
      return
    }
    case 'rejected': {
      await failDelivery(deps.db, { ...base, summary: outcome.reason, message: outcome.reason, raw: null, outcome: 'rejected' })
      log.error({ reason: outcome.reason, durationMs }, 'delivery rejected')
      return
    }
  }
}
