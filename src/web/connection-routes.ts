import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { connectWebhook, getChannel, serviceName } from '../channel-settings/channel-settings.ts'
import { connectNetworkAccount } from '../channel-settings/connect-network-account.ts'
import { describeChannelConnection, type ChannelConnectionDetails } from '../channel-settings/connection-details.ts'
import { disconnectChannel, finishMastodonAuthorization } from '../channel-settings/network-connections.ts'
import type { AppDeps } from '../deps.ts'
import { setFlash } from './flash.ts'
import { field, formBody, optionalField } from './form.ts'
import { accountValues, errorsFor, readAccountInput, VISIBILITY_OPTIONS } from './network-forms.ts'
import { presentChannel, safeHref } from './present.ts'
import { renderPage } from './render.ts'
import { setSecretReveal, takeSecretReveal } from './secret-reveal.ts'
import { viewerOf } from './viewer.ts'

/** Fields of the connection page that an error can be shown next to. */
const CONNECTION_FIELDS = ['webhookUrl', 'secret', 'code', 'instance', 'accessToken', 'visibility', 'mastodonLanguage', 'identifier', 'appPassword', 'pdsUrl', 'blueskyLanguage']

type Params = { Params: { id: string } }

/** Returns the form values a connection page starts with, which are those of the current connection. */
function currentValues(details: ChannelConnectionDetails): Record<string, string> {
  const { channel, network, authorization } = details

  return {
    webhookUrl: channel.webhookUrl ?? '',
    method: 'mastodonAuthorization',
    instance: network?.network === 'mastodon' ? network.serverUrl : (authorization?.serverUrl ?? ''),
    visibility: network?.settings.visibility ?? '',
    mastodonLanguage: network?.network === 'mastodon' ? (network.settings.language ?? '') : '',
    identifier: network?.network === 'bluesky' ? network.account : '',
    pdsUrl: network?.network === 'bluesky' ? network.serverUrl : '',
    blueskyLanguage: network?.network === 'bluesky' ? (network.settings.language ?? '') : '',
  }
}

function presentConnection(details: ChannelConnectionDetails) {
  const { channel, network, authorization } = details
  const visibility = VISIBILITY_OPTIONS.find((option) => option.value === network?.settings.visibility)
  const authorizeUrl = safeHref(authorization?.authorizeUrl)

  return {
    channel: presentChannel(channel),
    network: network === null ? null : { ...network, visibilityLabel: visibility?.label.toLowerCase() ?? 'the account’s default' },
    authorization: authorization === null || authorizeUrl === null ? null : { serverUrl: authorization.serverUrl, authorizeUrl },
    accountNetwork: channel.service === 'mastodon' || channel.service === 'bluesky' ? channel.service : null,
    maxCharacters: network?.network === 'mastodon' ? (channel.networkLimits?.maxCharacters ?? null) : null,
    visibilities: VISIBILITY_OPTIONS,
  }
}

/**
 * Registers the connection page of a channel: how it is connected now, connecting or reconnecting its
 * Mastodon or Bluesky account, finishing a Mastodon sign-in with its code, connecting a webhook,
 * and disconnecting the account after a confirmation page.
 */
