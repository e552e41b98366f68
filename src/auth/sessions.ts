import { createHash, randomBytes } from 'node:crypto'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { findAccountById, listOrganizationsForAccount, type AccountRecord } from '../storage/accounts-repo.ts'
import type { Executor } from '../storage/executor.ts'
import {
  deleteAccountSessions,
  deleteSession,
  deleteStaleSessions,
  findSessionByTokenHash,
  insertSession,
  touchSession,
  type SessionRecord,
} from '../storage/sessions-repo.ts'
import type { SessionActor } from './actor.ts'

/** A session ends this long after sign-in, however active it is. */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60_000
/** A session ends when unused for this long. */
export const SESSION_IDLE_TIMEOUT_MS = 7 * 24 * 60 * 60_000
/** last_seen_at is rewritten only when it is at least this many ms old. */
const TOUCH_INTERVAL_MS = 60_000

const TOKEN_PREFIX = 'pgs_'
const TOKEN_PATTERN = /^pgs_[A-Za-z0-9_-]{43}$/

export interface StartedSession {
  /** The cookie value. Only its SHA-256 is stored, so it cannot be shown or recovered later. */
  token: string
  session: SessionRecord
}

export interface ResolvedSession {
  actor: SessionActor
  account: AccountRecord
  session: SessionRecord
}

export type ResolveSessionFailure = 'missing' | 'malformed' | 'unknown' | 'expired'

function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Starts a session for the account and returns its token. Expired sessions are cleaned up on the way. */
export async function startSession(deps: AppDeps, accountId: string, db: Executor = deps.db.kysely): Promise<StartedSession> {
  const now = deps.now().getTime()
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
  const session: SessionRecord = {
    id: newObjectId(deps.now()),
    accountId,
    tokenHash: hashSessionToken(token),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + SESSION_LIFETIME_MS,
  }

  await deleteStaleSessions(db, { now, idleBefore: now - SESSION_IDLE_TIMEOUT_MS })
  await insertSession(db, session)
  deps.log.info({ accountId, sessionId: session.id }, 'session started')

  return { token, session }
}

/**
 * Resolves a session token to the signed-in account. A token that is unknown, past the session's
 * lifetime or idle for too long is rejected; an expired session is deleted.
 */
export async function resolveSession(deps: AppDeps, token: string | undefined): Promise<Result<ResolvedSession, ResolveSessionFailure>> {
  if (token === undefined || token === '') return err('missing')
  if (!TOKEN_PATTERN.test(token)) return err('malformed')

  const now = deps.now().getTime()
  const session = await findSessionByTokenHash(deps.db.kysely, hashSessionToken(token))
  if (session === undefined) return err('unknown')
  if (session.expiresAt <= now || session.lastSeenAt + SESSION_IDLE_TIMEOUT_MS <= now) {
    await deleteSession(deps.db.kysely, session.id)
    return err('expired')
  }
  const account = await findAccountById(deps.db.kysely, session.accountId)
  if (account === undefined) return err('unknown')

  if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) await touchSession(deps.db.kysely, session.id, now)
  const organizations = await listOrganizationsForAccount(deps.db.kysely, account.id)
  const actor: SessionActor = {
    kind: 'session',
    accountId: account.id,
    sessionId: session.id,
    organizationIds: organizations.map((organization) => organization.id),
  }

  return ok({ actor, account, session })
}

/** Ends one session (sign-out). Ending a session that is already gone does nothing. */
export async function endSession(deps: AppDeps, session: { id: string; accountId: string }): Promise<void> {
  await deleteSession(deps.db.kysely, session.id)
  deps.log.info({ accountId: session.accountId, sessionId: session.id }, 'session ended')
}

/** Ends every session of the account, on every browser; returns how many ended. */
export async function endAccountSessions(deps: AppDeps, accountId: string, db: Executor = deps.db.kysely): Promise<number> {
  const ended = await deleteAccountSessions(db, accountId)
  deps.log.info({ accountId, ended }, 'account sessions ended')

  return ended
}
