import { checkNewPassword, hashPassword } from '../auth/passwords.ts'
import { startSession, type StartedSession } from '../auth/sessions.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { hasAnyAccount, setPasswordHash } from '../storage/account-passwords-repo.ts'
import { createAccountWithOrganization, type SetupError } from './setup-account.ts'

export type FirstRunSetupError = SetupError | { code: 'SETUP_CLOSED'; message: string }

export interface FirstRunSetupInput {
  email: string
  name: string | null
  password: string
  timezone: string
  organizationName: string
}

/** True while no account exists, which is when the first-run setup page is open. */
export async function isSetupOpen(deps: AppDeps): Promise<boolean> {
  return !(await hasAnyAccount(deps.db.kysely))
}

/**
 * Creates the owner account with a password, its organization on the configured default plan,
 * and a session for the browser that ran setup. Refused with SETUP_CLOSED once any account
 * exists. The password is checked and hashed before anything is written.
 */
export async function runFirstRunSetup(deps: AppDeps, input: FirstRunSetupInput): Promise<Result<StartedSession, FirstRunSetupError>> {
  if (!(await isSetupOpen(deps))) {
    return err({ code: 'SETUP_CLOSED', message: 'Pigeon is already set up. Sign in with the owner account instead.' })
  }
  const password = checkNewPassword(input.password, input.email)
  if (!password.ok) return password
  const passwordHash = await hashPassword(input.password)

  // NOTE: two setups submitted at the same instant could both pass the check above. The server
  // listens on 127.0.0.1 by default, so only someone on the machine can reach setup first.
  const created = await createAccountWithOrganization(deps, {
    email: input.email,
    name: input.name,
    timezone: input.timezone,
    organizationName: input.organizationName,
    plan: deps.config.defaultPlan,
  })
  if (!created.ok) return created
  await setPasswordHash(deps.db.kysely, created.value.account.id, passwordHash, deps.now().getTime())
  deps.log.info({ accountId: created.value.account.id }, 'first-run setup finished')

  return ok(await startSession(deps, created.value.account.id))
}
