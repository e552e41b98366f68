import { callerCanAccess, type Caller } from '../auth/actor.ts'
import { deleteSession, createSession, DEFAULT_BLUESKY_SERVICE } from '../channels/bluesky/bluesky-session.ts'
import {
  buildAuthorizeUrl,
  exchangeCode,
  fetchInstanceLimits,
  normalizeInstanceUrl,
  registerApp,
  revokeToken,
  verifyCredentials,
  type MastodonAccount,
  type MastodonApp,
} from '../channels/mastodon/mastodon-account.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import type { BlueskyCredentials, MastodonCredentials } from '../scheduler/network-delivery.ts'
import { findChannelById, type ChannelRecord } from '../storage/channels-repo.ts'
import { createCredentialsCipher } from '../storage/credentials-cipher.ts'
import {
  clearNetworkConnection,
  findNetworkConnection,
  findPendingAuthorization,
  saveNetworkConnection,
  savePendingAuthorization,
  type NetworkSettings,
} from '../storage/network-connections-repo.ts'
import type { ChannelError } from './channel-settings.ts'

const VISIBILITIES = ['public', 'unlisted', 'private', 'direct']
const LANGUAGE = /^[a-z]{2,3}$/

/** Publishing defaults a person may set when connecting; omitted ones keep their current value. */
export interface SettingsInput {
  visibility?: string | null
  language?: string | null
}

/** A Mastodon app registration waiting for the account owner's authorization code. */
export interface PendingAuthorization extends MastodonApp {
  serverUrl: string
  settings: SettingsInput
}

/**
 * Starts connecting a Mastodon channel through the instance's own OAuth flow: registers Pigeon as
 * an app on the instance (POST /api/v1/apps), keeps the registration encrypted on the channel,
 * and returns the URL where the account owner approves Pigeon and is shown a code to pass to
 * {@link finishMastodonAuthorization}. A working connection stays in use until then.
 */
export async function startMastodonAuthorization(
  deps: AppDeps,
  caller: Caller,
  input: { channelId: string; instance: string } & SettingsInput,
): Promise<Result<{ channel: ChannelRecord; authorizeUrl: string }, ChannelError>> {
  const channel = await loadChannelOfService(deps, caller, input.channelId, 'mastodon')
  if (!channel.ok) return channel
  const serverUrl = normalizeInstanceUrl(input.instance)
  if (!serverUrl.ok) return err(invalid('instance', serverUrl.error))
  const settings = checkSettings(input)
  if (!settings.ok) return settings

  const app = await registerApp(serverUrl.value, { clientName: 'Pigeon', website: null, timeoutMs: deps.config.worker.networkTimeoutMs })
  if (!app.ok) return err(invalid('instance', app.error.message))
  const pending: PendingAuthorization = { ...app.value, serverUrl: serverUrl.value, settings: input }
  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  await savePendingAuthorization(deps.db.kysely, channel.value.id, cipher.encrypt(channel.value.id, JSON.stringify(pending)), deps.now().getTime())
  deps.log.info({ channelId: channel.value.id, serverUrl: serverUrl.value }, 'mastodon app registered')

  return ok({ channel: channel.value, authorizeUrl: buildAuthorizeUrl(serverUrl.value, app.value.clientId) })
}

/**
 * Finishes the OAuth flow: exchanges the authorization code for an access token, checks it, reads
 * the instance's limits and connects the channel. On any failure the earlier connection, if
 * any, stays untouched.
 */
export async function finishMastodonAuthorization(
  deps: AppDeps,
  caller: Caller,
  input: { channelId: string; code: string },
): Promise<Result<{ channel: ChannelRecord; account: MastodonAccount }, ChannelError>> {
  const channel = await loadChannelOfService(deps, caller, input.channelId, 'mastodon')
  if (!channel.ok) return channel
  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  const stored = await findPendingAuthorization(deps.db.kysely, channel.value.id)
  if (stored === null) {
    return err(invalid('code', `Channel ${channel.value.id} has no authorization in progress; start one on the channel's Connection page or with pigeon channels connect-mastodon ${channel.value.id} --instance HOST.`))
  }
  const pending = JSON.parse(cipher.decrypt(channel.value.id, stored)) as PendingAuthorization

  const token = await exchangeCode(pending.serverUrl, pending, input.code, deps.config.worker.networkTimeoutMs)
  if (!token.ok) return err(invalid('code', token.error.message))

  return saveMastodon(deps, channel.value, { serverUrl: pending.serverUrl, credentials: { accessToken: token.value, clientId: pending.clientId, clientSecret: pending.clientSecret }, settings: pending.settings })
}

