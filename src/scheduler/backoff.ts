/** Inputs of `computeNextAttemptAt`. */
export type BackoffInput = {
  /** Number of the attempt that just failed, starting at 1. */
  attempt: number
  now: Date
  /** Delay after the first failed attempt, before jitter. Must be positive. */
  baseMs: number
  /** Maximum delay before jitter. Must be at least `baseMs`. */
  capMs: number
  /** Source of uniform numbers in [0, 1). Default: Math.random. Tests inject a fixed value. */
  random?: () => number
  /** Minimum delay the receiver requested (Retry-After), or null/undefined for none. */
  retryAfterMs?: number | null
}

/**
 * Computes when to run the next attempt after a failed one: `now + min(baseMs * 2^(attempt - 1),
 * capMs) * jitter` in whole milliseconds, where jitter is uniform in [0.5, 1.5) so that retries from
 * many posts spread out.
 * A `retryAfterMs` longer than that delay replaces it, so a receiver's Retry-After is always honoured.
 * Throws a RangeError on a non-positive or fractional attempt, invalid durations, an invalid `now`,
 * or a `random` result outside [0, 1), because each of those is a bug in the caller.
 */
export function computeNextAttemptAt(input: BackoffInput): Date {
  assertValidBackoffInput(input)
  const { attempt, now, baseMs, capMs, random = Math.random, retryAfterMs = null } = input

  const jitter = 0.5 + readUnitRandom(random)
  // NOTE: 2 ** (attempt - 1) becomes Infinity for very large attempts, and Math.min with the finite
  // cap brings it back, so the delay never overflows to Infinity or NaN.
  const exponentialMs = Math.min(baseMs * 2 ** (attempt - 1), capMs)
  // Rounding down keeps the jittered delay below 1.5x, and rounding up keeps Retry-After a floor.
  const delayMs = Math.max(Math.floor(exponentialMs * jitter), Math.ceil(retryAfterMs ?? 0))

  return new Date(now.getTime() + delayMs)
}

function assertValidBackoffInput({ attempt, now, baseMs, capMs, retryAfterMs }: BackoffInput): void {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be an integer of at least 1, got ${attempt}`)
  }
  if (!(Number.isFinite(baseMs) && baseMs > 0)) {
    throw new RangeError(`baseMs must be a positive finite number, got ${baseMs}`)
  }
  if (!(Number.isFinite(capMs) && capMs >= baseMs)) {
    throw new RangeError(`capMs must be finite and at least baseMs (${baseMs}), got ${capMs}`)
  }
  if (Number.isNaN(now.getTime())) {
    throw new RangeError('now is an invalid Date')
  }
  if (retryAfterMs != null && !(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
    throw new RangeError(`retryAfterMs must be a non-negative finite number or null, got ${retryAfterMs}`)
  }
}

function readUnitRandom(random: () => number): number {
  const value = random()
  if (!(value >= 0 && value < 1)) {
    throw new RangeError(`random() must return a number in [0, 1), got ${value}`)
  }

  return value
}
