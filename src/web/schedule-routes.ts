import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { getChannel, setQueuePaused, updatePostingSchedule } from '../channel-settings/channel-settings.ts'
import type { AppDeps } from '../deps.ts'
import type { ScheduleDayInput } from '../posts/queue-slots.ts'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import { setFlash } from './flash.ts'
import { errorSummaryItems, field, formBody } from './form.ts'
import { presentChannel, presentPost } from './present.ts'
import { renderPage } from './render.ts'
import { addTimeProblem, dayName, hasTime, unchanged, withDayPaused, withTimeAdded, withTimeRemoved } from './schedule-edits.ts'
import { listViewerPosts } from './viewer-posts.ts'
import { viewerOf, type Viewer } from './viewer.ts'
import { listTimeZones } from './zoned-time.ts'

/** A schedule form's change to save, or the problem that stops it before the domain is asked. */
type ScheduleChange = { schedule: ScheduleDayInput[]; timezone?: string } | { problem: string }
/**
 * Form state of the schedule page after a rejected change: messages by field ('timezone' or
 * 'time-<day>') and the values the viewer typed, so the fields keep them.
 */
interface ScheduleFormState {
  errors: Record<string, string>
  values: { timezone?: string; times?: Record<string, string> }
}
/** Queued posts the schedule page lists to show the effect of a change. */
const QUEUE_PREVIEW_LENGTH = 10

async function queuedPosts(deps: AppDeps, viewer: Viewer, channelId: string) {
  const { posts } = await listViewerPosts(deps, viewer, { filter: { channelIds: [channelId], status: ['scheduled'] }, sort: [{ field: 'dueAt', direction: 'asc' }], max: 500 })
  return posts.filter((post) => !post.isCustomScheduled)
}

/** Describes what a schedule change did to the queue. */
function describeReslot(moved: number, queued: number): string {
  if (queued === 0) return 'The queue is empty.'
  if (moved === 0) return 'Queued posts kept their times.'

  return `The queue was re-slotted: ${moved} of ${queued} queued ${queued === 1 ? 'post has' : 'posts have'} a new time, listed below.`
}

