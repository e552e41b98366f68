import { callerCanAccess, type Caller } from '../auth/actor.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { countChannelPostsByStatus, deleteChannelById } from '../storage/channel-removal-repo.ts'
import { findChannelById, lockChannelQueue, type ChannelRecord } from '../storage/channels-repo.ts'
import type { ChannelError } from './channel-settings.ts'

/** Effect of removing a channel on its posts, counted by status. */
export interface ChannelRemovalSummary {
  channel: ChannelRecord
  /** Scheduled and awaiting-approval posts: deleted, so they are never published. */
  unpublished: number
  /** Drafts: deleted. */
  drafts: number
  /** Posts being delivered at this moment: the delivery may still reach the network. */
  sending: number
  /** Sent and failed posts: their history in Pigeon is deleted; posts already on the network stay there. */
  history: number
}

async function loadChannel(deps: AppDeps, caller: Caller, channelId: string): Promise<Result<ChannelRecord, ChannelError>> {
  const channel = await findChannelById(deps.db.kysely, channelId)
  if (channel === undefined || !callerCanAccess(caller, channel.organizationId)) {
    return err({ code: 'CHANNEL_NOT_FOUND', message: `Channel ${channelId} was not found.` })
  }

  return ok(channel)
}

function summarize(channel: ChannelRecord, counts: Map<string, number>): ChannelRemovalSummary {
  const count = (...statuses: string[]) => statuses.reduce((sum, status) => sum + (counts.get(status) ?? 0), 0)

  return {
    channel,
    unpublished: count('scheduled', 'needs_approval'),
    drafts: count('draft'),
    sending: count('sending'),
    history: count('sent', 'error'),
  }
}

/** Counts what removing the channel would delete, so a person can confirm it first. Changes nothing. */
export async function describeChannelRemoval(deps: AppDeps, caller: Caller, channelId: string): Promise<Result<ChannelRemovalSummary, ChannelError>> {
  const loaded = await loadChannel(deps, caller, channelId)
  if (!loaded.ok) return loaded

  return ok(summarize(loaded.value, await countChannelPostsByStatus(deps.db.kysely, channelId)))
}

/**
 * Removes a channel and every post on it: queued, custom-scheduled and awaiting-approval posts are
 * deleted and never published, and drafts and the history of sent and failed posts go too. A post
 * the worker is delivering at that moment may still arrive; its result is dropped. Returns what
 * was deleted.
 */
export async function removeChannel(deps: AppDeps, caller: Caller, channelId: string): Promise<Result<ChannelRemovalSummary, ChannelError>> {
  const loaded = await loadChannel(deps, caller, channelId)
  if (!loaded.ok) return loaded

  const summary = await deps.db.kysely.transaction().execute(async (trx) => {
    await lockChannelQueue(trx, deps.db.dialect, channelId)
    const counts = await countChannelPostsByStatus(trx, channelId)
    const deleted = await deleteChannelById(trx, channelId)
    return deleted ? summarize(loaded.value, counts) : null
  })
  if (summary === null) return err({ code: 'CHANNEL_NOT_FOUND', message: `Channel ${channelId} was not found.` })
  deps.log.info({ channelId, organizationId: loaded.value.organizationId, unpublished: summary.unpublished, drafts: summary.drafts, sending: summary.sending }, 'channel removed')

  return ok(summary)
}