/**
 * Connects a Mastodon channel with an access token the account owner created in the instance's
 * settings (Development > New application, with the write:statuses, write:media and
 * read:accounts scopes). The token is checked before anything is stored.
 */
export async function connectMastodonWithToken(
  deps: AppDeps,
  caller: Caller,
  input: { channelId: string; instance: string; accessToken: string } & SettingsInput,
): Promise<Result<{ channel: ChannelRecord; account: MastodonAccount }, ChannelError>> {
  const channel = await loadChannelOfService(deps, caller, input.channelId, 'mastodon')
  if (!channel.ok) return channel
  const serverUrl = normalizeInstanceUrl(input.instance)
  if (!serverUrl.ok) return err(invalid('instance', serverUrl.error))
  if (input.accessToken.trim() === '') return err(invalid('accessToken', 'The access token is empty.'))

  return saveMastodon(deps, channel.value, { serverUrl: serverUrl.value, credentials: { accessToken: input.accessToken.trim() }, settings: input })
}

async function saveMastodon(
  deps: AppDeps,
  channel: ChannelRecord,
  input: { serverUrl: string; credentials: MastodonCredentials; settings: SettingsInput },
): Promise<Result<{ channel: ChannelRecord; account: MastodonAccount }, ChannelError>> {
  const settingsCheck = checkSettings(input.settings)
  if (!settingsCheck.ok) return settingsCheck
  const timeoutMs = deps.config.worker.networkTimeoutMs
  const account = await verifyCredentials(input.serverUrl, input.credentials.accessToken, timeoutMs)
  if (!account.ok) return err(invalid('accessToken', account.error.message))
  const limits = await fetchInstanceLimits(input.serverUrl, timeoutMs)
  if (!limits.ok) return err(invalid('instance', limits.error.message))

  const previous = await findNetworkConnection(deps.db.kysely, channel.id)
  const settings: NetworkSettings = {
    visibility: pick(input.settings.visibility, previous?.settings.visibility, account.value.defaultVisibility),
    language: pick(input.settings.language, previous?.settings.language, account.value.defaultLanguage),
  }
  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  await saveNetworkConnection(
    deps.db.kysely,
    {
      channelId: channel.id,
      deliveryMethod: 'mastodon',
      serverUrl: input.serverUrl,
      remoteAccountId: account.value.id,
      remoteUsername: account.value.handle,
      credentials: cipher.encrypt(channel.id, JSON.stringify(input.credentials)),
      limits: limits.value,
      settings,
      avatar: account.value.avatar,
    },
    deps.now().getTime(),
  )
  deps.log.info({ channelId: channel.id, network: 'mastodon', serverUrl: input.serverUrl, maxCharacters: limits.value.maxCharacters }, 'channel connected')

  return ok({ channel: (await findChannelById(deps.db.kysely, channel.id))!, account: account.value })
}

/**
 * Connects a Bluesky channel with a handle (or DID) and an app password: logs in with
 * com.atproto.server.createSession and stores only the session tokens, never the password. When
 * the refresh token stops working, the channel must be connected again.
 */
export async function connectBluesky(
  deps: AppDeps,
  caller: Caller,
  input: { channelId: string; identifier: string; appPassword: string; service?: string | null; language?: string | null },
): Promise<Result<ChannelRecord, ChannelError>> {
  const channel = await loadChannelOfService(deps, caller, input.channelId, 'bluesky')
  if (!channel.ok) return channel
  const service = normalizeInstanceUrl(input.service ?? DEFAULT_BLUESKY_SERVICE)
  if (!service.ok) return err(invalid('service', service.error))
  const settingsCheck = checkSettings({ language: input.language })
  if (!settingsCheck.ok) return settingsCheck
  if (input.identifier.trim() === '' || input.appPassword === '') return err(invalid('appPassword', 'Both the handle (or DID) and the app password are required.'))

  const session = await createSession(service.value, input.identifier, input.appPassword, deps.config.worker.networkTimeoutMs)
  if (!session.ok) return err(invalid('appPassword', session.error.message))

  const previous = await findNetworkConnection(deps.db.kysely, channel.value.id)
  const credentials: BlueskyCredentials = { accessJwt: session.value.accessJwt, refreshJwt: session.value.refreshJwt }
  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  await saveNetworkConnection(
    deps.db.kysely,
    {
      channelId: channel.value.id,
      deliveryMethod: 'bluesky',
      serverUrl: session.value.serviceUrl,
      remoteAccountId: session.value.did,
      remoteUsername: session.value.handle,
      credentials: cipher.encrypt(channel.value.id, JSON.stringify(credentials)),
      limits: null,
      settings: { visibility: null, language: pick(input.language, previous?.settings.language, null) },
      avatar: null,
    },
    deps.now().getTime(),
  )
  deps.log.info({ channelId: channel.value.id, network: 'bluesky', serverUrl: session.value.serviceUrl }, 'channel connected')

  return ok((await findChannelById(deps.db.kysely, channel.value.id))!)
}

