import { createHash } from 'node:crypto'
import { mostGenerousRateLimits } from '../accounts/plans.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { findAccountById, listOrganizationsForAccount } from '../storage/accounts-repo.ts'
import {
  countActiveApiKeys,
  findApiKeyByHash,
  insertApiKey,
  listApiKeys,
  revokeApiKey as revokeApiKeyRow,
  touchApiKeyLastUsed,
  type ApiKeyRecord,
} from '../storage/api-keys-repo.ts'
import type { ApiKeyActor } from './actor.ts'
import { apiKeyLimitOf } from './api-key-allowance.ts'
import { displayParts, generateApiKey, isWellFormedApiKey } from './api-key-format.ts'
import { parseScopes, SCOPES, type Scope } from './scopes.ts'

/** last_used_at is written at most once per this many ms per key, to keep reads cheap. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000
const MAX_KEY_NAME_LENGTH = 100

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export type CreateApiKeyError =
  | { code: 'ACCOUNT_NOT_FOUND'; message: string }
  | { code: 'INVALID_SCOPES'; message: string }
  | { code: 'ORGANIZATION_NOT_FOUND'; message: string }
  | { code: 'INVALID_KEY_NAME'; message: string }
  | { code: 'INVALID_EXPIRY'; message: string }
  | { code: 'API_KEY_LIMIT_REACHED'; message: string; limit: number }

export interface CreatedApiKey {
  /** The only time the plaintext exists outside the caller: show it once, never store it. */
  plaintext: string
  record: ApiKeyRecord
}

export interface CreateApiKeyInput {
  accountId: string
  name: string
  expiresAt: Date | null
  /** Limits the key to these scopes; omitted or null means every scope. */
  scopes?: readonly string[] | null
  /** Limits the key to one of the account's organizations; omitted or null means all of them. */
  organizationId?: string | null
}

/**
 * Creates a key for the account. The account may hold as many active keys as the most generous
 * plan among its organizations allows.
 */
export async function createApiKey(deps: AppDeps, input: CreateApiKeyInput): Promise<Result<CreatedApiKey, CreateApiKeyError>> {
  const now = deps.now().getTime()
  const name = input.name.trim()
  if (name === '' || name.length > MAX_KEY_NAME_LENGTH) {
    return err({ code: 'INVALID_KEY_NAME', message: `Key name must be 1 to ${MAX_KEY_NAME_LENGTH} characters.` })
  }
  if (input.expiresAt !== null && input.expiresAt.getTime() <= now) {
    return err({ code: 'INVALID_EXPIRY', message: `Expiry ${input.expiresAt.toISOString()} is in the past; choose a future time.` })
  }

  let scopes: Scope[] | null = null
  if (input.scopes !== undefined && input.scopes !== null) {
    const parsed = parseScopes(input.scopes)
    if (!parsed.ok) return err({ code: 'INVALID_SCOPES', message: `Unknown scope ${parsed.unknown.map((scope) => `"${scope}"`).join(', ')}; use ${SCOPES.join(', ')}.` })
    if (parsed.scopes.length === 0) return err({ code: 'INVALID_SCOPES', message: `A restricted key needs at least one scope: ${SCOPES.join(', ')}.` })
    scopes = parsed.scopes
  }

  const account = await findAccountById(deps.db.kysely, input.accountId)
  if (account === undefined) {
    return err({ code: 'ACCOUNT_NOT_FOUND', message: `Account ${input.accountId} was not found.` })
  }
  const organizations = await listOrganizationsForAccount(deps.db.kysely, account.id)
  const organizationId = input.organizationId ?? null
  if (organizationId !== null && !organizations.some((organization) => organization.id === organizationId)) {
    return err({ code: 'ORGANIZATION_NOT_FOUND', message: `Organization ${organizationId} was not found among the account's organizations.` })
  }
  const limit = apiKeyLimitOf(organizations)
  const active = await countActiveApiKeys(deps.db.kysely, account.id, now)
  if (active >= limit) {
    return err({
      code: 'API_KEY_LIMIT_REACHED',
      limit,
      message: `This account already has ${active} active API keys, the most its plan allows (${limit}). Revoke one first.`,
    })
  }

  const plaintext = generateApiKey()
  const record: ApiKeyRecord = {
    id: newObjectId(),
    accountId: account.id,
    name,
    keyHash: hashApiKey(plaintext),
    ...displayParts(plaintext),
    createdAt: now,
    lastUsedAt: null,
    expiresAt: input.expiresAt?.getTime() ?? null,
    revokedAt: null,
    scopes,
    organizationId,
  }
  await insertApiKey(deps.db.kysely, record)
  deps.log.info({ accountId: account.id, apiKeyId: record.id }, 'api key created')

  return ok({ plaintext, record })
}

