import { OPERATOR } from '../../auth/actor.ts'
import { addChannel, connectWebhook, getChannel, listChannels, setQueuePaused, updatePostingSchedule } from '../../channel-settings/channel-settings.ts'
import { DAYS_OF_WEEK, type ScheduleDayInput } from '../../posts/queue-slots.ts'
import { listOrganizationsForAccount } from '../../storage/accounts-repo.ts'
import type { ChannelRecord } from '../../storage/channels-repo.ts'
import type { AppDeps } from '../../deps.ts'
import { CliError } from '../cli-error.ts'
import { JSON_OPTION, type Command, type OptionValues } from '../command.ts'
import { formatTable } from '../output.ts'
import { resolveAccount } from '../resolve-account.ts'

/** The organization a channel command works in: --organization, or the account's only one. */
async function resolveOrganizationId(deps: AppDeps, values: OptionValues): Promise<string> {
  if (typeof values.organization === 'string') return values.organization

  const account = await resolveAccount(deps, values.email as string | undefined)
  const organizations = await listOrganizationsForAccount(deps.db.kysely, account.id)
  if (organizations.length !== 1) {
    throw new CliError(`${account.email} belongs to ${organizations.length} organizations; choose one with --organization ID.`)
  }

  return organizations[0]!.id
}

function channelStatus(channel: ChannelRecord): string {
  if (channel.isLocked) return 'locked'
  if (channel.deliveryMethod === null) return 'not connected'
  if (channel.isDisconnected) return 'disconnected'
  return channel.isQueuePaused ? 'paused' : 'connected'
}

function describeSchedule(channel: ChannelRecord): string {
  const days = channel.postingSchedule.map((day) => `  ${day.day}  ${day.times.length === 0 ? '-' : day.times.join(' ')}${day.paused ? '  (paused)' : ''}`)
  return [`Posting schedule of ${channel.name} (${channel.timezone}):`, ...days].join('\n')
}

export const channelsAddCommand: Command = {
  path: ['channels', 'add'],
  summary: 'Add a channel (a social profile) to an organization',
  usage: 'pigeon channels add --service SERVICE --name NAME [--display-name NAME] [--timezone ZONE] [--organization ID] [--email EMAIL] [--json]',
  options: { service: { type: 'string' }, name: { type: 'string' }, 'display-name': { type: 'string' }, timezone: { type: 'string' }, organization: { type: 'string' }, email: { type: 'string' }, ...JSON_OPTION },
  async run(context, values) {
    if (typeof values.service !== 'string' || typeof values.name !== 'string') {
      throw new CliError('--service and --name are required, for example: pigeon channels add --service mastodon --name "My profile"', 2)
    }
    const deps = await context.deps()
    const organizationId = await resolveOrganizationId(deps, values)
    const added = await addChannel(deps, OPERATOR, {
      organizationId,
      service: values.service,
      name: values.name,
      displayName: (values['display-name'] as string | undefined) ?? null,
      timezone: (values.timezone as string | undefined) ?? null,
    })
    if (!added.ok) throw new CliError(added.error.message)

    if (values.json === true) {
      context.output.out(JSON.stringify({ id: added.value.id, service: added.value.service, name: added.value.name, timezone: added.value.timezone }))
      return
    }
    context.output.out(`Added ${added.value.service} channel "${added.value.name}" (${added.value.id}) in ${added.value.timezone}.`)
    const native: Record<string, string> = {
      mastodon: `pigeon channels connect-mastodon ${added.value.id} --instance HOST`,
      bluesky: `pigeon channels connect-bluesky ${added.value.id} --identifier HANDLE --app-password-stdin`,
    }
    const webhook = `pigeon channels connect-webhook ${added.value.id} --url https://…`
    if (native[added.value.service] === undefined) {
      context.output.out(`Connect where its posts go with: ${webhook}`)
      return
    }
    context.output.out(`Connect its account with: ${native[added.value.service]}`)
    context.output.out(`Or deliver its posts to a webhook with: ${webhook}`)
  },
}

export const channelsListCommand: Command = {
  path: ['channels', 'list'],
  summary: "List an organization's channels",
  usage: 'pigeon channels list [--organization ID] [--email EMAIL] [--json]',
  options: { organization: { type: 'string' }, email: { type: 'string' }, ...JSON_OPTION },
  async run(context, values) {
    const deps = await context.deps()
    const listed = await listChannels(deps, OPERATOR, { organizationId: await resolveOrganizationId(deps, values) })
    if (!listed.ok) throw new CliError(listed.error.message)

    if (values.json === true) {
      context.output.out(JSON.stringify(listed.value.map((channel) => ({ id: channel.id, service: channel.service, name: channel.name, timezone: channel.timezone, status: channelStatus(channel), webhookUrl: channel.webhookUrl }))))
      return
    }
    if (listed.value.length === 0) {
      context.output.out('No channels yet. Add one with: pigeon channels add --service mastodon --name NAME')
      return
    }
    context.output.out(formatTable(['ID', 'SERVICE', 'NAME', 'TIMEZONE', 'STATUS'], listed.value.map((channel) => [channel.id, channel.service, channel.name, channel.timezone, channelStatus(channel)])))
  },
}

