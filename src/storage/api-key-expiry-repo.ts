import type { Executor } from './executor.ts'

/**
 * Moves an active key's expiry to `expiresAt` when that is sooner than its current one. Returns
 * false when the key is not an active key of the account.
 */
export async function shortenApiKeyExpiry(db: Executor, args: { id: string; accountId: string; expiresAt: number; now: number }): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ expires_at: args.expiresAt })
    .where('id', '=', args.id)
    .where('account_id', '=', args.accountId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', args.expiresAt)]))
    .executeTakeFirst()

  return Number(result.numUpdatedRows) > 0
}
