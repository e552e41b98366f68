import type { TestContext } from 'node:test'
import { startTestApp, type TestApp, type TestAppOptions } from '../../helpers/app.ts'
import type { Dialect } from '../../helpers/db.ts'
import { WebClient } from './web-client.ts'

export const OWNER = { name: 'Olive Owner', email: 'owner@example.com', password: 'correct horse battery', organizationName: 'Olive Org', timezone: 'Europe/Berlin' }

/** A clock the test moves by hand; it starts at the real time. */
export class TestClock {
  offsetMs = 0

  now = (): Date => new Date(Date.now() + this.offsetMs)

  advance(ms: number): void {
    this.offsetMs += ms
  }
}

export interface WebTestApp {
  app: TestApp
  clock: TestClock
  /** A new browser stand-in with an empty cookie jar. */
  client(): WebClient
}

/** Starts the real server on a fresh database with a movable clock. */
export async function startWebTestApp(t: TestContext, dialect: Dialect, options: Omit<TestAppOptions, 'now'> = {}): Promise<WebTestApp> {
  const clock = new TestClock()
  const app = await startTestApp(t, dialect, { ...options, now: clock.now })

  return { app, clock, client: () => new WebClient(app.url) }
}

/** Runs first-run setup as the owner through the setup form; the client ends up signed in. */
export async function setUpOwner(client: WebClient, owner = OWNER): Promise<void> {
  const response = await client.submit('/setup', '/setup', {
    name: owner.name,
    email: owner.email,
    password: owner.password,
    passwordConfirmation: owner.password,
    organizationName: owner.organizationName,
    timezone: owner.timezone,
  })
  if (response.status !== 303) throw new Error(`setup failed with ${response.status}: ${response.html.slice(0, 500)}`)
}

/** Signs in through the sign-in form. */
export async function signIn(client: WebClient, email = OWNER.email, password = OWNER.password) {
  return client.submit('/sign-in', '/sign-in', { email, password })
}

/** Adds a webhook channel through the form and returns its id and signing secret. */
export async function addWebhookChannel(client: WebClient, fields: { name: string; webhookUrl: string; service?: string; timezone?: string }): Promise<{ id: string; secret: string }> {
  const added = await client.submit('/app/channels/new', '/app/channels', { service: fields.service ?? 'mastodon', name: fields.name, timezone: fields.timezone ?? 'Europe/Berlin', webhookUrl: fields.webhookUrl })
  if (added.status !== 303 || added.location === null) throw new Error(`adding a channel failed with ${added.status}: ${added.html.slice(0, 800)}`)
  const response = await client.get(added.location)
  const id = /\/app\/channels\/([0-9a-f]{24})\/schedule/.exec(response.html)?.[1]
  const secret = /id="webhook-secret"[^>]*value="([^"]+)"/.exec(response.html)?.[1]
  if (id === undefined || secret === undefined) throw new Error('the channel page shows no channel id or secret')

  return { id, secret }
}

/** Submits the composer form; fields the caller leaves out take the form's defaults. */
export async function composePost(client: WebClient, fields: { channelIds: string[]; text: string; mode?: string; dueDate?: string; dueTime?: string; intent?: 'schedule' | 'draft' | 'idea'; media?: Array<{ type: string; url: string; altText: string }> }) {
  const media = fields.media ?? []

  return client.submit('/app/compose', '/app/compose', {
    channelIds: fields.channelIds,
    text: fields.text,
    mode: fields.mode ?? 'addToQueue',
    dueDate: fields.dueDate ?? '',
    dueTime: fields.dueTime ?? '',
    intent: fields.intent ?? 'schedule',
    mediaType: media.map((row) => row.type),
    mediaUrl: media.map((row) => row.url),
    mediaAlt: media.map((row) => row.altText),
  })
}
