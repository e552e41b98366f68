import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { setPasswordHash } from '../storage/account-passwords-repo.ts'
import { findAccountById } from '../storage/accounts-repo.ts'
import type { SessionActor } from './actor.ts'
import { checkNewPassword, hashPassword, type PasswordInputError } from './passwords.ts'
import { endAccountSessions, startSession, type StartedSession } from './sessions.ts'
import { checkPasswordAttempt, type PasswordCheckError } from './sign-in.ts'

export type ChangePasswordError = PasswordCheckError | PasswordInputError | { code: 'ACCOUNT_NOT_FOUND'; message: string }

/**
 * Changes the signed-in account's password after checking the current one (throttled like a
 * sign-in). Every session of the account ends, the caller's included, and a new session is
 * started for the caller, so no session cookie from before the change works afterwards.
 */
export async function changePassword(
  deps: AppDeps,
  actor: SessionActor,
  input: { currentPassword: string; newPassword: string; address: string },
): Promise<Result<StartedSession, ChangePasswordError>> {
  const account = await findAccountById(deps.db.kysely, actor.accountId)
  if (account === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', message: `Account ${actor.accountId} was not found.` })
  const checkedNew = checkNewPassword(input.newPassword, account.email, 'newPassword')
  if (!checkedNew.ok) return checkedNew
  const current = await checkPasswordAttempt(deps, { email: account.email, password: input.currentPassword, address: input.address })
  if (!current.ok) {
    return current.error.code === 'INVALID_CREDENTIALS' ? err({ code: 'INVALID_CREDENTIALS', message: 'The current password is incorrect.' }) : current
  }

  const passwordHash = await hashPassword(input.newPassword)
  const started = await deps.db.kysely.transaction().execute(async (trx) => {
    await setPasswordHash(trx, account.id, passwordHash, deps.now().getTime())
    await endAccountSessions(deps, account.id, trx)
    return startSession(deps, account.id, trx)
  })
  deps.log.info({ accountId: account.id }, 'password changed')

  return ok(started)
}
