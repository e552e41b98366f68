import { createHash } from 'node:crypto'
import type { RateLimitQuotas } from '../accounts/plans.ts'
import type { Logger } from '../logging/logger.ts'
import type { Db } from '../storage/db.ts'
import { addToBuckets, deleteBucketsBefore, loadBuckets, loadBucketsOfPartitions, type BucketCount } from '../storage/rate-limit-repo.ts'

/** One rolling window: its Buffer name, length, counting granularity and policy name. */
export interface WindowDefinition {
  id: '15m' | '24h' | '30d'
  windowMs: number
  /** Requests are counted in buckets of this length; see the accuracy note on RateLimiter. */
  bucketMs: number
  quotaOf(quotas: RateLimitQuotas): number
  policyName(quota: number): string
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

export const WINDOWS: readonly WindowDefinition[] = [
  { id: '15m', windowMs: 15 * MINUTE, bucketMs: MINUTE, quotaOf: (quotas) => quotas.fifteenMinutes, policyName: (quota) => `${quota}-in-15min` },
  { id: '24h', windowMs: DAY, bucketMs: 15 * MINUTE, quotaOf: (quotas) => quotas.oneDay, policyName: (quota) => `${quota}-in-1day` },
  { id: '30d', windowMs: 30 * DAY, bucketMs: 6 * HOUR, quotaOf: (quotas) => quotas.thirtyDays, policyName: (quota) => `${quota}-in-30days` },
]

/** Status of one window for a partition after a request. */
export interface WindowStatus {
  window: WindowDefinition['id']
  policyName: string
  quota: number
  windowSeconds: number
  remaining: number
  /** Seconds until the oldest counted request leaves the window. */
  resetSeconds: number
}

/** Requests counted in one window of a partition, read without counting one. */
export interface WindowUsage {
  window: WindowDefinition['id']
  windowSeconds: number
  quota: number
  used: number
  /** Seconds until the oldest counted requests leave the window; 0 when none are counted. */
  resetSeconds: number
}

/** One partition to read with {@link RateLimiter.usage}, and the quotas that apply to it. */
export interface UsageRequest {
  partitionKey: string
  quotas: RateLimitQuotas
}

/** Partition key under which the API counts the requests of one API key. */
export function apiKeyPartition(apiKeyId: string): string {
  return `key:${apiKeyId}`
}

export interface RateLimitDecision {
  allowed: boolean
  windows: WindowStatus[]
  /** The exceeded window that frees up last, when the request was refused. */
  exceeded: WindowStatus | null
  retryAfterSeconds: number
  /** Partition key as an RFC 8941 byte sequence, for the `pk` parameter of RateLimit-Policy. */
  partitionToken: string
  /** The RateLimit-Policy field lines, one per window; built once per partition and quotas. */
  policyLines: readonly string[]
}

interface BucketState {
  synced: number
  pending: number
}

interface Tally {
  total: number
  oldest: number
}

interface CachedTally extends Tally {
  /** Time at which the oldest counted bucket leaves the window, so the tally must be computed again. */
  validUntil: number
}

/** Policy names and RateLimit-Policy lines of a partition for one set of quotas. */
interface PolicyCache {
  quotas: number[]
  names: string[]
  lines: string[]
}

interface PartitionState {
  /** The partition key as an RFC 8941 byte sequence: base64 of the first 12 hex digits of its SHA-256. */
  token: string
  buckets: Map<string, Map<number, BucketState>>
  lastUsed: number
  ready: Promise<void>
  /** True once the stored counts are loaded, so requests skip awaiting `ready`. */
  loaded: boolean
  policy: PolicyCache | null
  /** Each window's tally, reused until its oldest bucket leaves the window or a sync changes counts. */
  tallies: Map<WindowDefinition['id'], CachedTally>
}

const IDLE_EVICT_MS = 15 * MINUTE
const PRUNE_INTERVAL_MS = HOUR

/**
 * Counts requests per partition (an API key) over rolling 15-minute, 24-hour and 30-day windows.
 * Counting happens in memory; every `syncIntervalMs` the process adds its new counts to the
 * database and reads back the totals, so counts survive restarts and add up across processes.
 *
 * Accuracy, worst case: a bucket counts for the whole window while any part of it is inside, so
 * a window never admits more than its quota from one process, but may refuse for up to one bucket
 * (1 minute, 15 minutes or 6 hours) longer than an exact sliding log would. Across processes, a
 * process does not see the others' requests of the last sync interval, so a fleet can exceed a
 * quota by at most what the other processes admit in one interval. Refused requests are not
 * counted.
 */
export class RateLimiter {
  private readonly partitions = new Map<string, PartitionState>()
  private timer: NodeJS.Timeout | null = null
  private syncing: Promise<void> | null = null
  private lastPrune = 0

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly options: { syncIntervalMs: number; nowMs: () => number },
  ) {}

