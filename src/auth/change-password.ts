import type { FieldProblem } from '../accounts/setup-account.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { setPasswordHash } from '../storage/account-passwords-repo.ts'
import { findAccountById } from '../storage/accounts-repo.ts'
import type { SessionActor } from './actor.ts'
import { checkNewPassword, hashPassword } from './passwords.ts'
import { endAccountSessions, startSession, type StartedSession } from './sessions.ts'
import { checkPasswordAttempt, type PasswordCheckError } from './sign-in.ts'

/** Rejected fields of a password change, all of them, a throttled check, or a missing account. */
export type ChangePasswordError =
  | { code: 'INVALID_CREDENTIALS' | 'INVALID_INPUT'; problems: FieldProblem[]; message: string }
  | Extract<PasswordCheckError, { code: 'SIGN_IN_THROTTLED' }>
  | { code: 'ACCOUNT_NOT_FOUND'; message: string }

/**
 * Changes the signed-in account's password after checking the current one (throttled like a
 * sign-in). Every session of the account ends, the caller's included, and a new session is
 * started for the caller, so no session cookie from before the change works afterwards.
 * A wrong current password and a rejected new one are reported together, with the code
 * INVALID_CREDENTIALS when the current password is wrong. An empty current password is reported
 * as missing without a password check, so it does not count toward the throttle.
 */
export async function changePassword(
  deps: AppDeps,
  actor: SessionActor,
  input: { currentPassword: string; newPassword: string; address: string },
): Promise<Result<StartedSession, ChangePasswordError>> {
  const account = await findAccountById(deps.db.kysely, actor.accountId)
  if (account === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', message: `Account ${actor.accountId} was not found.` })
  const problems: FieldProblem[] = []
  let currentIsWrong = false
  if (input.currentPassword === '') {
    problems.push({ field: 'currentPassword', message: 'The current password is missing.' })
  } else {
    const current = await checkPasswordAttempt(deps, { email: account.email, password: input.currentPassword, address: input.address })
    if (!current.ok && current.error.code === 'SIGN_IN_THROTTLED') return err(current.error)
    currentIsWrong = !current.ok
    if (currentIsWrong) problems.push({ field: 'currentPassword', message: 'The current password is incorrect.' })
  }
  const checkedNew = checkNewPassword(input.newPassword, account.email, 'newPassword')
  if (!checkedNew.ok) problems.push({ field: checkedNew.error.field, message: checkedNew.error.message })
  if (problems.length > 0) {
    return err({ code: currentIsWrong ? 'INVALID_CREDENTIALS' : 'INVALID_INPUT', problems, message: problems.map((problem) => problem.message).join(' ') })
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
