import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { normalizeEmail, type FieldProblem } from '../accounts/setup-account.ts'
import { findPasswordHash } from '../storage/account-passwords-repo.ts'
import { findAccountByEmail } from '../storage/accounts-repo.ts'
import { deleteSignInAttemptsBefore, insertSignInAttempt, settleSignInAttempt } from '../storage/sign-in-attempts-repo.ts'
import { verifyAgainstDummy, verifyPassword } from './passwords.ts'
import { startSession, type StartedSession } from './sessions.ts'
import { signInRetryAfterMs } from './sign-in-throttle.ts'

/** Attempts are kept this long, far past the throttle window, then deleted. */
const ATTEMPT_RETENTION_MS = 24 * 60 * 60_000
/** Client addresses are stored cut to this length (an IPv6 address with a zone fits). */
const MAX_ADDRESS_LENGTH = 64

export type PasswordCheckError =
  | { code: 'INVALID_CREDENTIALS'; message: string }
  | { code: 'SIGN_IN_THROTTLED'; message: string; retryAfterMs: number }

export const INVALID_CREDENTIALS_MESSAGE = 'The email address or password is incorrect.'

/**
 * Checks an email and password, recording the attempt for throttling. The attempt is recorded as
 * pending before the count is read, so concurrent guesses see each other. When too many recent
 * attempts failed, it returns SIGN_IN_THROTTLED without checking the password. An unknown email
 * and an account without a password fail exactly like a wrong password, in about the same time.
 */
export async function checkPasswordAttempt(
  deps: AppDeps,
  input: { email: string; password: string; address: string },
): Promise<Result<{ accountId: string }, PasswordCheckError>> {
  const now = deps.now()
  const email = normalizeEmail(input.email).slice(0, 320)
  const address = input.address.slice(0, MAX_ADDRESS_LENGTH)
  const attemptId = newObjectId(now)
  await insertSignInAttempt(deps.db.kysely, { id: attemptId, email, address, outcome: 'pending', attemptedAt: now.getTime() })

  const waitMs = await signInRetryAfterMs(deps.db.kysely, { email, address, attemptId, now: now.getTime() })
  if (waitMs > 0) {
    await settleSignInAttempt(deps.db.kysely, attemptId, 'throttled')
    deps.log.info({ retryAfterMs: waitMs }, 'sign-in throttled')
    const seconds = Math.ceil(waitMs / 1000)
    return err({ code: 'SIGN_IN_THROTTLED', retryAfterMs: waitMs, message: `Too many failed sign-ins. Wait ${seconds} seconds, then try again.` })
  }

  const account = await findAccountByEmail(deps.db.kysely, email)
  const passwordHash = account === undefined ? null : ((await findPasswordHash(deps.db.kysely, account.id)) ?? null)
  const valid = passwordHash === null ? (await verifyAgainstDummy(input.password), false) : await verifyPassword(passwordHash, input.password)
  await settleSignInAttempt(deps.db.kysely, attemptId, valid ? 'succeeded' : 'failed')
  await deleteSignInAttemptsBefore(deps.db.kysely, now.getTime() - ATTEMPT_RETENTION_MS)
  if (!valid || account === undefined) {
    deps.log.info({ accountId: account?.id ?? null }, 'password check failed')
    return err({ code: 'INVALID_CREDENTIALS', message: INVALID_CREDENTIALS_MESSAGE })
  }

  return ok({ accountId: account.id })
}

/** Failures of {@link signIn}: a wrong or throttled attempt, or an empty field, which is not an attempt. */
export type SignInError = PasswordCheckError | { code: 'INVALID_INPUT'; problems: FieldProblem[]; message: string }

/** Returns the sign-in form's empty fields, email first. An empty list means both are filled in. */
export function checkSignInFields(input: { email: string; password: string }): FieldProblem[] {
  const problems: FieldProblem[] = []
  if (input.email.trim() === '') problems.push({ field: 'email', message: 'Email address is missing.' })
  if (input.password === '') problems.push({ field: 'password', message: 'Password is missing.' })

  return problems
}

/**
 * Signs in with email and password and starts a session; see {@link checkPasswordAttempt} for
 * throttling. An empty email or password is rejected with INVALID_INPUT before any attempt is
 * recorded, so it neither counts toward the throttle nor costs a password hash.
 */
export async function signIn(
  deps: AppDeps,
  input: { email: string; password: string; address: string },
): Promise<Result<StartedSession, SignInError>> {
  const problems = checkSignInFields(input)
  if (problems.length > 0) return err({ code: 'INVALID_INPUT', problems, message: problems.map((problem) => problem.message).join(' ') })
  const checked = await checkPasswordAttempt(deps, input)
  if (!checked.ok) return checked

  return ok(await startSession(deps, checked.value.accountId))
}
