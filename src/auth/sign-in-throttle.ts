import type { Executor } from '../storage/executor.ts'
import { summarizeSignInFailures, type FailureSummary } from '../storage/sign-in-attempts-repo.ts'

/** Wrong passwords allowed per email and per client address before attempts are slowed. */
export const FREE_FAILURES = 10
/** Failures older than this no longer count. */
export const FAILURE_WINDOW_MS = 60 * 60_000
/** Wait after the last free failure; it doubles with each further failure. */
export const FIRST_DELAY_MS = 30_000
/** Maximum wait between two attempts. */
export const MAX_DELAY_MS = 15 * 60_000

/** Milliseconds to wait after the latest failure, given how many failures count. */
export function delayAfterFailures(failures: number): number {
  if (failures < FREE_FAILURES) return 0

  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_MS)
}

function retryAfter(summary: FailureSummary, now: number): number {
  if (summary.lastAt === null) return 0

  return Math.max(0, summary.lastAt + delayAfterFailures(summary.count) - now)
}

/**
 * Returns how long the attempt `attemptId` must wait, in ms (0 when it may go ahead), judged by
 * the recent failures of its email and of its client address, whichever is stricter. A success
 * resets the count of its email but not of its address, so an attacker cannot clear the address
 * count by signing in to an account of their own between guesses.
 */
export async function signInRetryAfterMs(
  db: Executor,
  args: { email: string; address: string; attemptId: string; now: number },
): Promise<number> {
  const since = args.now - FAILURE_WINDOW_MS
  const byEmail = await summarizeSignInFailures(db, { by: 'email', value: args.email, since, excludeId: args.attemptId })
  const byAddress = await summarizeSignInFailures(db, { by: 'address', value: args.address, since, excludeId: args.attemptId })

  return Math.max(retryAfter(byEmail, args.now), retryAfter(byAddress, args.now))
}
