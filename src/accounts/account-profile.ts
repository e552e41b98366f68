import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { findAccountById, updateAccountProfile, type AccountRecord } from '../storage/accounts-repo.ts'
import { timeZoneProblem } from '../posts/queue-slots.ts'
import { accountNameProblem } from './setup-account.ts'

/** A rejected profile field of a profile change. */
export interface ProfileProblem {
  field: 'name' | 'timezone'
  message: string
}

/** Rejected profile fields, all of them, or an account that no longer exists. */
export type ProfileError = { code: 'INVALID_INPUT'; problems: ProfileProblem[]; message: string } | { code: 'ACCOUNT_NOT_FOUND'; message: string }

function checkProfileFields(input: { name: string; timezone: string }): ProfileProblem[] {
  const problems: ProfileProblem[] = []
  const name = accountNameProblem(input.name)
  if (name !== null) problems.push({ field: 'name', message: name })
  const timezone = timeZoneProblem(input.timezone.trim())
  if (timezone !== null) problems.push({ field: 'timezone', message: timezone })

  return problems
}

/**
 * Changes an account's display name (empty clears it) and the timezone the web app shows times
 * in. Every invalid field is reported at once. Channels keep their own timezones, so no post moves. The API's `account` query shows the
 * change at once on this process, and within the cache TTL on others.
 */
export async function changeAccountProfile(deps: AppDeps, accountId: string, input: { name: string; timezone: string }): Promise<Result<AccountRecord, ProfileError>> {
  const problems = checkProfileFields(input)
  if (problems.length > 0) return err({ code: 'INVALID_INPUT', problems, message: problems.map((problem) => problem.message).join(' ') })
  const account = await findAccountById(deps.db.kysely, accountId)
  if (account === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', message: `Account ${accountId} was not found.` })

  const profile = { name: input.name.trim() === '' ? null : input.name.trim(), timezone: input.timezone.trim() }
  await updateAccountProfile(deps.db.kysely, accountId, profile, deps.now().getTime())
  deps.accountCache.forget(accountId)
  deps.log.info({ accountId, timezone: profile.timezone }, 'account profile changed')

  return ok({ ...account, ...profile })
}
