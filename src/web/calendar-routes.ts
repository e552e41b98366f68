import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../deps.ts'
import type { PostStatus } from '../storage/posts-repo.ts'
import { presentPost, type PostView } from './present.ts'
import { renderPage, type Section } from './render.ts'
import { viewerChannels } from './viewer-data.ts'
import { listViewerPosts } from './viewer-posts.ts'
import { viewerOf, type Viewer } from './viewer.ts'
import { addDays, formatCalendarDate, localDate, localToInstant, parseCalendarDate, zonedParts } from './zoned-time.ts'

const CALENDAR_STATUSES: PostStatus[] = ['scheduled', 'sending', 'needs_approval', 'sent', 'error']
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
/** Posts a month cell lists before it links to the week instead. */
const MONTH_CELL_LIMIT = 3

/** Returns the first instant of a local calendar day, or 01:00 where a clock change skips midnight. */
function startOfLocalDay(calendarMs: number, timeZone: string): number {
  const date = formatCalendarDate(calendarMs)
  const midnight = localToInstant(date, '00:00', timeZone)
  if (midnight.ok) return midnight.value.getTime()
  const one = localToInstant(date, '01:00', timeZone)
  return one.ok ? one.value.getTime() : calendarMs
}

/** Returns the Monday on or before the calendar day. */
function mondayOf(calendarMs: number): number {
  const weekday = (new Date(calendarMs).getUTCDay() + 6) % 7
  return addDays(calendarMs, -weekday)
}

interface CalendarDay {
  date: string
  label: string
  weekday: string
  inMonth: boolean
  isToday: boolean
  posts: PostView[]
  more: number
}

async function postsByLocalDay(deps: AppDeps, viewer: Viewer, fromCalendarMs: number, days: number) {
  const zone = viewer.account.timezone
  const start = startOfLocalDay(fromCalendarMs, zone)
  const end = startOfLocalDay(addDays(fromCalendarMs, days), zone) - 1
  const channels = new Map((await viewerChannels(deps, viewer)).map((channel) => [channel.id, channel]))
  const { posts, truncated } = await listViewerPosts(deps, viewer, {
    filter: { status: CALENDAR_STATUSES, dueAt: { start: new Date(start), end: new Date(end) } },
    sort: [{ field: 'dueAt', direction: 'asc' }],
  })

  const byDay = new Map<string, PostView[]>()
  for (const post of posts) {
    if (post.dueAt === null) continue
    const key = localDate(post.dueAt, zone)
    byDay.set(key, [...(byDay.get(key) ?? []), presentPost(post, channels.get(post.channelId), zone)])
  }

  return { byDay, truncated }
}

/** Registers the calendar (week and month, across channels, in the viewer's zone) and the sent, failed and draft lists. */
export function registerCalendarRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get<{ Querystring: { view?: string; date?: string } }>('/calendar', async (request, reply) => {
    const viewer = viewerOf(request)
    const zone = viewer.account.timezone
    const view = request.query.view === 'month' ? 'month' : 'week'
    const today = parseCalendarDate(localDate(deps.now().getTime(), zone))!
    const anchor = parseCalendarDate(request.query.date ?? '') ?? today
    const anchorDate = new Date(anchor)

    const monthStart = Date.UTC(anchorDate.getUTCFullYear(), anchorDate.getUTCMonth(), 1)
    const first = view === 'week' ? mondayOf(anchor) : mondayOf(monthStart)
    const nextMonth = Date.UTC(anchorDate.getUTCFullYear(), anchorDate.getUTCMonth() + 1, 1)
    const days = view === 'week' ? 7 : Math.ceil((nextMonth - first) / 86_400_000 / 7) * 7
    const { byDay, truncated } = await postsByLocalDay(deps, viewer, first, days)

    const cells: CalendarDay[] = Array.from({ length: days }, (_, index) => {
      const day = addDays(first, index)
      const date = formatCalendarDate(day)
      const posts = byDay.get(date) ?? []
      const shown = view === 'month' ? posts.slice(0, MONTH_CELL_LIMIT) : posts
      const dayDate = new Date(day)
      return {
        date,
        label: view === 'month' ? String(dayDate.getUTCDate()) : `${dayDate.getUTCDate()} ${MONTH_NAMES[dayDate.getUTCMonth()]!.slice(0, 3)}`,
        weekday: WEEKDAY_NAMES[index % 7]!,
        inMonth: view === 'week' || dayDate.getUTCMonth() === anchorDate.getUTCMonth(),
        isToday: day === today,
        posts: shown,
        more: posts.length - shown.length,
      }
    })
    const previous = view === 'week' ? addDays(anchor, -7) : Date.UTC(anchorDate.getUTCFullYear(), anchorDate.getUTCMonth() - 1, 1)
    const next = view === 'week' ? addDays(anchor, 7) : nextMonth
    const heading = view === 'week' ? `Week of ${cells[0]!.label} ${new Date(first).getUTCFullYear()}` : `${MONTH_NAMES[anchorDate.getUTCMonth()]} ${anchorDate.getUTCFullYear()}`

    return renderPage(request, reply, 'calendar', { title: `Calendar: ${heading}`, section: 'calendar' }, {
      view,
      heading,
      weeks: Array.from({ length: days / 7 }, (_, week) => cells.slice(week * 7, week * 7 + 7)),
      weekdays: WEEKDAY_NAMES,
      date: formatCalendarDate(anchor),
      previous: formatCalendarDate(previous),
      next: formatCalendarDate(next),
      today: formatCalendarDate(today),
      truncated,
      zone,
      currentTime: zonedParts(deps.now().getTime(), zone),
    })
  })

  async function renderList(request: FastifyRequest, reply: FastifyReply, list: { section: Section; title: string; statuses: PostStatus[]; sort: 'dueAt' | 'createdAt'; empty: string }) {
    const viewer = viewerOf(request)
    const channels = new Map((await viewerChannels(deps, viewer)).map((channel) => [channel.id, channel]))
    const { posts, truncated } = await listViewerPosts(deps, viewer, { filter: { status: list.statuses }, sort: [{ field: list.sort, direction: 'desc' }], max: 200 })

    return renderPage(request, reply, 'posts', { title: list.title, section: list.section }, {
      heading: list.title,
      kind: list.section,
      posts: posts.map((post) => presentPost(post, channels.get(post.channelId), viewer.account.timezone)),
      truncated,
      empty: list.empty,
    })
  }

  app.get('/sent', async (request, reply) => renderList(request, reply, { section: 'sent', title: 'Sent posts', statuses: ['sent'], sort: 'dueAt', empty: 'No post has been sent yet.' }))
  app.get('/failed', async (request, reply) => renderList(request, reply, { section: 'failed', title: 'Failed posts', statuses: ['error'], sort: 'dueAt', empty: 'No post has failed.' }))
  app.get('/drafts', async (request, reply) => renderList(request, reply, { section: 'drafts', title: 'Drafts', statuses: ['draft', 'needs_approval'], sort: 'createdAt', empty: 'There are no drafts. Save a post as a draft from the composer.' }))
}
