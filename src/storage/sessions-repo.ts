import type { Selectable } from 'kysely'
import type { Executor } from './executor.ts'
import type { SessionsTable } from './schema.ts'

export interface SessionRecord {
  id: string
  accountId: string
  tokenHash: string
  createdAt: number
  lastSeenAt: number
  expiresAt: number
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  }
}

export async function insertSession(db: Executor, session: SessionRecord): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      account_id: session.accountId,
      token_hash: session.tokenHash,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
    })
    .execute()
}

export async function findSessionByTokenHash(db: Executor, tokenHash: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
  return row === undefined ? undefined : toSession(row)
}

export async function touchSession(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute()
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute()
}

/** Deletes every session of the account; returns how many there were. */
export async function deleteAccountSessions(db: Executor, accountId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('account_id', '=', accountId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Deletes sessions past their absolute expiry or idle since before `idleBefore`. */
export async function deleteStaleSessions(db: Executor, args: { now: number; idleBefore: number }): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', args.now), eb('last_seen_at', '<', args.idleBefore)]))
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
