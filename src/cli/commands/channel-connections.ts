import { OPERATOR } from '../../auth/actor.ts'
import {
  connectBluesky,
  connectMastodonWithToken,
  disconnectChannel,
  finishMastodonAuthorization,
  startMastodonAuthorization,
  type SettingsInput,
} from '../../channel-settings/network-connections.ts'
import { getChannel } from '../../channel-settings/channel-settings.ts'
import type { AppDeps } from '../../deps.ts'
import type { ChannelRecord } from '../../storage/channels-repo.ts'
import { CliError } from '../cli-error.ts'
import { JSON_OPTION, type Command, type CommandContext, type OptionValues } from '../command.ts'

const SETTINGS_OPTIONS = { visibility: { type: 'string' as const }, language: { type: 'string' as const } }

function settingsOf(values: OptionValues): SettingsInput {
  return { visibility: (values.visibility as string | undefined) ?? null, language: (values.language as string | undefined) ?? null }
}

function describeConnected(channel: ChannelRecord): string {
  const limits = channel.networkLimits === null ? '' : ` Posts may have up to ${channel.networkLimits.maxCharacters} characters.`
  return `Channel ${channel.name} (${channel.id}) now publishes to ${channel.deliveryMethod} as ${channel.remoteUsername} on ${channel.serverUrl}.${limits}`
}

function printConnected(context: CommandContext, values: OptionValues, channel: ChannelRecord): void {
  if (values.json === true) {
    context.output.out(JSON.stringify({ channelId: channel.id, network: channel.deliveryMethod, account: channel.remoteUsername, serverUrl: channel.serverUrl, maxCharacters: channel.networkLimits?.maxCharacters ?? null }))
    return
  }
  context.output.out(describeConnected(channel))
}

function printAuthorizeUrl(context: CommandContext, values: OptionValues, channelId: string, authorizeUrl: string): void {
  if (values.json === true) {
    context.output.out(JSON.stringify({ channelId, authorizeUrl }))
    return
  }
  context.output.out(`Open this address, sign in and approve Pigeon:\n\n  ${authorizeUrl}\n`)
  context.output.out(`Then finish with the code the instance shows:\n\n  pigeon channels connect-mastodon ${channelId} --code CODE`)
}

/** Reads a secret from standard input, so it stays out of the shell history and process list. */
async function readStdinSecret(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)

  return Buffer.concat(chunks).toString('utf8').trim()
}

async function appPasswordOf(values: OptionValues): Promise<string | undefined> {
  if (values['app-password-stdin'] === true) return readStdinSecret()
  return values['app-password'] as string | undefined
}

/** Runs the Mastodon step the options ask for: a pasted token, an authorization code, or a new authorization. */
async function runMastodon(context: CommandContext, deps: AppDeps, values: OptionValues, channelId: string, instance: string | undefined): Promise<void> {
  if (typeof values.code === 'string') {
    const finished = await finishMastodonAuthorization(deps, OPERATOR, { channelId, code: values.code })
    if (!finished.ok) throw new CliError(finished.error.message)
    return printConnected(context, values, finished.value.channel)
  }
  if (instance === undefined) throw new CliError('--instance is required, for example: --instance mastodon.social', 2)
  if (typeof values['access-token'] === 'string') {
    const connected = await connectMastodonWithToken(deps, OPERATOR, { channelId, instance, accessToken: values['access-token'], ...settingsOf(values) })
    if (!connected.ok) throw new CliError(connected.error.message)
    return printConnected(context, values, connected.value.channel)
  }

  const started = await startMastodonAuthorization(deps, OPERATOR, { channelId, instance, ...settingsOf(values) })
  if (!started.ok) throw new CliError(started.error.message)
  printAuthorizeUrl(context, values, channelId, started.value.authorizeUrl)
}

async function runBluesky(context: CommandContext, deps: AppDeps, values: OptionValues, channelId: string, defaults: { identifier?: string; service?: string }): Promise<void> {
  const identifier = (values.identifier as string | undefined) ?? defaults.identifier
  const appPassword = await appPasswordOf(values)
  if (identifier === undefined || appPassword === undefined) {
    throw new CliError('--identifier (a handle such as you.bsky.social, or a DID) and --app-password (or --app-password-stdin) are required. Create an app password in Bluesky under Settings > Privacy and security > App passwords.', 2)
  }
  const connected = await connectBluesky(deps, OPERATOR, {
    channelId,
    identifier,
    appPassword,
    service: (values.service as string | undefined) ?? defaults.service ?? null,
    language: (values.language as string | undefined) ?? null,
  })
  if (!connected.ok) throw new CliError(connected.error.message)
  printConnected(context, values, connected.value)
}

