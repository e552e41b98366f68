import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { normalizeEmail } from '../accounts/setup-account.ts'
import { findPasswordHash, setPasswordHash } from '../storage/account-passwords-repo.ts'
import { findAccountById } from '../storage/accounts-repo.ts'
import { verifyApiKey } from './api-keys.ts'
import { checkNewPassword, hashPassword, type PasswordInputError } from './passwords.ts'
import { startSession, type StartedSession } from './sessions.ts'

export type SetPasswordWithApiKeyError =
  | PasswordInputError
  | { code: 'INVALID_CREDENTIALS'; message: string }
  | { code: 'PASSWORD_ALREADY_SET'; message: string }

/**
 * Gives a password to an account that has none yet, such as one made with `pigeon setup`. Holding
 * a working API key of the account proves the caller owns it. Starts a session on success.
 * An account that already has a password is refused; its owner changes it after signing in.
 */
export async function setPasswordWithApiKey(
  deps: AppDeps,
  input: { email: string; apiKey: string; password: string },
): Promise<Result<StartedSession, SetPasswordWithApiKeyError>> {
  const invalid = err({ code: 'INVALID_CREDENTIALS' as const, message: 'The email address does not belong to the account of this API key, or the key is not valid.' })
  const verified = await verifyApiKey(deps, input.apiKey.trim())
  if (!verified.ok) return invalid
  const account = await findAccountById(deps.db.kysely, verified.value.accountId)
  if (account === undefined || account.email !== normalizeEmail(input.email)) return invalid
  if ((await findPasswordHash(deps.db.kysely, account.id)) !== null) {
    return err({ code: 'PASSWORD_ALREADY_SET', message: 'This account already has a password. Sign in with it instead.' })
  }
  const password = checkNewPassword(input.password, account.email)
  if (!password.ok) return password

  await setPasswordHash(deps.db.kysely, account.id, await hashPassword(input.password), deps.now().getTime())
  deps.log.info({ accountId: account.id, apiKeyId: verified.value.apiKeyId }, 'password set with api key')

  return ok(await startSession(deps, account.id))
}
