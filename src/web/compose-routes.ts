import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { getChannel } from '../channel-settings/channel-settings.ts'
import type { AppDeps } from '../deps.ts'
import { createPost } from '../posts/create-post.ts'
import { editPost, type EditPostCommand } from '../posts/edit-post.ts'
import { getIdea } from '../ideas/get-idea.ts'
import { createIdea } from '../ideas/ideas.ts'
import { getPost } from '../posts/get-post.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import type { PostRecord } from '../storage/posts-repo.ts'
import { addFieldProblem, composeProblem, isShareMode, MEDIA_TYPES, mediaRowsForForm, mediaRowsFromAssets, mediaRowsFromIdea, readComposeValues, readDueAt, toAssets, toIdeaMedia, type ComposeValues } from './compose-form.ts'
import { setFlash } from './flash.ts'
import { field, formBody } from './form.ts'
import { presentChannel, presentPost } from './present.ts'
import { renderPage } from './render.ts'
import { countForChannels, unitLabel } from './text-counts.ts'
import { viewerChannels } from './viewer-data.ts'
import { viewerOf } from './viewer.ts'
import { formatInZone, toDateTimeInputs } from './zoned-time.ts'

const MAX_COUNT_TEXT_LENGTH = 100_000

/** Registers the composer (new posts on one or more channels, as drafts, ideas or scheduled), post editing and the counter endpoint. */
export function registerComposeRoutes(app: FastifyInstance, deps: AppDeps): void {
  async function renderComposer(request: FastifyRequest, reply: FastifyReply, values: ComposeValues, errors: Record<string, string>, options: { status?: number } = {}) {
    const viewer = viewerOf(request)
    const channels = await viewerChannels(deps, viewer)
    const selected = channels.filter((channel) => values.channelIds.includes(channel.id))

    return renderPage(request, reply, 'compose', { title: 'Compose', section: 'compose', status: options.status ?? 200 }, {
      editing: null,
      channels: channels.map((channel) => ({ ...presentChannel(channel), checked: values.channelIds.includes(channel.id) })),
      values: { ...values, media: mediaRowsForForm(values.media) },
      counts: countForChannels(selected, values.text).map((count) => ({ ...count, unitLabel: unitLabel(count.unit) })),
      mediaTypes: MEDIA_TYPES,
      viewerZone: viewer.account.timezone,
      errors,
    })
  }

  app.get<{ Querystring: { channel?: string; idea?: string } }>('/compose', async (request, reply) => {
    const channelIds = typeof request.query.channel === 'string' ? [request.query.channel] : []
    const values: ComposeValues = { channelIds, text: '', media: [], mode: 'addToQueue', dueDate: '', dueTime: '', ideaId: '' }
    if (typeof request.query.idea === 'string') {
      const idea = await getIdea(deps, viewerOf(request).actor, request.query.idea)
      if (!idea.ok) return reply.callNotFound()
      Object.assign(values, { text: idea.value.text ?? idea.value.title ?? '', media: mediaRowsFromIdea(idea.value.media), ideaId: idea.value.id })
    }

    return renderComposer(request, reply, values, {})
  })

  app.post('/compose', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const values = readComposeValues(form)
    const asDraft = field(form, 'intent') === 'draft'
    if (field(form, 'intent') === 'idea') return saveIdea(request, reply, values)
    const shareMode = isShareMode(values.mode) ? values.mode : null
    const dueAt = readDueAt(values, viewer.account.timezone)
    const formErrors: Record<string, string> = {}
    if (values.channelIds.length === 0) formErrors.channelIds = 'Choose at least one channel.'
    if (shareMode === null) formErrors.mode = 'Choose when to publish.'
    else if (!dueAt.ok && !asDraft) formErrors.dueAt = dueAt.message
    if (shareMode === null || Object.keys(formErrors).length > 0) return renderComposer(request, reply, values, formErrors, { status: 422 })
    const mode = asDraft && !dueAt.ok ? 'addToQueue' : shareMode

    const created: Array<{ post: PostRecord; channelName: string }> = []
    const failures: string[] = []
    const fieldErrors: Record<string, string> = {}
    for (const channelId of values.channelIds) {
      const result = await createPost(deps, viewer.actor, {
        channelId,
        mode,
        schedulingType: 'automatic',
        dueAt: dueAt.ok ? dueAt.value : null,
        text: values.text,
        assets: toAssets(values.media),
        metadata: null,
        tagIds: null,
        ideaId: values.ideaId === '' ? null : values.ideaId,
        draftId: null,
        saveToDraft: asDraft,
        needsApproval: false,
        source: 'pigeon-web',
        aiAssisted: null,
      })
      const channel = await getChannel(deps, viewer.actor, channelId)
      const channelName = channel.ok ? channel.value.name : channelId
      if (result.ok) {
        created.push({ post: result.value, channelName })
        continue
      }
      const problem = composeProblem(result.error, { dueAt: dueAt.ok ? dueAt.value : null, viewerZone: viewer.account.timezone, media: values.media, channelName })
      if (problem.field === null) failures.push(`${channelName}: ${problem.message}`)
      else addFieldProblem(fieldErrors, problem.field, problem.message)
    }

    if (failures.length > 0 || Object.keys(fieldErrors).length > 0) {
      const remaining = { ...values, channelIds: values.channelIds.filter((id) => !created.some((entry) => entry.post.channelId === id)) }
      const summary = summarizeFailures(created.map((entry) => entry.channelName), failures)
      return renderComposer(request, reply, remaining, summary === null ? fieldErrors : { ...fieldErrors, form: summary }, { status: 422 })
    }
    setFlash(request, reply, { kind: 'success', text: describeCreated(created, asDraft, viewer.account.timezone) })
    return reply.redirect(asDraft ? '/app/drafts' : `/app/channels/${created[0]!.post.channelId}/queue`, 303)
  })

  /** Saves the composer's text and media as an idea of the first chosen channel's organization. */
  async function saveIdea(request: FastifyRequest, reply: FastifyReply, values: ComposeValues) {
    const viewer = viewerOf(request)
    const firstChannel = values.channelIds.length === 0 ? null : await getChannel(deps, viewer.actor, values.channelIds[0]!)
    const organizationId = firstChannel?.ok ? firstChannel.value.organizationId : viewer.actor.organizationIds[0]
    if (organizationId === undefined) return renderComposer(request, reply, values, { form: 'Your account belongs to no organization, so the idea has nowhere to go.' }, { status: 422 })

    const idea = await createIdea(deps, viewer.actor, { organizationId, content: { text: values.text, media: toIdeaMedia(values.media) } })
    if (!idea.ok) return renderComposer(request, reply, values, { form: idea.error.message }, { status: 422 })
    setFlash(request, reply, { kind: 'success', text: 'Saved the idea. Compose a post from it whenever you are ready.' })
    return reply.redirect('/app/ideas', 303)
  }

  async function renderEditor(request: FastifyRequest, reply: FastifyReply, post: PostRecord, channel: ChannelRecord, values: ComposeValues, errors: Record<string, string>, status = 200) {
    const viewer = viewerOf(request)

    return renderPage(request, reply, 'compose', { title: 'Edit post', section: 'compose', status }, {
      editing: presentPost(post, channel, viewer.account.timezone),
      channels: [{ ...presentChannel(channel), checked: true }],
      values: { ...values, media: mediaRowsForForm(values.media) },
      counts: countForChannels([channel], values.text).map((count) => ({ ...count, unitLabel: unitLabel(count.unit) })),
      mediaTypes: MEDIA_TYPES,
      viewerZone: viewer.account.timezone,
      errors,
    })
  }

  app.get<{ Params: { id: string } }>('/posts/:id/edit', async (request, reply) => {
    const viewer = viewerOf(request)
    const post = await getPost(deps, viewer.actor, request.params.id)
    if (!post.ok) return reply.callNotFound()
    const channel = await getChannel(deps, viewer.actor, post.value.channelId)
    if (!channel.ok) return reply.callNotFound()

    const due = post.value.dueAt === null ? { date: '', time: '' } : toDateTimeInputs(post.value.dueAt, viewer.account.timezone)
    const values: ComposeValues = { channelIds: [channel.value.id], text: post.value.text, media: mediaRowsFromAssets(post.value.assets), mode: 'keep', dueDate: due.date, dueTime: due.time, ideaId: '' }
    return renderEditor(request, reply, post.value, channel.value, values, {})
  })

  app.post<{ Params: { id: string } }>('/posts/:id/edit', async (request, reply) => {
    const viewer = viewerOf(request)
    const post = await getPost(deps, viewer.actor, request.params.id)
    if (!post.ok) return reply.callNotFound()
    const channel = await getChannel(deps, viewer.actor, post.value.channelId)
    if (!channel.ok) return reply.callNotFound()
    const form = formBody(request.body)
    const values = { ...readComposeValues(form), channelIds: [channel.value.id] }
    const asDraft = field(form, 'intent') === 'draft'

    const command: EditPostCommand = { id: post.value.id, text: values.text, assets: toAssets(values.media) }
    if (asDraft) command.saveToDraft = true
    else if (values.mode !== 'keep') {
      if (!isShareMode(values.mode)) return renderEditor(request, reply, post.value, channel.value, values, { mode: 'Choose when to publish.' }, 422)
      const dueAt = readDueAt(values, viewer.account.timezone)
      if (!dueAt.ok) return renderEditor(request, reply, post.value, channel.value, values, { dueAt: dueAt.message }, 422)
      Object.assign(command, { mode: values.mode, dueAt: dueAt.value, saveToDraft: false })
    }

    const edited = await editPost(deps, viewer.actor, command)
    if (!edited.ok) {
      // A post kept at its own time fails when that time has passed, so the message names the stored time.
      const dueAt = command.dueAt ?? (post.value.dueAt === null ? null : new Date(post.value.dueAt))
      const problem = composeProblem(edited.error, { dueAt, viewerZone: viewer.account.timezone, media: values.media, channelName: channel.value.name })
      return renderEditor(request, reply, post.value, channel.value, values, { [problem.field ?? 'form']: problem.message }, 422)
    }
    setFlash(request, reply, { kind: 'success', text: describeCreated([{ post: edited.value, channelName: channel.value.name }], edited.value.status === 'draft', viewer.account.timezone).replace(/^Created/, 'Saved') })
    return reply.redirect(edited.value.status === 'draft' ? '/app/drafts' : `/app/channels/${channel.value.id}/queue`, 303)
  })

  app.post('/compose/count', async (request, reply) => {
    const viewer = viewerOf(request)
    const body = (request.body ?? {}) as { text?: unknown; channelIds?: unknown }
    const text = typeof body.text === 'string' ? body.text.slice(0, MAX_COUNT_TEXT_LENGTH) : ''
    const requestedIds = Array.isArray(body.channelIds) ? body.channelIds.filter((id): id is string => typeof id === 'string').slice(0, 100) : []
    const channels = (await viewerChannels(deps, viewer)).filter((channel) => requestedIds.includes(channel.id))

    return reply.send({ counts: countForChannels(channels, text).map((count) => ({ ...count, unitLabel: unitLabel(count.unit) })) })
  })
}

/**
 * Builds the composer's summary of a partly or wholly failed submit. Returns null when nothing was
 * created and only field errors remain, because the page's generic summary then points at the fields.
 */
function summarizeFailures(createdNames: readonly string[], failures: readonly string[]): string | null {
  if (createdNames.length === 0 && failures.length === 0) return null
  const done = createdNames.length === 0 ? '' : `Created on ${createdNames.join(', ')}. `

  return failures.length === 0 ? `${done}Not created on the other channels; correct the fields marked below.` : `${done}Not created: ${failures.join(' ')}`
}

function describeCreated(created: ReadonlyArray<{ post: PostRecord; channelName: string }>, asDraft: boolean, viewerZone: string): string {
  if (asDraft) return `Created a draft on ${created.map((entry) => entry.channelName).join(', ')}.`

  const parts = created.map(({ post, channelName }) => (post.dueAt === null ? channelName : `${channelName} (due ${formatInZone(post.dueAt, viewerZone)}, your time)`))
  return `Created the post on ${parts.join(', ')}.`
}
