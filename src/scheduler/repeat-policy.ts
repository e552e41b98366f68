import { MASTODON_IDEMPOTENCY_WINDOW_MS } from '../channels/mastodon/mastodon-channel.ts'

// A repeat is sent only while Mastodon certainly still holds the key, so clock skew between
// Pigeon and the instance and the request's own travel time cannot push it past the hour.
const MASTODON_SAFETY_MARGIN_MS = 5 * 60 * 1000

/**
 * Latest time (epoch ms) at which a post whose earlier attempt had an unknown outcome, starting
 * at `firstUnknownAt`, may be sent again without risking a duplicate:
 * - webhook: always, because every attempt carries the same webhook-id for receivers to deduplicate;
 * - bluesky: always, because every attempt writes the same record key, which the PDS refuses to
 *   fill twice, and the adapter reads the key before writing again;
 * - mastodon: within the Idempotency-Key's one-hour memory, less a safety margin;
 * - no delivery method: never.
 */
export function repeatDeadline(deliveryMethod: string | null, firstUnknownAt: number): number {
  switch (deliveryMethod) {
    case 'webhook':
    case 'bluesky':
      return Number.POSITIVE_INFINITY
    case 'mastodon':
      return firstUnknownAt + MASTODON_IDEMPOTENCY_WINDOW_MS - MASTODON_SAFETY_MARGIN_MS
    default:
      return Number.NEGATIVE_INFINITY
  }
}

/** Builds the message of a post that Pigeon stopped sending because its outcome is unknown. */
export function outcomeUnknownMessage(deliveryMethod: string | null, reason: string): string {
  const reasonNotRepeated =
    deliveryMethod === 'mastodon'
      ? 'Mastodon remembers the Idempotency-Key that deduplicates a repeat for only one hour, and that time has run out'
      : 'the channel has no way to deduplicate a repeat'

  return `Outcome unknown: ${reason} Pigeon did not send the post again, because ${reasonNotRepeated}. Check the channel for the post; if it is missing, retry the post.`
}
