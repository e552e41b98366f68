import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { getApiKeyAllowance } from '../auth/api-key-allowance.ts'
import { createApiKey, listAccountApiKeys, revokeApiKey } from '../auth/api-keys.ts'
import { MAX_ROTATION_GRACE_MS, rotateApiKey } from '../auth/rotate-api-key.ts'
import type { AppDeps } from '../deps.ts'
import { readApiKeyUsage, type ApiKeyUsage } from '../limits/api-key-usage.ts'
import type { RateLimiter, WindowUsage } from '../limits/rate-limiter.ts'
import type { ApiKeyRecord } from '../storage/api-keys-repo.ts'
import type { Flash } from './flash.ts'
import { setFlash } from './flash.ts'
import { field, formBody } from './form.ts'
import { renderPage } from './render.ts'
import { viewerOf } from './viewer.ts'
import { formatInZone, localToInstant } from './zoned-time.ts'

const DAY_MS = 86_400_000
/** Expiry choices of the create form, in days; 'never' and 'date' are the other two. */
const EXPIRY_PRESETS = ['7', '30', '90', '365']
/** Grace periods offered when rotating, in hours; 0 revokes the old key at once. */
const GRACE_HOURS = [0, 1, 24, 72, 168].filter((hours) => hours * 3_600_000 <= MAX_ROTATION_GRACE_MS)
const WINDOW_NAMES: Record<WindowUsage['window'], string> = { '15m': '15 minutes', '24h': '24 hours', '30d': '30 days' }
const COUNT_FORMAT = new Intl.NumberFormat('en-US')

/** One rate-limit window of a key, as the page shows it. */
interface UsageView {
  /** Such as "12 of 100 in 15 minutes". */
  text: string
  /** When the oldest counted requests leave the window, or null when none are counted. */
  dropsOff: string | null
}

interface KeyView {
  id: string
  name: string
  display: string
  created: string
  lastUsed: string | null
  expires: string | null
  state: 'active' | 'expired' | 'revoked'
  scopes: string
  /** One entry per window for active keys while rate limits are on; null otherwise. */
  usage: UsageView[] | null
}

function keyState(key: ApiKeyRecord, now: number): KeyView['state'] {
  if (key.revokedAt !== null) return 'revoked'
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired'

  return 'active'
}

/** Form field that a createApiKey failure belongs to. */
function createErrorField(code: string): string {
  if (code === 'INVALID_KEY_NAME') return 'name'
  if (code === 'INVALID_EXPIRY') return 'expiresOn'

  return 'form'
}

/**
 * Formats a number of seconds in its two largest units, the smaller one rounded up, such as
 * "24 hours 15 minutes" or "30 days 6 hours". A window's oldest requests leave it up to one bucket
 * after the window's length, so a whole-unit rounding would read "2 days" for a 24-hour window.
 */
function formatDuration(seconds: number): string {
  if (seconds < 60) return plural(seconds, 'second')
  if (seconds < 3600) return plural(Math.ceil(seconds / 60), 'minute')

  // Hours up to two days, so the 24-hour window reads in hours.
  const [large, largeUnit, small, smallUnit] = seconds < 2 * 86_400 ? [3600, 'hour', 60, 'minute'] : [86_400, 'day', 3600, 'hour']
  let whole = Math.floor(seconds / large)
  let rest = Math.ceil((seconds % large) / small)
  if (rest * small >= large) {
    whole++
    rest = 0
  }

  return rest === 0 ? plural(whole, largeUnit) : `${plural(whole, largeUnit)} ${plural(rest, smallUnit)}`
}

