import type { Selectable } from 'kysely'
import type { Executor } from './executor.ts'
import type { ApiKeysTable } from './schema.ts'

export interface ApiKeyRecord {
  id: string
  accountId: string
  name: string
  keyHash: string
  displayPrefix: string
  last4: string
  createdAt: number
  lastUsedAt: number | null
  expiresAt: number | null
  revokedAt: number | null
  /** Scopes the key is limited to; null means every scope. */
  scopes: string[] | null
  /** The one organization the key may act in; null means all of the account's. */
  organizationId: string | null
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    keyHash: row.key_hash,
    displayPrefix: row.display_prefix,
    last4: row.last4,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    scopes: row.scopes === null ? null : (JSON.parse(row.scopes) as string[]),
    organizationId: row.organization_id,
  }
}

export async function insertApiKey(db: Executor, key: ApiKeyRecord): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: key.id,
      account_id: key.accountId,
      name: key.name,
      key_hash: key.keyHash,
      display_prefix: key.displayPrefix,
      last4: key.last4,
      created_at: key.createdAt,
      last_used_at: key.lastUsedAt,
      expires_at: key.expiresAt,
      revoked_at: key.revokedAt,
      scopes: key.scopes === null ? null : JSON.stringify(key.scopes),
      organization_id: key.organizationId,
    })
    .execute()
}

export async function findApiKeyByHash(db: Executor, keyHash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst()
  return row === undefined ? undefined : toApiKey(row)
}

export async function findApiKeyById(db: Executor, id: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
  return row === undefined ? undefined : toApiKey(row)
}

/** Every key of the account, newest first, revoked ones included. */
export async function listApiKeys(db: Executor, accountId: string): Promise<ApiKeyRecord[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()

  return rows.map(toApiKey)
}

/** Keys that still work at `now`: not revoked and not expired. */
export async function countActiveApiKeys(db: Executor, accountId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirstOrThrow()

  return Number(row.count)
}

/** Revokes a key of the account; returns false when there is no such unrevoked key. */
export async function revokeApiKey(db: Executor, args: { id: string; accountId: string; now: number }): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: args.now })
    .where('id', '=', args.id)
    .where('account_id', '=', args.accountId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()

  return Number(result.numUpdatedRows) > 0
}

export async function touchApiKeyLastUsed(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute()
}
