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
import { isValidTimeZone } from '../posts/queue-slots.ts'
import type { PlanName } from './plans.ts'

export type SetupError =
  | { code: 'INVALID_INPUT'; field: string; message: string }
  | { code: 'EMAIL_TAKEN'; message: string }

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

/**
 * Creates an account with its own organization, in which it is the owner, plus the organization's
 * first idea group. Everything is written in one transaction.
 */
export async function createAccountWithOrganization(
  deps: AppDeps,
  input: SetupInput,
): Promise<Result<{ account: AccountRecord; organization: OrganizationRecord }, SetupError>> {
  const email = normalizeEmail(input.email)
  if (!EMAIL_PATTERN.test(email) || email.length > 320) {
    return err({ code: 'INVALID_INPUT', field: 'email', message: `"${input.email}" is not a valid email address.` })
  }
  if (!isValidTimeZone(input.timezone)) {
    return err({ code: 'INVALID_INPUT', field: 'timezone', message: `"${input.timezone}" is not an IANA timezone; use a name such as Europe/London or America/New_York.` })
  }
  const organizationName = input.organizationName.trim()
  if (organizationName === '' || organizationName.length > 200) {
    return err({ code: 'INVALID_INPUT', field: 'organizationName', message: 'Organization name must be 1 to 200 characters.' })
  }
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