export const channelsConnectMastodonCommand: Command = {
  path: ['channels', 'connect-mastodon'],
  summary: 'Publish a channel natively to a Mastodon account, through the instance\'s OAuth flow or a pasted token',
  usage: 'pigeon channels connect-mastodon CHANNEL_ID --instance HOST [--access-token TOKEN] [--visibility public|unlisted|private|direct] [--language CODE] [--json]\n       pigeon channels connect-mastodon CHANNEL_ID --code CODE [--json]',
  options: { instance: { type: 'string' }, 'access-token': { type: 'string' }, code: { type: 'string' }, ...SETTINGS_OPTIONS, ...JSON_OPTION },
  positionals: ['CHANNEL_ID'],
  async run(context, values, positionals) {
    const deps = await context.deps()
    await runMastodon(context, deps, values, positionals[0]!, values.instance as string | undefined)
  },
}

export const channelsConnectBlueskyCommand: Command = {
  path: ['channels', 'connect-bluesky'],
  summary: 'Publish a channel natively to a Bluesky account, with a handle (or DID) and an app password',
  usage: 'pigeon channels connect-bluesky CHANNEL_ID --identifier HANDLE (--app-password PASSWORD | --app-password-stdin) [--service https://bsky.social] [--language CODE] [--json]',
  options: { identifier: { type: 'string' }, 'app-password': { type: 'string' }, 'app-password-stdin': { type: 'boolean' }, service: { type: 'string' }, language: { type: 'string' }, ...JSON_OPTION },
  positionals: ['CHANNEL_ID'],
  async run(context, values, positionals) {
    const deps = await context.deps()
    await runBluesky(context, deps, values, positionals[0]!, {})
  },
}

export const channelsReconnectCommand: Command = {
  path: ['channels', 'reconnect'],
  summary: 'Connect a channel to its Mastodon or Bluesky account again; the working credentials stay until the new ones are verified',
  usage: 'pigeon channels reconnect CHANNEL_ID [--instance HOST] [--access-token TOKEN | --code CODE] [--identifier HANDLE] [--app-password PASSWORD | --app-password-stdin] [--service URL] [--visibility V] [--language CODE] [--json]',
  options: {
    instance: { type: 'string' },
    'access-token': { type: 'string' },
    code: { type: 'string' },
    identifier: { type: 'string' },
    'app-password': { type: 'string' },
    'app-password-stdin': { type: 'boolean' },
    service: { type: 'string' },
    ...SETTINGS_OPTIONS,
    ...JSON_OPTION,
  },
  positionals: ['CHANNEL_ID'],
  async run(context, values, positionals) {
    const deps = await context.deps()
    const found = await getChannel(deps, OPERATOR, positionals[0]!)
    if (!found.ok) throw new CliError(`${found.error.message} List channels with: pigeon channels list`)
    const channel = found.value

    if (channel.service === 'mastodon') return runMastodon(context, deps, values, channel.id, (values.instance as string | undefined) ?? channel.serverUrl ?? undefined)
    if (channel.service === 'bluesky') {
      return runBluesky(context, deps, values, channel.id, { identifier: channel.remoteUsername ?? undefined, service: channel.serverUrl ?? undefined })
    }
    throw new CliError(`Channel ${channel.name} is a ${channel.service} channel; Pigeon publishes to it through a webhook (pigeon channels connect-webhook ${channel.id} --url URL).`)
  },
}

export const channelsDisconnectCommand: Command = {
  path: ['channels', 'disconnect'],
  summary: 'Remove a channel\'s Mastodon or Bluesky credentials; its due posts fail until it is connected again',
  usage: 'pigeon channels disconnect CHANNEL_ID [--json]',
  options: { ...JSON_OPTION },
  positionals: ['CHANNEL_ID'],
  async run(context, values, positionals) {
    const deps = await context.deps()
    const disconnected = await disconnectChannel(deps, OPERATOR, { channelId: positionals[0]! })
    if (!disconnected.ok) throw new CliError(disconnected.error.message)

    const { channel, revoked, note } = disconnected.value
    if (values.json === true) {
      context.output.out(JSON.stringify({ channelId: channel.id, revoked, note }))
      return
    }
    context.output.out(`Channel ${channel.name} (${channel.id}) is disconnected; its credentials were deleted${revoked ? ' and its access was revoked on the network' : ''}.`)
    if (note !== null) context.output.out(note)
  },
}
