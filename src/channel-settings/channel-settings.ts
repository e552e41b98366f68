import { planLimits } from '../accounts/plans.ts'
import { callerCanAccess, type Caller } from '../auth/actor.ts'
import { generateWebhookSecret, parseWebhookSecret } from '../channels/webhook/standard-webhooks.ts'
import { validateWebhookUrl } from '../channels/webhook/webhook-channel.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { reslotQueue } from '../posts/queue.ts'
import { defaultPostingSchedule, timeZoneProblem, validatePostingSchedule, type ScheduleDayInput } from '../posts/queue-slots.ts'
import { countChannels, findChannelById, insertChannel, listChannelsForOrganization, lockChannelQueue, updateChannel, type ChannelRecord } from '../storage/channels-repo.ts'

/** Services of Buffer's `Service` enum. */
export const SERVICES = ['bluesky', 'facebook', 'googlebusiness', 'instagram', 'linkedin', 'mastodon', 'pinterest', 'startPage', 'threads', 'tiktok', 'twitter', 'youtube', 'substack', 'whatsapp'] as const
export type Service = (typeof SERVICES)[number]

/** Names of the services as people know them, for pages and Buffer's channel descriptor. */
const SERVICE_NAMES: Record<Service, string> = {
  bluesky: 'Bluesky',
  facebook: 'Facebook',
  googlebusiness: 'Google Business Profile',
  instagram: 'Instagram',
  linkedin: 'LinkedIn',
  mastodon: 'Mastodon',
  pinterest: 'Pinterest',
  startPage: 'Start Page',
  threads: 'Threads',
  tiktok: 'TikTok',
  twitter: 'X',
  youtube: 'YouTube',
  substack: 'Substack',
  whatsapp: 'WhatsApp',
}

/** Returns a service's display name, or the stored value itself when it is not a known service. */
export function serviceName(service: string): string {
  return SERVICE_NAMES[service as Service] ?? service
}

export type ChannelError =
  | { code: 'CHANNEL_NOT_FOUND'; message: string }
  | { code: 'ORGANIZATION_NOT_FOUND'; message: string }
  | { code: 'INVALID_INPUT'; field: string; message: string }
  | { code: 'LIMIT_REACHED'; message: string }

/** Timezone of a new channel when none is given; Buffer's documented default. */
export const DEFAULT_CHANNEL_TIMEZONE = 'Europe/London'

function channelNotFound(channelId: string): ChannelError {
  return { code: 'CHANNEL_NOT_FOUND', message: `Channel ${channelId} was not found.` }
}

function invalid(field: string, message: string): ChannelError {
  return { code: 'INVALID_INPUT', field, message }
}

async function loadChannel(deps: AppDeps, caller: Caller, channelId: string): Promise<Result<ChannelRecord, ChannelError>> {
  const channel = await findChannelById(deps.db.kysely, channelId)
  if (channel === undefined || !callerCanAccess(caller, channel.organizationId)) return err(channelNotFound(channelId))
  return ok(channel)
}

export interface AddChannelInput {
  organizationId: string
  service: string
  name: string
  displayName?: string | null
  avatar?: string | null
  timezone?: string | null
}

/**
 * Checks the service, name and timezone of a channel to add, and returns every problem found, in
 * that order. Forms use it to show all problems at once, and {@link addChannel} reports the first.
 */
export function newChannelProblems(input: Pick<AddChannelInput, 'service' | 'name' | 'timezone'>): Array<ChannelError & { code: 'INVALID_INPUT' }> {
  const problems: Array<ChannelError & { code: 'INVALID_INPUT' }> = []
  if (!(SERVICES as readonly string[]).includes(input.service)) {
    problems.push({ code: 'INVALID_INPUT', field: 'service', message: `Unknown service "${input.service}"; use one of ${SERVICES.join(', ')}.` })
  }
  const name = input.name.trim()
  if (name === '' || name.length > 200) problems.push({ code: 'INVALID_INPUT', field: 'name', message: 'Channel name must be 1 to 200 characters.' })
  const timezoneProblem = timeZoneProblem(input.timezone ?? DEFAULT_CHANNEL_TIMEZONE)
  if (timezoneProblem !== null) problems.push({ code: 'INVALID_INPUT', field: 'timezone', message: timezoneProblem })

  return problems
}

/** Adds a channel to an organization with the default posting schedule, within the plan's channel cap. */
export async function addChannel(deps: AppDeps, caller: Caller, input: AddChannelInput): Promise<Result<ChannelRecord, ChannelError>> {
  const organization = await deps.db.kysely.selectFrom('organizations').select(['id', 'plan']).where('id', '=', input.organizationId).executeTakeFirst()
  if (organization === undefined || !callerCanAccess(caller, organization.id)) {
    return err({ code: 'ORGANIZATION_NOT_FOUND', message: `Organization ${input.organizationId} was not found.` })
  }
  const [problem] = newChannelProblems(input)
  if (problem !== undefined) return err(problem)
  const name = input.name.trim()
  const timezone = input.timezone ?? DEFAULT_CHANNEL_TIMEZONE
  const limit = planLimits(organization.plan).channels
  if ((await countChannels(deps.db.kysely, organization.id)) >= limit) {
    return err({ code: 'LIMIT_REACHED', message: `This organization already has ${limit} channels, the most its plan allows.` })
  }

  const now = deps.now().getTime()
  const channel: ChannelRecord = {
    id: newObjectId(),
    organizationId: organization.id,
    service: input.service,
    serviceId: newObjectId(),
    type: 'profile',
    name,
    displayName: input.displayName?.trim() || null,
    avatar: input.avatar ?? null,
    timezone,
    postingSchedule: defaultPostingSchedule(),
    isQueuePaused: false,
    isDisconnected: false,
    isLocked: false,
    deliveryMethod: null,
    webhookUrl: null,
    webhookSecret: null,
    serverUrl: null,
    remoteUsername: null,
    networkLimits: null,
    rateLimitedUntil: null,
    createdAt: now,
    updatedAt: now,
  }
  await insertChannel(deps.db.kysely, channel)
  deps.log.info({ channelId: channel.id, organizationId: organization.id, service: channel.service }, 'channel added')

  return ok(channel)
}

