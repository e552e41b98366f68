/**
 * Result of one attempt to publish a post to a channel. Channels return it instead of throwing, and
 * the worker acts on `kind`:
 * - `delivered`: the receiver accepted the post, so the job is complete.
 * - `retry`: a temporary failure, so the worker schedules another attempt with backoff.
 * - `reauth`: the channel's credentials are missing or invalid, so the channel needs reconnecting and
 *   the job is parked.
 * - `rejected`: the receiver rejected the post for good, so the job fails without another attempt.
 */
export type DeliveryOutcome =
  | DeliveredOutcome
  | RetryOutcome
  | { kind: 'reauth'; reason: string }
  | { kind: 'rejected'; reason: string }

/** Successful delivery, with what the receiver reported about the created item. */
export type DeliveredOutcome = {
  kind: 'delivered'
  /** ID the receiver gave the published item, or null when it returned none. */
  remoteId: string | null
  /** Public http(s) link to the published item, or null when the receiver returned none. */
  externalLink: string | null
  /** Short description of the receiver's response (status and a body excerpt), for the attempt log. */
  responseSummary: string
}

/** Temporary failure that the worker retries with backoff. */
export type RetryOutcome = {
  kind: 'retry'
  reason: string
  /** Minimum delay before the next attempt that the receiver requested (Retry-After), or null. */
  retryAfterMs: number | null
  /**
   * True when the request may have reached the receiver, for example on a timeout after the body
   * was sent. The worker may retry only where the channel is idempotent (the webhook channel is,
   * because every attempt carries the same webhook-id).
   */
  outcomeUnknown: boolean
}

/** Builds a `delivered` outcome. */
export function deliveredOutcome(fields: Omit<DeliveredOutcome, 'kind'>): DeliveredOutcome {
  return { kind: 'delivered', ...fields }
}

/** Builds a `retry` outcome. Default: no Retry-After delay, and the request did not reach the receiver. */
export function retryOutcome(
  reason: string,
  options: { retryAfterMs?: number | null; outcomeUnknown?: boolean } = {},
): RetryOutcome {
  return {
    kind: 'retry',
    reason,
    retryAfterMs: options.retryAfterMs ?? null,
    outcomeUnknown: options.outcomeUnknown ?? false,
  }
}

/** Builds a `reauth` outcome: the channel's credentials must be fixed before it can publish. */
export function reauthOutcome(reason: string): DeliveryOutcome {
  return { kind: 'reauth', reason }
}

/** Builds a `rejected` outcome: the receiver rejected the post and another attempt would fail too. */
export function rejectedOutcome(reason: string): DeliveryOutcome {
  return { kind: 'rejected', reason }
}
