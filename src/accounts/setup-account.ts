import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { newObjectId } from '../ids.ts'
import { insertIdeaGroup } from '../storage/ideas-repo.ts'
import {
  findAccountByEmail,
  insertAccount,
  insertMembership,
  insertOrganization,
  type AccountRecord,
  type OrganizationRecord,
} from '../storage/accounts-repo.ts'
import { timeZoneProblem } from '../posts/queue-slots.ts'
import type { PlanName } from './plans.ts'

export type SetupError =
  | { code: 'INVALID_INPUT'; field: string; message: string }
  | { code: 'EMAIL_TAKEN'; message: string }

/** A rejected value of a form or command, named by its input field. */
export interface FieldProblem {
  field: string
  message: string
}

export interface SetupInput {
  email: string
  name: string | null
  timezone: string
  organizationName: string
  plan: PlanName
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Normalizes an email address the way Buffer's Email scalar does: trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Maximum length of an account's display name, after trimming, in UTF-16 code units. */
export const MAX_ACCOUNT_NAME_LENGTH = 200

/**
 * Checks the name, email address, timezone and organization name of a new account and returns
 * every problem found, in form order. An empty list means the values are valid.
 */
export function checkSetupFields(input: Pick<SetupInput, 'name' | 'email' | 'timezone' | 'organizationName'>): FieldProblem[] {
  const problems: FieldProblem[] = []
  const name = accountNameProblem(input.name ?? '')
  if (name !== null) problems.push({ field: 'name', message: name })
  const email = normalizeEmail(input.email)
  if (email === '') problems.push({ field: 'email', message: 'Email address is missing.' })
  else if (!EMAIL_PATTERN.test(email) || email.length > 320) problems.push({ field: 'email', message: `"${input.email}" is not a valid email address.` })
  const organizationName = input.organizationName.trim()
  if (organizationName === '') problems.push({ field: 'organizationName', message: 'Organization name is missing.' })
  else if (organizationName.length > 200) problems.push({ field: 'organizationName', message: `Organization name must be at most 200 characters; it has ${organizationName.length}.` })
  const timezone = timeZoneProblem(input.timezone)
  if (timezone !== null) problems.push({ field: 'timezone', message: timezone })

  return problems
}

/**
 * Returns why an account's display name is rejected, or null when it fits. Setup and the profile
 * page share this rule, so an account created by either can always be saved again.
 */
export function accountNameProblem(name: string): string | null {
  const trimmed = name.trim()
  if (trimmed.length > MAX_ACCOUNT_NAME_LENGTH) return `Name must be at most ${MAX_ACCOUNT_NAME_LENGTH} characters; it has ${trimmed.length}.`

  return null
}

/**
 * Creates an account with its own organization, in which it is the owner, plus the organization's
 * first idea group. Everything is written in one transaction. Invalid input is rejected with the
 * first problem {@link checkSetupFields} finds.
 */
export async function createAccountWithOrganization(
  deps: AppDeps,
  input: SetupInput,
): Promise<Result<{ account: AccountRecord; organization: OrganizationRecord }, SetupError>> {
  const [problem] = checkSetupFields(input)
  if (problem !== undefined) return err({ code: 'INVALID_INPUT', ...problem })
  const email = normalizeEmail(input.email)
  const organizationName = input.organizationName.trim()
  if ((await findAccountByEmail(deps.db.kysely, email)) !== undefined) {
    return err({ code: 'EMAIL_TAKEN', message: `An account with email ${email} already exists.` })
  }

  const now = deps.now().getTime()
  const account: AccountRecord = { id: newObjectId(), email, name: input.name?.trim() || null, timezone: input.timezone, avatar: null, createdAt: now, updatedAt: now }
  const organization: OrganizationRecord = { id: newObjectId(), name: organizationName, plan: input.plan, ownerAccountId: account.id, createdAt: now }
  await deps.db.kysely.transaction().execute(async (trx) => {
    await insertAccount(trx, account)
    await insertOrganization(trx, organization)
    await insertMembership(trx, { accountId: account.id, organizationId: organization.id, role: 'owner', createdAt: now })
    await insertIdeaGroup(trx, { id: newObjectId(), organizationId: organization.id, name: 'Unassigned', isLocked: false, position: 0 }, now)
  })
  deps.keyCache.deleteByAccountId(account.id)
  deps.accountCache.forget(account.id)
  deps.log.info({ accountId: account.id, organizationId: organization.id }, 'account created')

  return ok({ account, organization })
}