  /** Starts the periodic sync with the database. */
  start(): void {
    if (this.timer !== null) return
    this.timer = setInterval(() => void this.sync(), this.options.syncIntervalMs)
    this.timer.unref()
  }

  /** Stops the periodic sync and writes pending counts. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.sync()
  }

  /** Counts one request against every window, unless a window is full; then nothing is counted. */
  async consume(partitionKey: string, quotas: RateLimitQuotas): Promise<RateLimitDecision> {
    const state = this.partition(partitionKey)
    // Marked as used before the await, so a sync cannot evict the partition while it loads.
    state.lastUsed = this.options.nowMs()
    if (!state.loaded) await state.ready

    return this.count(state, quotas, this.options.nowMs())
  }

  /**
   * Like `consume`, without a promise, for a partition whose stored counts are already in
   * memory. Returns null, and counts nothing, when they are not; the caller then uses `consume`.
   */
  consumeLoaded(partitionKey: string, quotas: RateLimitQuotas): RateLimitDecision | null {
    const state = this.partitions.get(partitionKey)
    if (state === undefined || !state.loaded) return null
    const now = this.options.nowMs()
    state.lastUsed = now

    return this.count(state, quotas, now)
  }

  private count(state: PartitionState, quotas: RateLimitQuotas, now: number): RateLimitDecision {
    const tallies = WINDOWS.map((definition) => this.tallyWindow(state, definition, now))
    let allowed = true
    for (let index = 0; index < WINDOWS.length; index++) if (tallies[index]!.total >= WINDOWS[index]!.quotaOf(quotas)) allowed = false
    if (allowed) {
      for (const definition of WINDOWS) {
        const buckets = state.buckets.get(definition.id)!
        const start = Math.floor(now / definition.bucketMs) * definition.bucketMs
        const bucket = buckets.get(start)
        if (bucket === undefined) buckets.set(start, { synced: 0, pending: 1 })
        else bucket.pending++
        // The counted request joins the cached tally, so the next request need not recount.
        const cached = state.tallies.get(definition.id)!
        cached.total++
        cached.oldest = Math.min(cached.oldest, start)
        cached.validUntil = Math.min(cached.validUntil, start + definition.bucketMs + definition.windowMs)
      }
    }

    const policy = policyOf(state, quotas)
    const windows = WINDOWS.map((definition, index) => {
      const tally = tallies[index]!
      // A counted request sits in the current bucket, which is the oldest only when it is the sole one.
      const oldest = allowed ? Math.min(tally.oldest, Math.floor(now / definition.bucketMs) * definition.bucketMs) : tally.oldest
      return this.status(definition, policy.names[index]!, policy.quotas[index]!, now, tally.total + (allowed ? 1 : 0), oldest)
    })
    if (allowed) return { allowed, windows, exceeded: null, retryAfterSeconds: 0, partitionToken: state.token, policyLines: policy.lines }

    let exceeded: WindowStatus | null = null
    let retryAfterSeconds = -1
    for (let index = 0; index < WINDOWS.length; index++) {
      const definition = WINDOWS[index]!
      if (tallies[index]!.total < definition.quotaOf(quotas)) continue
      const wait = this.secondsUntilFree(state, definition, quotas, now)
      if (wait > retryAfterSeconds) {
        retryAfterSeconds = wait
        exceeded = windows[index]!
      }
    }

    return { allowed, windows, exceeded, retryAfterSeconds, partitionToken: state.token, policyLines: policy.lines }
  }

