import { checkNewPassword, hashPassword } from '../auth/passwords.ts'
import { startSession, type StartedSession } from '../auth/sessions.ts'
import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { hasAnyAccount, setPasswordHash } from '../storage/account-passwords-repo.ts'
import { checkSetupFields, createAccountWithOrganization, type FieldProblem } from './setup-account.ts'

export type FirstRunSetupError =
  | { code: 'INVALID_INPUT'; problems: FieldProblem[]; message: string }
  | { code: 'EMAIL_TAKEN'; message: string }
  | { code: 'SETUP_CLOSED'; message: string }

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

/** Checks every field of a first-run setup and returns all problems found. An empty list means the input is valid. */
export function checkFirstRunSetup(input: FirstRunSetupInput): FieldProblem[] {
  const problems = checkSetupFields(input)
  const password = checkNewPassword(input.password, input.email)
  if (!password.ok) problems.push({ field: password.error.field, message: password.error.message })

  return problems
}

/**
 * Creates the owner account with a password, its organization on the configured default plan,
 * and a session for the browser that ran setup. Refused with SETUP_CLOSED once any account
 * exists. Invalid input is rejected with every problem found, before anything is written.
 */
export async function runFirstRunSetup(deps: AppDeps, input: FirstRunSetupInput): Promise<Result<StartedSession, FirstRunSetupError>> {
  if (!(await isSetupOpen(deps))) {
    return err({ code: 'SETUP_CLOSED', message: 'Pigeon is already set up. Sign in with the owner account instead.' })
  }
  const problems = checkFirstRunSetup(input)
  if (problems.length > 0) {
    return err({ code: 'INVALID_INPUT', problems, message: problems.map((problem) => problem.message).join(' ') })
  }
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
  if (!created.ok) {
    const error = created.error
    if (error.code === 'EMAIL_TAKEN') return err(error)
    return err({ code: 'INVALID_INPUT', problems: [{ field: error.field, message: error.message }], message: error.message })
  }
  await setPasswordHash(deps.db.kysely, created.value.account.id, passwordHash, deps.now().getTime())
  deps.log.info({ accountId: created.value.account.id }, 'first-run setup finished')

  return ok(await startSession(deps, created.value.account.id))
}
