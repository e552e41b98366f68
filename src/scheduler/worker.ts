import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { DeliveryOutcome } from '../channels/delivery-outcome.ts'
import type { AppDeps } from '../deps.ts'
import { coerceError } from '../errors/app-error.ts'
import type { Logger } from '../logging/logger.ts'
import { findChannelById, updateChannel } from '../storage/channels-repo.ts'
import {
  claimDuePosts,
  completeDelivery,
  failDelivery,
  failDuePostsOfChannel,
  findFirstUnknownAttemptAt,
  findNextRunAt,
  renewLeases,
  scheduleRetry,
  type ClaimedPost,
} from '../storage/delivery-repo.ts'
import { extendRateLimit } from '../storage/network-connections-repo.ts'
import { computeNextAttemptAt } from './backoff.ts'
import { deliverPost, type DeliveryResult } from './deliver-post.ts'
import { settleExpiredLeases } from './expired-leases.ts'
import { outcomeUnknownMessage, repeatDeadline } from './repeat-policy.ts'

/** How often a worker settles expired leases (posts whose worker died mid-send). */
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
  // Deliveries in flight and the post each one holds a lease on.
  const inFlight = new Map<Promise<void>, string>()
  const stopping = new AbortController()
  const aborting = new AbortController()
  let wake: (() => void) | null = null
  let lastSweep = 0
  let lastRenewal = 0
  // Renewing at a third of the lease leaves two renewals of slack before another worker may take over.
  const renewEveryMs = Math.floor(deps.config.worker.leaseMs / 3)

  const loop = async () => {
    log.info({ concurrency, pollIntervalMs, leaseMs: deps.config.worker.leaseMs }, 'worker started')
    while (!stopping.signal.aborted) {
      try {
        const now = deps.now().getTime()
        if (now - lastSweep >= LEASE_SWEEP_INTERVAL_MS) {
          lastSweep = now
          const settled = await settleExpiredLeases(deps, log)
          if (settled.requeued + settled.failed > 0) log.warn(settled, 'expired leases settled')
        }
        if (inFlight.size > 0 && now - lastRenewal >= renewEveryMs) {
          lastRenewal = now
          await renewLeases(deps.db, { workerId, postIds: [...inFlight.values()], until: now + deps.config.worker.leaseMs })
        }

        const free = concurrency - inFlight.size
        const claimed = free > 0 ? await claimDuePosts(deps.db, { workerId, limit: free, now, leaseMs: deps.config.worker.leaseMs }) : []
        if (claimed.length > 0) log.debug({ count: claimed.length }, 'claimed posts')
        for (const entry of claimed) {
          const task: Promise<void> = runDelivery(deps, log, workerId, entry, aborting.signal).finally(() => {
            inFlight.delete(task)
            wake?.()
          })
          inFlight.set(task, entry.post.id)
        }
        if (claimed.length === free && free > 0) continue

        // With every slot busy, a finished delivery wakes the loop, so there is no next run time to look up.
        const untilRenewal = inFlight.size > 0 ? renewEveryMs : pollIntervalMs
        await idle(free === 0 ? untilRenewal : Math.min(await sleepMs(deps, pollIntervalMs), untilRenewal))
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
        const finished = await Promise.race([Promise.all(inFlight.keys()).then(() => true), sleep(graceMs, undefined, { ref: false }).then(() => false)])
        if (!finished) {
          log.warn({ abandoned: inFlight.size }, 'shutdown grace period exceeded; aborting deliveries, their leases will expire')
          aborting.abort()
          await Promise.allSettled(inFlight.keys())
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
  const { post, attempt } = entry
  const { maxAttempts } = deps.config.worker
  const log = workerLog.child({ postId: post.id, channelId: post.channelId, attempt, maxAttempts })
  const started = Date.now()

  let result: DeliveryResult
  try {
    result = await deliverPost(deps, post, signal, attempt > 1)
  } catch (error) {
    log.error({ err: coerceError(error) }, 'delivery threw')
    // Where the adapter stopped is unknown, so this counts as an attempt that may have arrived.
    const outcome: DeliveryOutcome = { kind: 'retry', reason: 'Pigeon hit an internal error while sending; it will try again.', retryAfterMs: null, outcomeUnknown: true }
    const deliveryMethod = await findChannelById(deps.db.kysely, post.channelId).then((channel) => channel?.deliveryMethod ?? null, () => null)
    result = { outcome, deliveryMethod, remoteKey: null }
  }

  try {
    await recordOutcome(deps, log, { workerId, entry, result, durationMs: Date.now() - started })
  } catch (error) {
    // The lease stays; when it expires the sweep settles the post as for a crashed worker.
    log.error({ err: coerceError(error) }, 'recording delivery outcome failed')
  }
}

interface RecordArgs {
  workerId: string
  entry: ClaimedPost
  result: DeliveryResult
  durationMs: number
}

async function recordOutcome(deps: AppDeps, log: Logger, args: RecordArgs): Promise<void> {
  const { workerId, entry, result, durationMs } = args
  const { post, attemptId } = entry
  const { outcome } = result
  const now = deps.now()
  const base = { postId: post.id, workerId, attemptId, now: now.getTime(), remoteKey: result.remoteKey }

  switch (outcome.kind) {
    case 'delivered': {
      const saved = await completeDelivery(deps.db, { ...base, summary: outcome.responseSummary, remoteId: outcome.remoteId, externalLink: outcome.externalLink })
      if (saved) log.info({ durationMs }, 'post delivered')
      else log.warn({ durationMs }, 'post delivered after its lease was lost')
      return
    }
    case 'retry':
      return recordRetry(deps, log, { ...args, outcome, base })
    case 'reauth': {
      const message = `Reconnect required: ${outcome.reason}`
      await updateChannel(deps.db.kysely, post.channelId, { isDisconnected: true }, now.getTime())
      await failDelivery(deps.db, { ...base, summary: outcome.reason, message, raw: null, outcome: 'reauth' })
      const failed = await failDuePostsOfChannel(deps.db, { channelId: post.channelId, now: now.getTime(), message })
      log.warn({ reason: outcome.reason, failedDuePosts: failed.length }, 'channel needs reconnecting')
      return
    }
    case 'rejected': {
      await failDelivery(deps.db, { ...base, summary: outcome.reason, message: outcome.reason, raw: null, outcome: 'rejected' })
      log.error({ reason: outcome.reason, durationMs }, 'delivery rejected')
      return
    }
  }
}

/**
 * Schedules the next attempt after a temporary failure, or ends the post in `error` when attempts
 * are used up or when the outcome is unknown and a repeat could no longer be deduplicated. A
 * Retry-After holds back the whole channel, so its other posts wait too while other channels go on.
 */
async function recordRetry(
  deps: AppDeps,
  log: Logger,
  args: RecordArgs & { outcome: Extract<DeliveryOutcome, { kind: 'retry' }>; base: { postId: string; workerId: string; attemptId: string; now: number; remoteKey: string | null } },
): Promise<void> {
  const { entry, outcome, base, result, durationMs } = args
  const { maxAttempts, retryBaseMs, retryCapMs } = deps.config.worker
  const attemptOutcome = outcome.outcomeUnknown ? 'unknown' : 'failed'
  const runAt = computeNextAttemptAt({ attempt: entry.attempt, now: new Date(base.now), baseMs: retryBaseMs, capMs: retryCapMs, retryAfterMs: outcome.retryAfterMs })

  if (outcome.outcomeUnknown) {
    const firstUnknownAt = (await findFirstUnknownAttemptAt(deps.db, entry.post.id)) ?? entry.startedAt
    if (runAt.getTime() > repeatDeadline(result.deliveryMethod, firstUnknownAt)) {
      await failDelivery(deps.db, { ...base, summary: outcome.reason, message: outcomeUnknownMessage(result.deliveryMethod, outcome.reason), raw: outcome.reason, outcome: 'unknown' })
      log.error({ reason: outcome.reason, durationMs }, 'delivery outcome unknown; not repeated')
      return
    }
  }
  if (entry.attempt >= maxAttempts) {
    const check = outcome.outcomeUnknown ? ' The last attempt may have reached the network; check the channel before retrying the post.' : ''
    const message = `Delivery failed after ${entry.attempt} attempts. Last error: ${outcome.reason}${check}`
    await failDelivery(deps.db, { ...base, summary: outcome.reason, message, raw: outcome.reason, outcome: attemptOutcome })
    log.error({ reason: outcome.reason, durationMs }, 'delivery attempts exhausted')
    return
  }

  if (outcome.retryAfterMs !== null) {
    await extendRateLimit(deps.db.kysely, entry.post.channelId, base.now + outcome.retryAfterMs)
    log.warn({ retryAfterMs: outcome.retryAfterMs }, 'channel rate-limited')
  }
  await scheduleRetry(deps.db, { ...base, summary: outcome.reason, runAt: runAt.getTime(), reason: outcome.reason, outcomeUnknown: outcome.outcomeUnknown })
  log.warn({ reason: outcome.reason, nextRunAt: runAt.toISOString(), durationMs }, 'delivery will retry')
}
