import { createApiKey, listAccountApiKeys, revokeApiKey } from '../../auth/api-keys.ts'
import { CliError } from '../cli-error.ts'
import { JSON_OPTION, type Command } from '../command.ts'
import { formatTable } from '../output.ts'
import { resolveAccount } from '../resolve-account.ts'

const DURATION_PATTERN = /^(\d+)([hdw])$/
const DURATION_UNITS_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** Parses --expires-in (such as 12h, 30d, 2w) or --expires-at (ISO 8601) into an instant. */
export function parseExpiry(expiresIn: unknown, expiresAt: unknown, now: Date): Date | null {
  if (expiresIn !== undefined && expiresAt !== undefined) throw new CliError('Use either --expires-in or --expires-at, not both.', 2)
  if (typeof expiresIn === 'string') {
    const match = DURATION_PATTERN.exec(expiresIn)
    if (match === null || Number(match[1]) === 0) throw new CliError(`--expires-in "${expiresIn}" is not a duration; use a number and h, d or w, such as 30d.`, 2)
    return new Date(now.getTime() + Number(match[1]) * DURATION_UNITS_MS[match[2]!]!)
  }
  if (typeof expiresAt === 'string') {
    const date = new Date(expiresAt)
    if (!/[zZ]|[+-]\d{2}:\d{2}$/.test(expiresAt) || Number.isNaN(date.getTime())) {
      throw new CliError(`--expires-at "${expiresAt}" is not an ISO 8601 time with an offset, such as 2027-01-01T00:00:00Z.`, 2)
    }
    return date
  }

  return null
}

function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function describeRestriction(key: { scopes: string[] | null; organizationId: string | null }): string {
  const scopes = key.scopes === null ? 'all' : key.scopes.join(',')
  return key.organizationId === null ? scopes : `${scopes} (org ${key.organizationId})`
}

export const keysCreateCommand: Command = {
  path: ['keys', 'create'],
  summary: 'Create an API key for an account (printed once)',
  usage: 'pigeon keys create [--email EMAIL] [--name NAME] [--expires-in 30d | --expires-at ISO] [--scope SCOPE …] [--organization ID] [--json]',
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    'expires-in': { type: 'string' },
    'expires-at': { type: 'string' },
    scope: { type: 'string', multiple: true },
    organization: { type: 'string' },
    ...JSON_OPTION,
  },
  async run(context, values) {
    const deps = await context.deps()
    const account = await resolveAccount(deps, values.email as string | undefined)
    const expiresAt = parseExpiry(values['expires-in'], values['expires-at'], deps.now())
    const scopes = (values.scope as string[] | undefined)?.flatMap((scope) => scope.split(',').map((part) => part.trim()))
    const created = await createApiKey(deps, {
      accountId: account.id,
      name: typeof values.name === 'string' ? values.name : 'API key',
      expiresAt,
      scopes: scopes ?? null,
      organizationId: (values.organization as string | undefined) ?? null,
    })
    if (!created.ok) throw new CliError(created.error.message)

    if (values.json === true) {
      const { expiresAt: expiry } = created.value.record
      context.output.out(JSON.stringify({ id: created.value.record.id, name: created.value.record.name, apiKey: created.value.plaintext, expiresAt: expiry === null ? null : new Date(expiry).toISOString() }))
      return
    }
    context.output.out(`API key "${created.value.record.name}" (${created.value.record.id}) for ${account.email}:`)
    context.output.out(created.value.plaintext)
    context.output.out('Store it now: Pigeon keeps only its hash and cannot show it again.')
  },
}

export const keysListCommand: Command = {
  path: ['keys', 'list'],
  summary: "List an account's API keys (never the keys themselves)",
  usage: 'pigeon keys list [--email EMAIL] [--json]',
  options: { email: { type: 'string' }, ...JSON_OPTION },
  async run(context, values) {
    const deps = await context.deps()
    const account = await resolveAccount(deps, values.email as string | undefined)
    const keys = await listAccountApiKeys(deps, account.id)
    const now = deps.now().getTime()
    const statusOf = (key: (typeof keys)[number]) => (key.revokedAt !== null ? 'revoked' : key.expiresAt !== null && key.expiresAt <= now ? 'expired' : 'active')

    if (values.json === true) {
      context.output.out(JSON.stringify(keys.map((key) => ({ id: key.id, name: key.name, key: `${key.displayPrefix}…${key.last4}`, status: statusOf(key), scopes: key.scopes, organizationId: key.organizationId, createdAt: formatTime(key.createdAt), lastUsedAt: formatTime(key.lastUsedAt), expiresAt: formatTime(key.expiresAt) }))))
      return
    }
    if (keys.length === 0) {
      context.output.out(`${account.email} has no API keys. Create one with: pigeon keys create --name NAME`)
      return
    }
    context.output.out(
      formatTable(
        ['ID', 'NAME', 'KEY', 'STATUS', 'SCOPES', 'CREATED', 'LAST USED', 'EXPIRES'],
        keys.map((key) => [key.id, key.name, `${key.displayPrefix}…${key.last4}`, statusOf(key), describeRestriction(key), formatTime(key.createdAt), formatTime(key.lastUsedAt), formatTime(key.expiresAt)]),
      ),
    )
  },
}

export const keysRevokeCommand: Command = {
  path: ['keys', 'revoke'],
  summary: 'Revoke an API key by its id; requests with it then get 401',
  usage: 'pigeon keys revoke KEY_ID [--email EMAIL]',
  options: { email: { type: 'string' } },
  positionals: ['KEY_ID'],
  async run(context, values, positionals) {
    const deps = await context.deps()
    const account = await resolveAccount(deps, values.email as string | undefined)
    const result = await revokeApiKey(deps, { accountId: account.id, apiKeyId: positionals[0]! })
    if (!result.ok) throw new CliError(`${result.error.message} List keys with: pigeon keys list`)

    context.output.out(`Revoked API key ${positionals[0]}. Other running Pigeon processes stop accepting it within ${deps.config.keyCacheTtlMs / 1000} s.`)
  },
}