/**
 * Connects a channel to a webhook: due posts are POSTed to `url`, signed with `secret` as the
 * Standard Webhooks specification describes. A secret is generated when none is given; it is
 * returned so the caller can show it once.
 */
export async function connectWebhook(
  deps: AppDeps,
  caller: Caller,
  input: { channelId: string; url: string; secret?: string | null },
): Promise<Result<{ channel: ChannelRecord; secret: string }, ChannelError>> {
  const loaded = await loadChannel(deps, caller, input.channelId)
  if (!loaded.ok) return loaded
  const url = validateWebhookUrl(input.url)
  if (!url.ok) return err(invalid('url', url.error.message))
  const secret = input.secret ?? generateWebhookSecret()
  const parsedSecret = parseWebhookSecret(secret)
  if (!parsedSecret.ok) return err(invalid('secret', parsedSecret.error.message))

  await updateChannel(deps.db.kysely, loaded.value.id, { deliveryMethod: 'webhook', webhookUrl: url.value.toString(), webhookSecret: secret, isDisconnected: false }, deps.now().getTime())
  deps.log.info({ channelId: loaded.value.id }, 'webhook connected')

  return ok({ channel: (await findChannelById(deps.db.kysely, loaded.value.id))!, secret })
}

/** Replaces a channel's posting schedule (and timezone, when given) and re-slots its queue. */
export async function updatePostingSchedule(
  deps: AppDeps,
  caller: Caller,
  input: { channelId: string; schedule: readonly ScheduleDayInput[]; timezone?: string | null },
): Promise<Result<ChannelRecord, ChannelError>> {
  const loaded = await loadChannel(deps, caller, input.channelId)
  if (!loaded.ok) return loaded
  const schedule = validatePostingSchedule(input.schedule)
  if (!schedule.ok) return err(invalid('schedule', schedule.error.message))
  const timezone = input.timezone ?? loaded.value.timezone
  const timezoneProblem = timeZoneProblem(timezone)
  if (timezoneProblem !== null) return err(invalid('timezone', timezoneProblem))

  const now = deps.now()
  const channel = await deps.db.kysely.transaction().execute(async (trx) => {
    await lockChannelQueue(trx, deps.db.dialect, loaded.value.id)
    await updateChannel(trx, loaded.value.id, { postingSchedule: schedule.value, timezone }, now.getTime())
    const updated = (await findChannelById(trx, loaded.value.id))!
    const unplaced = await reslotQueue(trx, updated, { from: now, now: now.getTime() })
    if (unplaced > 0) deps.log.warn({ channelId: updated.id, unplaced }, 'queued posts kept their time: no free slot')
    return updated
  })
  deps.log.info({ channelId: channel.id, timezone }, 'posting schedule updated')

  return ok(channel)
}

/** Pauses or resumes a channel's queue; a paused queue keeps its posts and publishes none. */
export async function setQueuePaused(deps: AppDeps, caller: Caller, input: { channelId: string; paused: boolean }): Promise<Result<ChannelRecord, ChannelError>> {
  const loaded = await loadChannel(deps, caller, input.channelId)
  if (!loaded.ok) return loaded

  await updateChannel(deps.db.kysely, loaded.value.id, { isQueuePaused: input.paused }, deps.now().getTime())
  deps.log.info({ channelId: loaded.value.id, paused: input.paused }, 'queue pause changed')

  return ok((await findChannelById(deps.db.kysely, loaded.value.id))!)
}

export async function getChannel(deps: AppDeps, caller: Caller, channelId: string): Promise<Result<ChannelRecord, ChannelError>> {
  return loadChannel(deps, caller, channelId)
}

export async function listChannels(
  deps: AppDeps,
  caller: Caller,
  input: { organizationId: string; isLocked?: boolean | null },
): Promise<Result<ChannelRecord[], ChannelError>> {
  const organization = await deps.db.kysely.selectFrom('organizations').select('id').where('id', '=', input.organizationId).executeTakeFirst()
  if (organization === undefined || !callerCanAccess(caller, input.organizationId)) {
    return err({ code: 'ORGANIZATION_NOT_FOUND', message: `Organization ${input.organizationId} was not found.` })
  }
  const filter = input.isLocked === undefined || input.isLocked === null ? {} : { isLocked: input.isLocked }

  return ok(await listChannelsForOrganization(deps.db.kysely, input.organizationId, filter))
}