  /**
   * Reads each partition's usage per window without counting a request, in the order requested.
   * A partition this process has loaded is read from memory, including counts not yet synced. The
   * others are read from the database in one query and are not kept, so reading never adds
   * partitions to memory.
   */
  async usage(requests: readonly UsageRequest[]): Promise<WindowUsage[][]> {
    const now = this.options.nowMs()
    const loadedStates = requests.map((request) => {
      const state = this.partitions.get(request.partitionKey)
      return state?.loaded === true ? state : undefined
    })
    const unloadedKeys = requests.filter((_request, index) => loadedStates[index] === undefined).map((request) => request.partitionKey)
    const stored = await loadBucketsOfPartitions(this.db.kysely, unloadedKeys, windowStarts(now))

    return requests.map((request, index) => {
      const state = loadedStates[index]
      return WINDOWS.map((definition) => {
        const tally = state === undefined ? tallyStored(stored.get(request.partitionKey) ?? [], definition) : this.tallyWindow(state, definition, now)
        return windowUsage(definition, request.quotas, now, tally)
      })
    })
  }

  /** Writes pending counts and reloads totals of partitions in use; also prunes old buckets. */
  async sync(): Promise<void> {
    if (this.syncing !== null) return this.syncing
    this.syncing = this.syncOnce().finally(() => (this.syncing = null))
    return this.syncing
  }

  private async syncOnce(): Promise<void> {
    const now = this.options.nowMs()
    for (const [key, state] of this.partitions) {
      if (now - state.lastUsed > IDLE_EVICT_MS && !hasPending(state)) {
        this.partitions.delete(key)
        continue
      }
      try {
        await this.syncPartition(key, state, now)
      } catch (error) {
        this.log.error({ err: error }, 'rate limit sync failed; counts stay in memory and are retried')
      }
    }
    if (now - this.lastPrune >= PRUNE_INTERVAL_MS) {
      this.lastPrune = now
      try {
        const deleted = await deleteBucketsBefore(this.db.kysely, now - 31 * DAY)
        if (deleted > 0) this.log.debug({ deleted }, 'old rate limit buckets pruned')
      } catch (error) {
        this.log.error({ err: error }, 'rate limit bucket pruning failed')
      }
    }
  }

  private async syncPartition(key: string, state: PartitionState, now: number): Promise<void> {
    await state.ready
    const written: BucketCount[] = []
    for (const [window, buckets] of state.buckets) {
      for (const [bucketStart, bucket] of buckets) {
        if (bucket.pending > 0) written.push({ window, bucketStart, count: bucket.pending })
      }
    }
    await addToBuckets(this.db.kysely, key, written)
    for (const entry of written) state.buckets.get(entry.window)!.get(entry.bucketStart)!.pending -= entry.count
    state.tallies.clear()

    const fresh = await loadBuckets(this.db.kysely, key, windowStarts(now))
    for (const entry of fresh) {
      const buckets = state.buckets.get(entry.window)
      if (buckets === undefined) continue
      const bucket = buckets.get(entry.bucketStart) ?? { synced: 0, pending: 0 }
      bucket.synced = entry.count
      buckets.set(entry.bucketStart, bucket)
    }
    state.tallies.clear()
  }

  private partition(key: string): PartitionState {
    const existing = this.partitions.get(key)
    if (existing !== undefined) return existing

    const token = `:${Buffer.from(createHash('sha256').update(key).digest('hex').slice(0, 12)).toString('base64')}:`
    const state: PartitionState = {
      token,
      buckets: new Map(WINDOWS.map((definition) => [definition.id, new Map()])),
      lastUsed: this.options.nowMs(),
      ready: Promise.resolve(),
      loaded: false,
      policy: null,
      tallies: new Map(),
    }
    state.ready = loadBuckets(this.db.kysely, key, windowStarts(this.options.nowMs())).then((rows) => {
      for (const row of rows) state.buckets.get(row.window)?.set(row.bucketStart, { synced: row.count, pending: 0 })
      state.tallies.clear()
      state.loaded = true
    })
    // A failed load is retried by the next request instead of leaving a broken entry behind.
    state.ready.catch(() => this.partitions.delete(key))
    this.partitions.set(key, state)

    return state
  }

