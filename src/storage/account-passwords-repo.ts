import type { Executor } from './executor.ts'

/** Reads the stored password hash of an account: null when it has none, undefined when there is no such account. */
export async function findPasswordHash(db: Executor, accountId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirst()
  return row === undefined ? undefined : row.password_hash
}

export async function setPasswordHash(db: Executor, accountId: string, passwordHash: string, now: number): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
    .where('id', '=', accountId)
    .execute()
}

/** True when at least one account exists. */
export async function hasAnyAccount(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}
