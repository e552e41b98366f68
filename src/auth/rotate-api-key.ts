import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { shortenApiKeyExpiry } from '../storage/api-key-expiry-repo.ts'
import { findApiKeyById, insertApiKey, revokeApiKey as revokeApiKeyRow, type ApiKeyRecord } from '../storage/api-keys-repo.ts'
import { displayParts, generateApiKey } from './api-key-format.ts'
import { getApiKeyAllowance } from './api-key-allowance.ts'
import { hashApiKey, type CreatedApiKey } from './api-keys.ts'

/** Maximum time a rotated key keeps working next to its replacement. */
export const MAX_ROTATION_GRACE_MS = 7 * 24 * 60 * 60_000

export type RotateApiKeyError =
  | { code: 'API_KEY_NOT_FOUND'; message: string }
  | { code: 'INVALID_INPUT'; field: string; message: string }
  | { code: 'INVALID_EXPIRY'; message: string }
  | { code: 'API_KEY_LIMIT_REACHED'; message: string; limit: number }

export interface RotatedApiKey {
  created: CreatedApiKey
  /** When the old key stops working: now for a rotation without grace. */
  oldKeyEndsAt: number
}

/**
 * Replaces an active key with a new one of the same name, scopes and organization. With `graceMs`
 * 0 the old key is revoked at once. Otherwise it expires `graceMs` from now, or at its own expiry
 * if that is sooner, and is dead for good after that. The old key counts as replaced, so rotating
 * works even at the plan's key cap. Cached verifications of the old key on this process are dropped.
 */
export async function rotateApiKey(
  deps: AppDeps,
  input: { accountId: string; apiKeyId: string; graceMs: number; expiresAt: Date | null },
): Promise<Result<RotatedApiKey, RotateApiKeyError>> {
  const now = deps.now().getTime()
  if (!Number.isInteger(input.graceMs) || input.graceMs < 0 || input.graceMs > MAX_ROTATION_GRACE_MS) {
    return err({ code: 'INVALID_INPUT', field: 'graceMs', message: `The grace period must be between 0 and ${MAX_ROTATION_GRACE_MS / 3_600_000} hours.` })
  }
  if (input.expiresAt !== null && input.expiresAt.getTime() <= now) {
    return err({ code: 'INVALID_EXPIRY', message: `Expiry ${input.expiresAt.toISOString()} is in the past; choose a future time.` })
  }
  const old = await findApiKeyById(deps.db.kysely, input.apiKeyId)
  if (old === undefined || old.accountId !== input.accountId || old.revokedAt !== null || (old.expiresAt !== null && old.expiresAt <= now)) {
    return err({ code: 'API_KEY_NOT_FOUND', message: `No active API key ${input.apiKeyId} on this account.` })
  }
  const allowance = await getApiKeyAllowance(deps, input.accountId)
  if (allowance.active - 1 >= allowance.limit) {
    return err({
      code: 'API_KEY_LIMIT_REACHED',
      limit: allowance.limit,
      message: `This account has ${allowance.active} active API keys, more than its plan allows (${allowance.limit}). Revoke one first.`,
    })
  }

  const plaintext = generateApiKey()
  const record: ApiKeyRecord = {
    id: newObjectId(deps.now()),
    accountId: input.accountId,
    name: old.name,
    keyHash: hashApiKey(plaintext),
    ...displayParts(plaintext),
    createdAt: now,
    lastUsedAt: null,
    expiresAt: input.expiresAt?.getTime() ?? null,
    revokedAt: null,
    scopes: old.scopes,
    organizationId: old.organizationId,
  }
  const oldKeyEndsAt = input.graceMs === 0 ? now : Math.min(now + input.graceMs, old.expiresAt ?? Number.POSITIVE_INFINITY)
  await deps.db.kysely.transaction().execute(async (trx) => {
    await insertApiKey(trx, record)
    if (input.graceMs === 0) await revokeApiKeyRow(trx, { id: old.id, accountId: old.accountId, now })
    else await shortenApiKeyExpiry(trx, { id: old.id, accountId: old.accountId, expiresAt: oldKeyEndsAt, now })
  })
  deps.keyCache.deleteByKeyId(old.id)
  deps.log.info({ accountId: input.accountId, apiKeyId: old.id, newApiKeyId: record.id, graceMs: input.graceMs }, 'api key rotated')

  return ok({ created: { plaintext, record }, oldKeyEndsAt })
}