  /**
   * Sums a window's counted requests and finds its oldest counted bucket, in one pass, or returns
   * the cached tally while no bucket has left the window since. The result is a snapshot.
   */
  private tallyWindow(state: PartitionState, definition: WindowDefinition, now: number): Tally {
    const cached = state.tallies.get(definition.id)
    if (cached !== undefined && now < cached.validUntil) return { total: cached.total, oldest: cached.oldest }

    const buckets = state.buckets.get(definition.id)!
    let total = 0
    let oldest = Number.POSITIVE_INFINITY
    for (const [start, bucket] of buckets) {
      if (start + definition.bucketMs <= now - definition.windowMs) {
        if (bucket.pending === 0) buckets.delete(start)
        continue
      }
      total += bucket.synced + bucket.pending
      if (start < oldest) oldest = start
    }
    state.tallies.set(definition.id, { total, oldest, validUntil: oldest + definition.bucketMs + definition.windowMs })

    return { total, oldest }
  }

  private status(definition: WindowDefinition, policyName: string, quota: number, now: number, used: number, oldest: number): WindowStatus {
    const resetMs = Number.isFinite(oldest) ? oldest + definition.bucketMs + definition.windowMs - now : definition.windowMs

    return {
      window: definition.id,
      policyName,
      quota,
      windowSeconds: definition.windowMs / 1000,
      remaining: Math.max(0, quota - used),
      resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
    }
  }

  /** Seconds until enough old buckets leave a full window for one more request to fit. */
  private secondsUntilFree(state: PartitionState, definition: WindowDefinition, quotas: RateLimitQuotas, now: number): number {
    const buckets = [...state.buckets.get(definition.id)!.entries()]
      .filter(([start]) => start + definition.bucketMs > now - definition.windowMs)
      .sort(([left], [right]) => left - right)
    let excess = buckets.reduce((sum, [, bucket]) => sum + bucket.synced + bucket.pending, 0) - definition.quotaOf(quotas) + 1
    for (const [start, bucket] of buckets) {
      excess -= bucket.synced + bucket.pending
      if (excess <= 0) return Math.max(1, Math.ceil((start + definition.bucketMs + definition.windowMs - now) / 1000))
    }

    return Math.ceil(definition.windowMs / 1000)
  }
}

/** Returns the partition's policy names and lines for these quotas, built again only when they change. */
function policyOf(state: PartitionState, quotas: RateLimitQuotas): PolicyCache {
  const cached = state.policy
  let same = cached !== null
  for (let index = 0; same && index < WINDOWS.length; index++) same = WINDOWS[index]!.quotaOf(quotas) === cached!.quotas[index]
  if (same) return cached!

  const values = WINDOWS.map((definition) => definition.quotaOf(quotas))
  const names = WINDOWS.map((definition, index) => definition.policyName(values[index]!))
  const lines = WINDOWS.map((definition, index) => `"${names[index]}";q=${values[index]};w=${definition.windowMs / 1000};pk=${state.token}`)
  state.policy = { quotas: values, names, lines }

  return state.policy
}

/** Sums stored buckets of one window; `loadBucketsOfPartitions` has already dropped those outside it. */
function tallyStored(buckets: readonly BucketCount[], definition: WindowDefinition): { total: number; oldest: number } {
  let total = 0
  let oldest = Number.POSITIVE_INFINITY
  for (const bucket of buckets) {
    if (bucket.window !== definition.id) continue
    total += bucket.count
    if (bucket.bucketStart < oldest) oldest = bucket.bucketStart
  }

  return { total, oldest }
}

function windowUsage(definition: WindowDefinition, quotas: RateLimitQuotas, now: number, tally: { total: number; oldest: number }): WindowUsage {
  const resetMs = tally.total === 0 ? 0 : tally.oldest + definition.bucketMs + definition.windowMs - now

  return {
    window: definition.id,
    windowSeconds: definition.windowMs / 1000,
    quota: definition.quotaOf(quotas),
    used: tally.total,
    resetSeconds: resetMs <= 0 ? 0 : Math.max(1, Math.ceil(resetMs / 1000)),
  }
}

function hasPending(state: PartitionState): boolean {
  for (const buckets of state.buckets.values()) for (const bucket of buckets.values()) if (bucket.pending > 0) return true
  return false
}

/** Earliest bucket start still inside each window at `now`. */
function windowStarts(now: number): Record<string, number> {
  return Object.fromEntries(WINDOWS.map((definition) => [definition.id, now - definition.windowMs - definition.bucketMs + 1]))
}