const DAY_OPTIONS = Object.fromEntries(DAYS_OF_WEEK.map((day) => [day, { type: 'string' as const }]))

export const channelsScheduleCommand: Command = {
  path: ['channels', 'schedule'],
  summary: "Show or change a channel's posting schedule; the queue is re-slotted",
  usage: 'pigeon channels schedule CHANNEL_ID [--mon 09:00,17:30] … [--sun ""] [--pause-day sat] [--resume-day sat] [--timezone ZONE] [--pause-queue | --resume-queue]',
  options: { ...DAY_OPTIONS, 'pause-day': { type: 'string', multiple: true }, 'resume-day': { type: 'string', multiple: true }, timezone: { type: 'string' }, 'pause-queue': { type: 'boolean' }, 'resume-queue': { type: 'boolean' } },
  positionals: ['CHANNEL_ID'],
  async run(context, values, positionals) {
    const deps = await context.deps()
    const found = await getChannel(deps, OPERATOR, positionals[0]!)
    if (!found.ok) throw new CliError(`${found.error.message} List channels with: pigeon channels list`)
    let channel = found.value

    const paused = new Set((values['pause-day'] as string[] | undefined) ?? [])
    const resumed = new Set((values['resume-day'] as string[] | undefined) ?? [])
    const changesDays = DAYS_OF_WEEK.some((day) => values[day] !== undefined) || paused.size > 0 || resumed.size > 0
    if (changesDays || values.timezone !== undefined) {
      const schedule: ScheduleDayInput[] = channel.postingSchedule.map((day) => ({
        day: day.day,
        times: typeof values[day.day] === 'string' ? (values[day.day] as string).split(',').map((time) => time.trim()).filter((time) => time !== '') : day.times,
        paused: paused.has(day.day) ? true : resumed.has(day.day) ? false : day.paused,
      }))
      for (const day of [...paused, ...resumed]) {
        if (!(DAYS_OF_WEEK as readonly string[]).includes(day)) throw new CliError(`Unknown day "${day}"; use one of ${DAYS_OF_WEEK.join(', ')}.`, 2)
      }
      const updated = await updatePostingSchedule(deps, OPERATOR, { channelId: channel.id, schedule, timezone: (values.timezone as string | undefined) ?? null })
      if (!updated.ok) throw new CliError(updated.error.message)
      channel = updated.value
    }
    if (values['pause-queue'] === true || values['resume-queue'] === true) {
      if (values['pause-queue'] === true && values['resume-queue'] === true) throw new CliError('Use either --pause-queue or --resume-queue.', 2)
      const toggled = await setQueuePaused(deps, OPERATOR, { channelId: channel.id, paused: values['pause-queue'] === true })
      if (!toggled.ok) throw new CliError(toggled.error.message)
      channel = toggled.value
    }

    context.output.out(describeSchedule(channel))
    if (channel.isQueuePaused) context.output.out('The queue is paused: nothing is published until it is resumed.')
  },
}

export const channelsConnectWebhookCommand: Command = {
  path: ['channels', 'connect-webhook'],
  summary: "Deliver a channel's due posts to a webhook URL, signed per Standard Webhooks",
  usage: 'pigeon channels connect-webhook CHANNEL_ID --url URL [--secret whsec_…] [--json]',
  options: { url: { type: 'string' }, secret: { type: 'string' }, ...JSON_OPTION },
  positionals: ['CHANNEL_ID'],
  async run(context, values, positionals) {
    if (typeof values.url !== 'string') throw new CliError('--url is required, for example: --url https://example.com/pigeon-hook', 2)
    const deps = await context.deps()
    const connected = await connectWebhook(deps, OPERATOR, { channelId: positionals[0]!, url: values.url, secret: (values.secret as string | undefined) ?? null })
    if (!connected.ok) throw new CliError(connected.error.message)

    if (values.json === true) {
      context.output.out(JSON.stringify({ channelId: connected.value.channel.id, url: connected.value.channel.webhookUrl, secret: connected.value.secret }))
      return
    }
    context.output.out(`Channel ${connected.value.channel.name} now delivers to ${connected.value.channel.webhookUrl}.`)
    context.output.out(`Signing secret: ${connected.value.secret}`)
    context.output.out('Verify the webhook-signature header with this secret; it is not shown again.')
  },
}
