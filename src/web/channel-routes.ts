import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addChannel, connectWebhook, newChannelProblems, serviceName, SERVICES } from '../channel-settings/channel-settings.ts'
import { addNetworkChannel } from '../channel-settings/connect-network-account.ts'
import { describeChannelRemoval, removeChannel } from '../channel-settings/remove-channel.ts'
import { validateWebhookUrl } from '../channels/webhook/webhook-channel.ts'
import type { AppDeps } from '../deps.ts'
import { registerConnectionRoutes } from './connection-routes.ts'
import { setFlash } from './flash.ts'
import { errorSummaryItems, field, formBody, type FormBody } from './form.ts'
import { accountValues, errorsFor, networkOf, readAccountInput, VISIBILITY_OPTIONS } from './network-forms.ts'
import { presentChannel } from './present.ts'
import { renderPage } from './render.ts'
import { setSecretReveal } from './secret-reveal.ts'
import { viewerChannels, viewerOrganizations } from './viewer-data.ts'
import { viewerOf } from './viewer.ts'
import { listTimeZones } from './zoned-time.ts'

const SERVICE_OPTIONS = SERVICES.map((service) => ({ value: service, label: serviceName(service) })).sort((left, right) => left.label.localeCompare(right.label))

/** Choices of "How Pigeon publishes" on the add page; a choice with a service shows only for that service. */
const METHOD_OPTIONS = [
  { value: 'mastodonAuthorization', service: 'mastodon', label: 'Sign in on your Mastodon instance', hint: 'Pigeon registers itself on the instance and gives you a link to approve it; you paste back the code the instance shows.' },
  { value: 'mastodonToken', service: 'mastodon', label: 'Paste a Mastodon access token', hint: 'A token you created in the instance’s settings.' },
  { value: 'bluesky', service: 'bluesky', label: 'Log in to Bluesky with an app password', hint: 'Pigeon keeps only the session tokens, never the password.' },
  { value: 'webhook', service: null, label: 'Deliver to a webhook', hint: 'For any service: your receiver gets each due post as a signed JSON request.' },
]

/** Element ids of the add page's fields that an error can be shown next to, by field name. */
const NEW_CHANNEL_FIELD_IDS: Record<string, string> = {
  service: 'channel-service',
  name: 'channel-name',
  timezone: 'channel-timezone',
  method: 'channel-method',
  webhookUrl: 'channel-webhook',
  instance: 'new-instance',
  accessToken: 'new-token',
  visibility: 'new-visibility',
  mastodonLanguage: 'new-mastodon-language',
  identifier: 'new-identifier',
  appPassword: 'new-app-password',
  pdsUrl: 'new-pds',
  blueskyLanguage: 'new-bluesky-language',
}
const NEW_CHANNEL_FIELDS = Object.keys(NEW_CHANNEL_FIELD_IDS)

type NewChannelValues = ReturnType<typeof readNewChannelValues>

/** Returns the form errors of the channel's own fields (service, name, timezone), all at once. */
function channelFieldErrors(values: NewChannelValues): Record<string, string> {
  return Object.fromEntries(newChannelProblems(values).map((problem) => [problem.field, problem.message]))
}

/** Reads the add page's form; every value but the token and app password is shown again on a rejected form. */
function readNewChannelValues(form: FormBody, defaultOrganizationId: string) {
  return {
    ...accountValues(form),
    organizationId: field(form, 'organizationId') || defaultOrganizationId,
    service: field(form, 'service'),
    name: field(form, 'name'),
    timezone: field(form, 'timezone').trim(),
    webhookUrl: field(form, 'webhookUrl').trim(),
    // A form without a choice is a webhook form, as the add page was before it offered accounts.
    method: field(form, 'method') || 'webhook',
  }
}

/** Channels: the list, adding a channel with its connection, and removing a channel. The connection page's routes are registered here too. */
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
      methods: METHOD_OPTIONS,
      visibilities: VISIBILITY_OPTIONS,
      timeZones: listTimeZones(),
      values: { organizationId: organizations[0]?.id ?? '', service: 'mastodon', name: '', timezone: viewer.account.timezone, webhookUrl: '', ...accountValues({}), method: 'mastodonAuthorization', ...values },
      errors,
      errorSummary: errorSummaryItems(errors, (name) => NEW_CHANNEL_FIELD_IDS[name]),
    })
  }

  app.get('/channels/new', async (request, reply) => renderNewChannel(request, reply, {}, {}))

  app.post('/channels', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const values = readNewChannelValues(form, viewer.actor.organizationIds[0] ?? '')
    const problems = channelFieldErrors(values)
    if (values.method === 'webhook') return addWebhookChannel(request, reply, values, problems)

    const account = readAccountInput(form)
    if (account === null) problems.method = 'Choose how Pigeon publishes the channel’s posts.'
    if (account === null || Object.keys(problems).length > 0) return renderNewChannel(request, reply, values, problems, 422)
    const added = await addNetworkChannel(deps, viewer.actor, { organizationId: values.organizationId, service: values.service, name: values.name, timezone: values.timezone, account })
    if (!added.ok) return renderNewChannel(request, reply, values, errorsFor(added.error, networkOf(values.method), NEW_CHANNEL_FIELDS), 422)

    const { channel, authorizeUrl } = added.value
    if (authorizeUrl !== null) {
      setFlash(request, reply, { kind: 'info', text: `Added ${channel.name}. To connect it, open the authorization page below, approve Pigeon, and paste the code the instance shows.` })
    } else {
      setFlash(request, reply, { kind: 'success', text: `Added ${channel.name}. It publishes to ${serviceName(channel.service)} as ${channel.remoteUsername}.` })
    }
    return reply.redirect(`/app/channels/${channel.id}/connection`, 303)
  })

  async function addWebhookChannel(request: FastifyRequest, reply: FastifyReply, values: NewChannelValues, problems: Record<string, string>) {
    const viewer = viewerOf(request)
    // Checked before the channel is added, so a mistyped address leaves no unconnected channel behind.
    const url = validateWebhookUrl(values.webhookUrl)
    if (!url.ok) problems.webhookUrl = url.error.message
    if (Object.keys(problems).length > 0) return renderNewChannel(request, reply, values, problems, 422)

    const added = await addChannel(deps, viewer.actor, { organizationId: values.organizationId, service: values.service, name: values.name, timezone: values.timezone })
    if (!added.ok) return renderNewChannel(request, reply, values, errorsFor(added.error, null, NEW_CHANNEL_FIELDS), 422)
    const connected = await connectWebhook(deps, viewer.actor, { channelId: added.value.id, url: values.webhookUrl })
    if (!connected.ok) {
      setFlash(request, reply, { kind: 'error', text: `The channel was added but is not connected: ${connected.error.message}` })
      return reply.redirect(`/app/channels/${added.value.id}/connection`, 303)
    }

    setSecretReveal(deps, request, reply, viewer, added.value.id, { secret: connected.value.secret, added: true, entered: false })
    return reply.redirect(`/app/channels/${added.value.id}/connected`, 303)
  }

  app.get<{ Params: { id: string } }>('/channels/:id', async (request, reply) => reply.redirect(`/app/channels/${encodeURIComponent(request.params.id)}/queue`, 303))

  registerConnectionRoutes(app, deps)

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
