import type { DeliveryOutcome } from './delivery-outcome.ts'

/** Prefixes the reason with how much of a thread is already out, so a partial thread is never a surprise. */
export function withProgress(outcome: DeliveryOutcome, publishedCount: number, total: number): DeliveryOutcome {
  if (publishedCount === 0 || outcome.kind === 'delivered') return outcome

  const next = outcome.kind === 'retry' ? 'a retry continues after them' : 'they stay published'
  return { ...outcome, reason: `${publishedCount} of ${total} thread items were published before this failure, and ${next}. ${outcome.reason}` }
}