/** Registers the posting schedule pages of a channel: times per weekday, paused days, the queue pause and the timezone. */
export function registerScheduleRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Params: { id: string } }>('/channels/:id/schedule', async (request, reply) => {
    const viewer = viewerOf(request)
    const channel = await getChannel(deps, viewer.actor, request.params.id)
    if (!channel.ok) return reply.callNotFound()

    return renderSchedule(request, reply, channel.value, { errors: {}, values: {} }, 200)
  })

  async function renderSchedule(request: FastifyRequest, reply: FastifyReply, channel: ChannelRecord, form: ScheduleFormState, status: number) {
    const viewer = viewerOf(request)
    const queue = await queuedPosts(deps, viewer, channel.id)

    return renderPage(request, reply, 'schedule', { title: `Posting schedule of ${channel.name}`, section: 'channels', status }, {
      channel: presentChannel(channel),
      isQueuePaused: channel.isQueuePaused,
      days: channel.postingSchedule.map((entry) => ({ day: entry.day, name: dayName(entry.day), times: entry.times, paused: entry.paused, newTime: form.values.times?.[entry.day] ?? '' })),
      queue: queue.slice(0, QUEUE_PREVIEW_LENGTH).map((post) => presentPost(post, channel, viewer.account.timezone)),
      queueLength: queue.length,
      timeZones: listTimeZones(),
      timezone: form.values.timezone ?? channel.timezone,
      errors: form.errors,
      errorSummary: errorSummaryItems(form.errors, (name) => (name === 'timezone' ? 'schedule-timezone' : `add-time-${name.slice('time-'.length)}`)),
    })
  }

  /**
   * Applies one schedule change through the domain and redirects back with what happened to the
   * queue. A change that returns a problem, or that the domain rejects, shows the page again with
   * the message next to `errorField` and the `typed` values in their fields, and nothing is saved.
   */
  async function saveSchedule(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    change: (channel: ChannelRecord) => ScheduleChange,
    errorField: string,
    typed: ScheduleFormState['values'] = {},
  ) {
    const viewer = viewerOf(request)
    const channel = await getChannel(deps, viewer.actor, request.params.id)
    if (!channel.ok) return reply.callNotFound()
    const before = new Map((await queuedPosts(deps, viewer, channel.value.id)).map((post) => [post.id, post.dueAt]))

    const changed = change(channel.value)
    if ('problem' in changed) return renderSchedule(request, reply, channel.value, { errors: { [errorField]: changed.problem }, values: typed }, 422)
    const { schedule, timezone } = changed
    const updated = await updatePostingSchedule(deps, viewer.actor, { channelId: channel.value.id, schedule, timezone: timezone ?? null })
    if (!updated.ok) return renderSchedule(request, reply, channel.value, { errors: { [errorField]: updated.error.message }, values: typed }, 422)

    const after = await queuedPosts(deps, viewer, channel.value.id)
    const moved = after.filter((post) => before.get(post.id) !== post.dueAt).length
    setFlash(request, reply, { kind: 'success', text: `Posting schedule saved. ${describeReslot(moved, after.length)}` })
    return reply.redirect(`/app/channels/${channel.value.id}/schedule`, 303)
  }

  app.post<{ Params: { id: string } }>('/channels/:id/schedule/times', async (request, reply) => {
    const form = formBody(request.body)
    const day = field(form, 'day')
    const time = field(form, 'time')
    return saveSchedule(request, reply, (channel) => {
      const problem = addTimeProblem(channel.postingSchedule, day, time)
      return problem === null ? { schedule: withTimeAdded(channel.postingSchedule, day, time) } : { problem }
    }, `time-${day}`, { times: { [day]: time } })
  })

  app.post<{ Params: { id: string } }>('/channels/:id/schedule/times/remove', async (request, reply) => {
    const form = formBody(request.body)
    const day = field(form, 'day')
    const time = field(form, 'time')
    return saveSchedule(request, reply, (channel) => {
      // A time removed in another tab, or by the API, is reported instead of saving an unchanged schedule.
      if (!hasTime(channel.postingSchedule, day, time)) return { problem: `${time} is not in the schedule for ${dayName(day)}, so nothing was changed. Another page or an API client may have removed it.` }
      return { schedule: withTimeRemoved(channel.postingSchedule, day, time) }
    }, `time-${day}`)
  })

  app.post<{ Params: { id: string } }>('/channels/:id/schedule/days', async (request, reply) => {
    const form = formBody(request.body)
    return saveSchedule(request, reply, (channel) => ({ schedule: withDayPaused(channel.postingSchedule, field(form, 'day'), field(form, 'paused') === 'true') }), `time-${field(form, 'day')}`)
  })

  app.post<{ Params: { id: string } }>('/channels/:id/schedule/timezone', async (request, reply) => {
    const timezone = field(formBody(request.body), 'timezone').trim()
    return saveSchedule(request, reply, (channel) => ({ schedule: unchanged(channel.postingSchedule), timezone }), 'timezone', { timezone })
  })

  app.post<{ Params: { id: string } }>('/channels/:id/queue/pause', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const paused = field(form, 'paused') === 'true'

    const result = await setQueuePaused(deps, viewer.actor, { channelId: request.params.id, paused })
    if (!result.ok) return reply.callNotFound()
    setFlash(request, reply, { kind: 'success', text: paused ? `The queue of ${result.value.name} is paused: nothing is published until you resume it.` : `The queue of ${result.value.name} is running again; posts that fell due meanwhile go out now.` })
    const back = field(form, 'returnTo') === 'queue' ? 'queue' : 'schedule'
    return reply.redirect(`/app/channels/${result.value.id}/${back}`, 303)
  })
}