/** Result of disconnecting, on the network's side. */
export interface DisconnectSummary {
  channel: ChannelRecord
  /** True when the token or session was ended on the network; false when it was only deleted here. */
  revoked: boolean
  note: string | null
}

/**
 * Disconnects a channel from its network account: ends the session on the network where that
 * is possible (best effort, so an unreachable network does not block it), then deletes the
 * stored credentials. Due posts of the channel fail until it is connected again.
 */
export async function disconnectChannel(deps: AppDeps, caller: Caller, input: { channelId: string }): Promise<Result<DisconnectSummary, ChannelError>> {
  const channel = await findChannelById(deps.db.kysely, input.channelId)
  if (channel === undefined || !callerCanAccess(caller, channel.organizationId)) return err({ code: 'CHANNEL_NOT_FOUND', message: `Channel ${input.channelId} was not found.` })
  const connection = await findNetworkConnection(deps.db.kysely, channel.id)
  if (connection === undefined) return err(invalid('channelId', `Channel ${channel.id} is not connected to a Mastodon or Bluesky account.`))

  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  const timeoutMs = deps.config.worker.networkTimeoutMs
  let revoked = false
  let note: string | null = null
  if (connection.deliveryMethod === 'mastodon') {
    const credentials = JSON.parse(cipher.decrypt(channel.id, connection.credentials)) as MastodonCredentials
    if (credentials.clientId !== undefined && credentials.clientSecret !== undefined) {
      const result = await revokeToken(connection.serverUrl, { clientId: credentials.clientId, clientSecret: credentials.clientSecret }, credentials.accessToken, timeoutMs)
      revoked = result.ok
      note = result.ok ? null : `${result.error.message} Revoke Pigeon's access in the instance's settings.`
    } else {
      note = "The token was pasted, so Pigeon cannot revoke it; delete it in the instance's settings (Development)."
    }
  } else {
    const credentials = JSON.parse(cipher.decrypt(channel.id, connection.credentials)) as BlueskyCredentials
    const session = { serviceUrl: connection.serverUrl, did: connection.remoteAccountId, handle: connection.remoteUsername, ...credentials }
    const result = await deleteSession(session, timeoutMs)
    revoked = result.ok
    note = result.ok ? 'Revoke the app password in Bluesky (Settings > Privacy and security > App passwords) if nothing else uses it.' : `${result.error.message} Revoke the app password in Bluesky's settings.`
  }

  await clearNetworkConnection(deps.db.kysely, channel.id, deps.now().getTime())
  deps.log.info({ channelId: channel.id, network: connection.deliveryMethod, revoked }, 'channel disconnected')

  return ok({ channel: (await findChannelById(deps.db.kysely, channel.id))!, revoked, note })
}

async function loadChannelOfService(deps: AppDeps, caller: Caller, channelId: string, service: 'mastodon' | 'bluesky'): Promise<Result<ChannelRecord, ChannelError>> {
  const channel = await findChannelById(deps.db.kysely, channelId)
  if (channel === undefined || !callerCanAccess(caller, channel.organizationId)) return err({ code: 'CHANNEL_NOT_FOUND', message: `Channel ${channelId} was not found.` })
  if (channel.service !== service) {
    return err(invalid('channelId', `Channel ${channel.name} (${channelId}) is a ${channel.service} channel, so it cannot connect a ${service} account.`))
  }

  return ok(channel)
}

function checkSettings(input: SettingsInput): Result<void, ChannelError> {
  if (input.visibility != null && !VISIBILITIES.includes(input.visibility)) {
    return err(invalid('visibility', `Visibility "${input.visibility}" is not one of ${VISIBILITIES.join(', ')}.`))
  }
  if (input.language != null && !LANGUAGE.test(input.language)) {
    return err(invalid('language', `Language "${input.language}" is not an ISO 639 code such as en or de.`))
  }

  return ok(undefined)
}

/** Returns the first value that is set: the request's, then the stored one, then the network's default. */
function pick(requested: string | null | undefined, stored: string | null | undefined, fallback: string | null): string | null {
  return requested ?? stored ?? fallback
}

function invalid(field: string, message: string): ChannelError {
  return { code: 'INVALID_INPUT', field, message }
}
