import { listChannels } from '../channel-settings/channel-settings.ts'
import type { AppDeps } from '../deps.ts'
import { listOrganizationsForAccount, type OrganizationRecord } from '../storage/accounts-repo.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import type { Viewer } from './viewer.ts'

/** Lists the viewer's organizations, oldest first. */
export async function viewerOrganizations(deps: AppDeps, viewer: Viewer): Promise<OrganizationRecord[]> {
  return listOrganizationsForAccount(deps.db.kysely, viewer.account.id)
}

/** Lists every channel of every organization the viewer belongs to, oldest first per organization. */
export async function viewerChannels(deps: AppDeps, viewer: Viewer): Promise<ChannelRecord[]> {
  const channels: ChannelRecord[] = []
  for (const organizationId of viewer.actor.organizationIds) {
    const listed = await listChannels(deps, viewer.actor, { organizationId })
    if (listed.ok) channels.push(...listed.value)
  }

  return channels
}
