import type { AppDeps } from '../deps.ts'
import { err, ok, type Result } from '../errors/result.ts'
import { isValidTimeZone } from '../posts/queue-slots.ts'
import { findAccountById, updateAccountProfile, type AccountRecord } from '../storage/accounts-repo.ts'

const MAX_NAME_LENGTH = 200

/** A rejected profile field, or an account that no longer exists. */
export type ProfileError =
  | { code: 'INVALID_INPUT'; field: 'name' | 'timezone'; message: string }
  | { code: 'ACCOUNT_NOT_FOUND'; message: string }

/** Returns every problem of a name and timezone, so a form can mark all of them at once. */
export function checkProfileFields(input: { name: string; timezone: string }): Array<{ field: 'name' | 'timezone'; message: string }> {
  const problems: Array<{ field: 'name' | 'timezone'; message: string }> = []
  const name = input.name.trim()
  if (name.length > MAX_NAME_LENGTH) problems.push({ field: 'name', message: `Name must be at most ${MAX_NAME_LENGTH} characters; it has ${name.length}.` })
  const timezone = input.timezone.trim()
  if (timezone === '') problems.push({ field: 'timezone', message: 'Timezone is missing; use a name such as Europe/London or America/New_York.' })
  else if (!isValidTimeZone(timezone)) problems.push({ field: 'timezone', message: `"${timezone}" is not an IANA timezone; use a name such as Europe/London or America/New_York.` })

  return problems
}

/**
 * Changes an account's display name (empty clears it) and the timezone the web app shows times
 * in. Channels keep their own timezones, so no post moves. The API's `account` query shows the
 * change at once on this process, and within the cache TTL on others.
 */
export async function changeAccountProfile(deps: AppDeps, accountId: string, input: { name: string; timezone: string }): Promise<Result<AccountRecord, ProfileError>> {
  const [problem] = checkProfileFields(input)
  if (problem !== undefined) return err({ code: 'INVALID_INPUT', ...problem })
  const account = await findAccountById(deps.db.kysely, accountId)
  if (account === undefined) return err({ code: 'ACCOUNT_NOT_FOUND', message: `Account ${accountId} was not found.` })

  const profile = { name: input.name.trim() === '' ? null : input.name.trim(), timezone: input.timezone.trim() }
  await updateAccountProfile(deps.db.kysely, accountId, profile, deps.now().getTime())
  deps.accountCache.forget(accountId)
  deps.log.info({ accountId, timezone: profile.timezone }, 'account profile changed')

  return ok({ ...account, ...profile })
}
