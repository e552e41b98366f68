import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addChannel, connectWebhook, getChannel, SERVICES } from '../channel-settings/channel-settings.ts'
import { describeChannelRemoval, removeChannel } from '../channel-settings/remove-channel.ts'
import { validateWebhookUrl } from '../channels/webhook/webhook-channel.ts'
import type { AppDeps } from '../deps.ts'
import { setFlash } from './flash.ts'
import { field, formBody, optionalField } from './form.ts'
import { presentChannel, serviceName } from './present.ts'
import { renderPage } from './render.ts'
import { viewerChannels, viewerOrganizations } from './viewer-data.ts'
import { viewerOf } from './viewer.ts'
import { listTimeZones } from './zoned-time.ts'

const SERVICE_OPTIONS = SERVICES.map((service) => ({ value: service, label: serviceName(service) })).sort((left, right) => left.label.localeCompare(right.label))

/** Channels: the list, adding a webhook channel, changing its webhook, and removing a channel. */
export function registerChannelRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/channels', async (request, reply) => {
    const viewer = viewerOf(request)
    const channels = (await viewerChannels(deps, viewer)).map(presentChannel)
    const organizations = await viewerOrganizations(deps, viewer)

    return renderPage(request, reply, 'channels', { title: 'Channels', section: 'channels' }, {
      organizations: organizations.map((organization) => ({ id: organization.id, name: organization.name, channels: channels.filter((channel) => channel.organizationId === organization.id) })),
      showOrganizations: organizations.length > 1,
    })
  })

  async function renderNewChannel(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Record<string, string>, status = 200) {
    const viewer = viewerOf(request)
    const organizations = await viewerOrganizations(deps, viewer)

    return renderPage(request, reply, 'channel-new', { title: 'Add a channel', section: 'channels', status }, {
      organizations,
      services: SERVICE_OPTIONS,
      timeZones: listTimeZones(),
      values: { organizationId: organizations[0]?.id ?? '', service: 'mastodon', name: '', timezone: viewer.account.timezone, webhookUrl: '', ...values },
      errors,
    })
  }

  app.get('/channels/new', async (request, reply) => renderNewChannel(request, reply, {}, {}))

  app.post('/channels', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const values = {
      organizationId: field(form, 'organizationId') || viewer.actor.organizationIds[0] || '',
      service: field(form, 'service'),
      name: field(form, 'name'),
      timezone: field(form, 'timezone').trim(),
      webhookUrl: field(form, 'webhookUrl').trim(),
    }
    if (values.webhookUrl === '') return renderNewChannel(request, reply, values, { webhookUrl: 'Enter the address that should receive this channel\'s posts.' }, 422)
    // Checked before the channel is added, so a mistyped address leaves no unconnected channel behind.
    const url = validateWebhookUrl(values.webhookUrl)
    if (!url.ok) return renderNewChannel(request, reply, values, { webhookUrl: url.error.message }, 422)

    const added = await addChannel(deps, viewer.actor, { organizationId: values.organizationId, service: values.service, name: values.name, timezone: values.timezone })
    if (!added.ok) {
      const key = added.error.code === 'INVALID_INPUT' ? added.error.field : 'form'
      return renderNewChannel(request, reply, values, { [key]: added.error.message }, 422)
    }
    const connected = await connectWebhook(deps, viewer.actor, { channelId: added.value.id, url: values.webhookUrl })
    if (!connected.ok) {
      setFlash(request, reply, { kind: 'error', text: `The channel was added but is not connected: ${connected.error.message}` })
      return reply.redirect(`/app/channels/${added.value.id}/connection`, 303)
    }

    return renderPage(request, reply, 'channel-connected', { title: 'Channel connected', section: 'channels' }, { channel: presentChannel(connected.value.channel), secret: connected.value.secret, added: true })
  })

  app.get<{ Params: { id: string } }>('/channels/:id', async (request, reply) => reply.redirect(`/app/channels/${encodeURIComponent(request.params.id)}/queue`, 303))

  app.get<{ Params: { id: string } }>('/channels/:id/connection', async (request, reply) => {
    const channel = await getChannel(deps, viewerOf(request).actor, request.params.id)
    if (!channel.ok) return reply.callNotFound()

    return renderPage(request, reply, 'channel-connection', { title: `Connection of ${channel.value.name}`, section: 'channels' }, { channel: presentChannel(channel.value), values: { webhookUrl: channel.value.webhookUrl ?? '' }, errors: {} })
  })

  app.post<{ Params: { id: string } }>('/channels/:id/webhook', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const webhookUrl = field(form, 'webhookUrl').trim()

    const connected = await connectWebhook(deps, viewer.actor, { channelId: request.params.id, url: webhookUrl, secret: optionalField(form, 'secret') })
    if (!connected.ok) {
      if (connected.error.code === 'CHANNEL_NOT_FOUND') return reply.callNotFound()
      const channel = await getChannel(deps, viewer.actor, request.params.id)
      if (!channel.ok) return reply.callNotFound()
      const key = connected.error.code === 'INVALID_INPUT' ? connected.error.field : 'url'
      return renderPage(request, reply, 'channel-connection', { title: `Connection of ${channel.value.name}`, section: 'channels', status: 422 }, { channel: presentChannel(channel.value), values: { webhookUrl }, errors: { [key === 'url' ? 'webhookUrl' : key]: connected.error.message } })
    }

    return renderPage(request, reply, 'channel-connected', { title: 'Channel connected', section: 'channels' }, { channel: presentChannel(connected.value.channel), secret: connected.value.secret, added: false })
  })

  app.get<{ Params: { id: string } }>('/channels/:id/remove', async (request, reply) => {
    const summary = await describeChannelRemoval(deps, viewerOf(request).actor, request.params.id)
    if (!summary.ok) return reply.callNotFound()

    return renderPage(request, reply, 'channel-remove', { title: `Remove ${summary.value.channel.name}`, section: 'channels' }, { channel: presentChannel(summary.value.channel), summary: summary.value })
  })

  app.post<{ Params: { id: string } }>('/channels/:id/remove', async (request, reply) => {
    const removed = await removeChannel(deps, viewerOf(request).actor, request.params.id)
    if (!removed.ok) return reply.callNotFound()

    const { channel, unpublished, drafts } = removed.value
    setFlash(request, reply, { kind: 'success', text: `Removed ${channel.name}. ${unpublished} scheduled ${unpublished === 1 ? 'post was' : 'posts were'} deleted and will not be published; ${drafts} ${drafts === 1 ? 'draft was' : 'drafts were'} deleted.` })
    return reply.redirect('/app/channels', 303)
  })
}