export async function listAccountApiKeys(deps: AppDeps, accountId: string): Promise<ApiKeyRecord[]> {
  return listApiKeys(deps.db.kysely, accountId)
}

/** Revokes a key at once on this process; other processes stop accepting it within the cache TTL. */
export async function revokeApiKey(
  deps: AppDeps,
  input: { accountId: string; apiKeyId: string },
): Promise<Result<void, { code: 'API_KEY_NOT_FOUND'; message: string }>> {
  const revoked = await revokeApiKeyRow(deps.db.kysely, {
    id: input.apiKeyId,
    accountId: input.accountId,
    now: deps.now().getTime(),
  })
  deps.keyCache.deleteByKeyId(input.apiKeyId)
  if (!revoked) {
    return err({ code: 'API_KEY_NOT_FOUND', message: `No active API key ${input.apiKeyId} on this account.` })
  }
  deps.log.info({ accountId: input.accountId, apiKeyId: input.apiKeyId }, 'api key revoked')

  return ok(undefined)
}

export type VerifyApiKeyFailure = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired'

const lastUsedWrites = new Map<string, number>()

/**
 * Resolves a bearer token to the account acting through it. Checks, in order: format and
 * checksum (no database read), the in-process cache, then the database. A key verified within
 * the cache TTL is found by the token itself and skips the first two.
 */
export async function verifyApiKey(deps: AppDeps, token: string | undefined): Promise<Result<ApiKeyActor, VerifyApiKeyFailure>> {
  if (token === undefined || token === '') return err('missing')
  const now = deps.nowMs()
  // Only keys that passed every check below are cached, so a hit needs no format check or hash.
  const cached = deps.keyCache.get(token, now)
  if (cached !== undefined) {
    noteKeyUse(deps, cached.apiKeyId, now)
    return ok(cached)
  }
  if (!isWellFormedApiKey(token)) return err('malformed')

  const keyHash = hashApiKey(token)

  const key = await findApiKeyByHash(deps.db.kysely, keyHash)
  if (key === undefined) return err('unknown')
  if (key.revokedAt !== null) return err('revoked')
  if (key.expiresAt !== null && key.expiresAt <= now) return err('expired')

  const organizations = (await listOrganizationsForAccount(deps.db.kysely, key.accountId)).filter(
    (organization) => key.organizationId === null || organization.id === key.organizationId,
  )
  const actor: ApiKeyActor = {
    kind: 'apiKey',
    accountId: key.accountId,
    apiKeyId: key.id,
    organizationIds: organizations.map((organization) => organization.id),
    scopes: key.scopes as Scope[] | null,
    rateLimits: mostGenerousRateLimits(organizations.map((organization) => organization.plan)),
  }
  deps.keyCache.set(token, actor, now, key.expiresAt)
  if (key.lastUsedAt !== null) lastUsedWrites.set(key.id, key.lastUsedAt)
  noteKeyUse(deps, key.id, now)

  return ok(actor)
}

/** Records use of a key, writing last_used_at at most once a minute per key per process. */
function noteKeyUse(deps: AppDeps, apiKeyId: string, now: number): void {
  const lastWrite = lastUsedWrites.get(apiKeyId)
  if (lastWrite !== undefined && now - lastWrite < LAST_USED_WRITE_INTERVAL_MS) return

  lastUsedWrites.set(apiKeyId, now)
  touchApiKeyLastUsed(deps.db.kysely, apiKeyId, now).catch((error: unknown) => {
    deps.log.warn({ err: error, apiKeyId }, 'api key last-used update failed')
  })
}