export function registerConnectionRoutes(app: FastifyInstance, deps: AppDeps): void {
  async function renderConnection(request: FastifyRequest, reply: FastifyReply, channelId: string, form: { values?: Record<string, string>; errors?: Record<string, string>; status?: number } = {}) {
    const details = await describeChannelConnection(deps, viewerOf(request).actor, channelId)
    if (!details.ok) return reply.callNotFound()

    return renderPage(request, reply, 'channel-connection', { title: `Connection of ${details.value.channel.name}`, section: 'channels', status: form.status ?? 200 }, {
      ...presentConnection(details.value),
      values: { ...currentValues(details.value), ...form.values },
      errors: form.errors ?? {},
    })
  }

  app.get<Params>('/channels/:id/connection', async (request, reply) => renderConnection(request, reply, request.params.id))

  app.post<Params>('/channels/:id/webhook', async (request, reply) => {
    const form = formBody(request.body)
    const webhookUrl = field(form, 'webhookUrl').trim()
    const enteredSecret = optionalField(form, 'secret')
    const viewer = viewerOf(request)

    const connected = await connectWebhook(deps, viewer.actor, { channelId: request.params.id, url: webhookUrl, secret: enteredSecret })
    if (!connected.ok) {
      if (connected.error.code === 'CHANNEL_NOT_FOUND') return reply.callNotFound()
      const error = connected.error.code === 'INVALID_INPUT' && connected.error.field === 'url' ? { ...connected.error, field: 'webhookUrl' } : connected.error
      return renderConnection(request, reply, request.params.id, { values: { webhookUrl }, errors: errorsFor(error, null, CONNECTION_FIELDS), status: 422 })
    }

    setSecretReveal(deps, request, reply, viewer, connected.value.channel.id, { secret: connected.value.secret, added: false, entered: enteredSecret !== null })
    return reply.redirect(`/app/channels/${connected.value.channel.id}/connected`, 303)
  })

  // The page after connecting a webhook shows its signing secret once; a reload finds none and
  // goes back to the connection page.
  app.get<Params>('/channels/:id/connected', async (request, reply) => {
    const viewer = viewerOf(request)
    const channel = await getChannel(deps, viewer.actor, request.params.id)
    if (!channel.ok) return reply.callNotFound()
    const reveal = takeSecretReveal(deps, request, reply, viewer, channel.value.id)
    if (reveal === null) {
      setFlash(request, reply, { kind: 'info', text: 'The signing secret is shown only once, right after connecting. To get a new one, connect the webhook again with the secret field left empty.' })
      return reply.redirect(`/app/channels/${channel.value.id}/connection`, 303)
    }

    const title = reveal.added ? 'Channel added' : 'Webhook connected'
    return renderPage(request, reply, 'channel-connected', { title, section: 'channels' }, { channel: presentChannel(channel.value), ...reveal })
  })

  app.post<Params>('/channels/:id/account', async (request, reply) => {
    const form = formBody(request.body)
    const values = accountValues(form)
    const account = readAccountInput(form)
    if (account === null) return renderConnection(request, reply, request.params.id, { values, errors: { form: 'Choose how to connect the account.' }, status: 422 })

    const connected = await connectNetworkAccount(deps, viewerOf(request).actor, request.params.id, account)
    if (!connected.ok) {
      if (connected.error.code === 'CHANNEL_NOT_FOUND') return reply.callNotFound()
      return renderConnection(request, reply, request.params.id, { values, errors: errorsFor(connected.error, account.method === 'bluesky' ? 'bluesky' : 'mastodon', CONNECTION_FIELDS), status: 422 })
    }

    const { channel, authorizeUrl } = connected.value
    if (authorizeUrl === null) setFlash(request, reply, { kind: 'success', text: `${channel.name} publishes to ${serviceName(channel.service)} as ${channel.remoteUsername}.` })
    else setFlash(request, reply, { kind: 'info', text: 'Open the authorization page below, approve Pigeon, and paste the code the instance shows.' })
    return reply.redirect(`/app/channels/${channel.id}/connection`, 303)
  })

  app.post<Params>('/channels/:id/authorization-code', async (request, reply) => {
    const code = field(formBody(request.body), 'code')

    const finished = await finishMastodonAuthorization(deps, viewerOf(request).actor, { channelId: request.params.id, code })
    if (!finished.ok) {
      if (finished.error.code === 'CHANNEL_NOT_FOUND') return reply.callNotFound()
      return renderConnection(request, reply, request.params.id, { errors: errorsFor(finished.error, 'mastodon', CONNECTION_FIELDS), status: 422 })
    }

    const { channel, account } = finished.value
    setFlash(request, reply, { kind: 'success', text: `${channel.name} publishes to Mastodon as ${account.handle}.` })
    return reply.redirect(`/app/channels/${channel.id}/connection`, 303)
  })

  app.get<Params>('/channels/:id/disconnect', async (request, reply) => {
    const details = await describeChannelConnection(deps, viewerOf(request).actor, request.params.id)
    if (!details.ok) return reply.callNotFound()
    const { channel, network, scheduled } = details.value
    if (network === null) {
      setFlash(request, reply, { kind: 'info', text: `${channel.name} is not connected to a Mastodon or Bluesky account.` })
      return reply.redirect(`/app/channels/${channel.id}/connection`, 303)
    }

    return renderPage(request, reply, 'channel-disconnect', { title: `Disconnect ${channel.name}`, section: 'channels' }, { channel: presentChannel(channel), network, scheduled })
  })

  app.post<Params>('/channels/:id/disconnect', async (request, reply) => {
    const disconnected = await disconnectChannel(deps, viewerOf(request).actor, { channelId: request.params.id })
    if (!disconnected.ok) {
      if (disconnected.error.code === 'CHANNEL_NOT_FOUND') return reply.callNotFound()
      setFlash(request, reply, { kind: 'error', text: disconnected.error.message })
      return reply.redirect(`/app/channels/${encodeURIComponent(request.params.id)}/connection`, 303)
    }

    const { channel, revoked, note } = disconnected.value
    const outcome = revoked ? 'Its access was revoked on the network and its credentials were deleted.' : 'Its credentials were deleted.'
    setFlash(request, reply, { kind: 'success', text: [`Disconnected ${channel.name}.`, outcome, note].filter((part) => part !== null).join(' ') })
    return reply.redirect(`/app/channels/${channel.id}/connection`, 303)
  })
}
