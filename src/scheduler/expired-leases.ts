import type { AppDeps } from '../deps.ts'
import type { Logger } from '../logging/logger.ts'
import { findExpiredLeases, settleExpiredLease } from '../storage/delivery-repo.ts'
import { outcomeUnknownMessage, repeatDeadline } from './repeat-policy.ts'

/**
 * Settles posts left in `sending` by workers whose lease ran out (usually a crash mid-send). The
 * network may already contain such a post. It goes back to the queue only where a repeat is
 * deduplicated (see repeatDeadline) and attempts remain, else it ends in `error` with the reason. Returns how
 * many posts were requeued and failed; several workers may sweep at once, and each post is
 * settled by exactly one of them.
 */
export async function settleExpiredLeases(deps: AppDeps, log: Logger): Promise<{ requeued: number; failed: number }> {
  const now = deps.now().getTime()
  const { maxAttempts } = deps.config.worker
  const counts = { requeued: 0, failed: 0 }

  for (const lease of await findExpiredLeases(deps.db, now)) {
    const reason = 'The worker delivering the post stopped before it learned whether the network received it.'
    let settled: boolean
    if (now > repeatDeadline(lease.deliveryMethod, lease.firstUnknownAt)) {
      settled = await settleExpiredLease(deps.db, { lease, now, action: 'fail', message: outcomeUnknownMessage(lease.deliveryMethod, reason) })
      if (settled) counts.failed += 1
    } else if (lease.attempts >= maxAttempts) {
      const message = `Delivery failed after ${lease.attempts} attempts. Last error: ${reason} Check the channel for the post before retrying it.`
      settled = await settleExpiredLease(deps.db, { lease, now, action: 'fail', message })
      if (settled) counts.failed += 1
    } else {
      settled = await settleExpiredLease(deps.db, { lease, now, action: 'requeue' })
      if (settled) counts.requeued += 1
    }
    if (settled) log.debug({ postId: lease.postId, channelId: lease.channelId, deadWorkerId: lease.leaseOwner }, 'expired lease settled')
  }

  return counts
}
