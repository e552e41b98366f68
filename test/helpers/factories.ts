import { randomBytes } from 'node:crypto'
import { createAccountWithOrganization } from '../../src/accounts/setup-account.ts'
import type { PlanName } from '../../src/accounts/plans.ts'
import { OPERATOR } from '../../src/auth/actor.ts'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { addChannel, connectWebhook, updatePostingSchedule } from '../../src/channel-settings/channel-settings.ts'
import type { AppDeps } from '../../src/deps.ts'
import type { ScheduleDayInput } from '../../src/posts/queue-slots.ts'

export interface TenantFixture {
  accountId: string
  organizationId: string
  email: string
  apiKey: string
  apiKeyId: string
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(`factory step failed: ${result.error.message}`)
  return result.value
}

/** Creates an account with its own organization and one API key. */
export async function buildTenant(deps: AppDeps, overrides: { plan?: PlanName; timezone?: string } = {}): Promise<TenantFixture> {
  const email = `user-${randomBytes(4).toString('hex')}@example.com`
  const { account, organization } = unwrap(
    await createAccountWithOrganization(deps, { email, name: 'Test User', timezone: overrides.timezone ?? 'UTC', organizationName: 'Test Org', plan: overrides.plan ?? 'team' }),
  )
  const key = unwrap(await createApiKey(deps, { accountId: account.id, name: 'test key', expiresAt: null }))

  return { accountId: account.id, organizationId: organization.id, email, apiKey: key.plaintext, apiKeyId: key.record.id }
}

/** Adds a channel; with `webhookUrl` it is connected to that webhook. */
export async function buildChannel(
  deps: AppDeps,
  organizationId: string,
  overrides: { service?: string; timezone?: string; schedule?: ScheduleDayInput[]; webhookUrl?: string; webhookSecret?: string } = {},
): Promise<{ id: string; secret: string | null }> {
  const channel = unwrap(await addChannel(deps, OPERATOR, { organizationId, service: overrides.service ?? 'mastodon', name: 'Test channel', timezone: overrides.timezone ?? 'UTC' }))
  if (overrides.schedule !== undefined) unwrap(await updatePostingSchedule(deps, OPERATOR, { channelId: channel.id, schedule: overrides.schedule }))
  if (overrides.webhookUrl === undefined) return { id: channel.id, secret: null }

  const connected = unwrap(await connectWebhook(deps, OPERATOR, { channelId: channel.id, url: overrides.webhookUrl, secret: overrides.webhookSecret ?? null }))
  return { id: channel.id, secret: connected.secret }
}
