/**
 * Counts failed API key attempts per client address over a 5-minute window. Past the limit, the
 * address is refused without checking its key until the window ends. In memory per process: a
 * restart forgets the counts, and each process of a fleet counts on its own.
 */
export class AuthFailureThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>()
  private static readonly WINDOW_MS = 5 * 60_000
  private static readonly MAX_ADDRESSES = 50_000

  constructor(private readonly limit: number) {}

  /** Seconds the address must wait, or 0 when it may try. */
  blockedFor(address: string, now: number): number {
    const entry = this.failures.get(address)
    if (entry === undefined || now - entry.windowStart >= AuthFailureThrottle.WINDOW_MS) return 0
    if (entry.count < this.limit) return 0

    return Math.ceil((entry.windowStart + AuthFailureThrottle.WINDOW_MS - now) / 1000)
  }

  recordFailure(address: string, now: number): void {
    const entry = this.failures.get(address)
    if (entry === undefined || now - entry.windowStart >= AuthFailureThrottle.WINDOW_MS) {
      if (this.failures.size >= AuthFailureThrottle.MAX_ADDRESSES) this.evictOldest()
      this.failures.set(address, { count: 1, windowStart: now })
      return
    }
    entry.count++
  }

  private evictOldest(): void {
    const oldest = this.failures.keys().next().value
    if (oldest !== undefined) this.failures.delete(oldest)
  }
}