function plural(amount: number, unit: string): string {
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`
}

function presentUsage(usage: WindowUsage): UsageView {
  return {
    text: `${COUNT_FORMAT.format(usage.used)} of ${COUNT_FORMAT.format(usage.quota)} in ${WINDOW_NAMES[usage.window]}`,
    dropsOff: usage.used === 0 ? null : `the oldest leave it in ${formatDuration(usage.resetSeconds)}`,
  }
}

function presentKey(key: ApiKeyRecord, now: number, timeZone: string, usage: ApiKeyUsage): KeyView {
  const state = keyState(key, now)
  const windows = usage.enabled ? usage.byKeyId.get(key.id) : undefined

  return {
    id: key.id,
    name: key.name,
    display: `${key.displayPrefix}…${key.last4}`,
    created: formatInZone(key.createdAt, timeZone),
    lastUsed: key.lastUsedAt === null ? null : formatInZone(key.lastUsedAt, timeZone),
    expires: key.expiresAt === null ? null : formatInZone(key.expiresAt, timeZone),
    state,
    scopes: key.scopes === null ? 'All' : key.scopes.join(', '),
    usage: windows === undefined ? null : windows.map(presentUsage),
  }
}

/** Reads the create form's expiry: never, a preset number of days, or the end of a chosen day in the viewer's zone. */
function parseExpiry(expiresIn: string, expiresOn: string, timeZone: string, now: number): { ok: true; value: Date | null } | { ok: false; message: string } {
  if (expiresIn === '' || expiresIn === 'never') return { ok: true, value: null }
  if (EXPIRY_PRESETS.includes(expiresIn)) return { ok: true, value: new Date(now + Number(expiresIn) * DAY_MS) }
  if (expiresIn !== 'date') return { ok: false, message: 'Choose when the key expires from the list.' }
  // "Never" is the choice for no expiry, so a chosen-day expiry without its day is incomplete.
  if (expiresOn.trim() === '') return { ok: false, message: 'The last day the key works is missing; choose a day, or choose Never under Expires.' }

  const instant = localToInstant(expiresOn, '23:59', timeZone)
  return instant.ok ? { ok: true, value: instant.value } : { ok: false, message: instant.message }
}

/**
 * Registers Settings → API: create, list, rotate and revoke API keys. A new key's plaintext is
 * shown once, in the response to the form that made it. Each active key shows its rate-limit
 * usage, read from `limiter` without counting a request.
 */
export function registerApiKeyRoutes(app: FastifyInstance, deps: AppDeps, limiter: RateLimiter): void {
  async function renderKeys(request: FastifyRequest, reply: FastifyReply, extra: { newKey?: { plaintext: string; name: string; replaced?: string | null }; errors?: Record<string, string>; values?: Record<string, string>; status?: number; notice?: Flash }) {
    const viewer = viewerOf(request)
    const now = deps.now().getTime()
    const records = await listAccountApiKeys(deps, viewer.account.id)
    const usage = await readApiKeyUsage(deps, limiter, viewer.account.id, records.filter((key) => keyState(key, now) === 'active'))
    const keys = records.map((key) => presentKey(key, now, viewer.account.timezone, usage))
    const allowance = await getApiKeyAllowance(deps, viewer.account.id)

    return renderPage(request, reply, 'api-keys', { title: 'API keys', section: 'settings', status: extra.status ?? 200, notice: extra.notice ?? null }, {
      activeKeys: keys.filter((key) => key.state === 'active'),
      inactiveKeys: keys.filter((key) => key.state !== 'active'),
      allowance,
      atLimit: allowance.active >= allowance.limit,
      rateLimitsEnabled: usage.enabled,
      newKey: extra.newKey ?? null,
      errors: extra.errors ?? {},
      values: { name: '', expiresIn: 'never', expiresOn: '', ...extra.values },
      expiryPresets: EXPIRY_PRESETS,
      graceHours: GRACE_HOURS,
      timezone: viewer.account.timezone,
    })
  }

  app.get('/settings/api', async (request, reply) => renderKeys(request, reply, {}))

  app.post('/settings/api/keys', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const values = { name: field(form, 'name'), expiresIn: field(form, 'expiresIn'), expiresOn: field(form, 'expiresOn') }
    const expiry = parseExpiry(values.expiresIn, values.expiresOn, viewer.account.timezone, deps.now().getTime())
    if (!expiry.ok) return renderKeys(request, reply, { errors: { expiresOn: expiry.message }, values, status: 422 })

    const created = await createApiKey(deps, { accountId: viewer.account.id, name: values.name, expiresAt: expiry.value })
    if (!created.ok) {
      const error = created.error
      // The domain names the expiry as a UTC instant; the page names the day the viewer chose.
      const message = error.code === 'INVALID_EXPIRY' && values.expiresIn === 'date' ? `The key would stop at 23:59 on ${values.expiresOn} (${viewer.account.timezone}), which has passed; choose a later day.` : error.message
      return renderKeys(request, reply, { errors: { [createErrorField(error.code)]: message }, values, status: 422 })
    }

    return renderKeys(request, reply, { newKey: { plaintext: created.value.plaintext, name: created.value.record.name } })
  })

  app.post<{ Params: { id: string } }>('/settings/api/keys/:id/rotate', async (request, reply) => {
    const viewer = viewerOf(request)
    const graceHours = Number(field(formBody(request.body), 'graceHours') || '0')

    const rotated = await rotateApiKey(deps, { accountId: viewer.account.id, apiKeyId: request.params.id, graceMs: graceHours * 3_600_000, expiresAt: null })
    if (!rotated.ok) return renderKeys(request, reply, { status: 422, notice: { kind: 'error', text: rotated.error.message } })

    const endsAt = formatInZone(rotated.value.oldKeyEndsAt, viewer.account.timezone)
    const replaced = graceHours === 0 ? 'The old key was revoked and no longer works.' : `The old key keeps working until ${endsAt}, then stops for good.`
    return renderKeys(request, reply, { newKey: { plaintext: rotated.value.created.plaintext, name: rotated.value.created.record.name, replaced } })
  })

  app.post<{ Params: { id: string } }>('/settings/api/keys/:id/revoke', async (request, reply) => {
    const viewer = viewerOf(request)

    const revoked = await revokeApiKey(deps, { accountId: viewer.account.id, apiKeyId: request.params.id })
    setFlash(request, reply, revoked.ok ? { kind: 'success', text: 'The key is revoked. Requests made with it are refused from now on.' } : { kind: 'error', text: revoked.error.message })
    return reply.redirect('/app/settings/api', 303)
  })
}
