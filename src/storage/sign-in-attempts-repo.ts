import type { Executor } from './executor.ts'

/** Outcome of a sign-in attempt. `pending` rows count as failures until they are settled. */
export type SignInOutcome = 'pending' | 'failed' | 'succeeded' | 'throttled'

export async function insertSignInAttempt(
  db: Executor,
  attempt: { id: string; email: string; address: string; outcome: SignInOutcome; attemptedAt: number },
): Promise<void> {
  await db
    .insertInto('sign_in_attempts')
    .values({ id: attempt.id, email: attempt.email, address: attempt.address, outcome: attempt.outcome, attempted_at: attempt.attemptedAt })
    .execute()
}

export async function settleSignInAttempt(db: Executor, id: string, outcome: Exclude<SignInOutcome, 'pending'>): Promise<void> {
  await db.updateTable('sign_in_attempts').set({ outcome }).where('id', '=', id).execute()
}

/** Failed (or still pending) attempts matching the key, the number and the latest time. */
export interface FailureSummary {
  count: number
  lastAt: number | null
}

/**
 * Summarizes failures for one email or one client address since `since`, leaving out the attempt
 * `excludeId`. For an email, failures before its latest success are left out as well.
 */
export async function summarizeSignInFailures(
  db: Executor,
  args: { by: 'email' | 'address'; value: string; since: number; excludeId: string },
): Promise<FailureSummary> {
  let since = args.since
  if (args.by === 'email') {
    const success = await db
      .selectFrom('sign_in_attempts')
      .select((eb) => eb.fn.max('attempted_at').as('last'))
      .where('email', '=', args.value)
      .where('outcome', '=', 'succeeded')
      .where('attempted_at', '>=', args.since)
      .executeTakeFirst()
    if (success?.last !== null && success?.last !== undefined) since = Math.max(since, Number(success.last) + 1)
  }

  const row = await db
    .selectFrom('sign_in_attempts')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('attempted_at').as('last')])
    .where(args.by, '=', args.value)
    .where('outcome', 'in', ['failed', 'pending'])
    .where('attempted_at', '>=', since)
    .where('id', '!=', args.excludeId)
    .executeTakeFirstOrThrow()

  return { count: Number(row.count), lastAt: row.last === null ? null : Number(row.last) }
}

/** Deletes attempts older than `before`; returns how many went. */
export async function deleteSignInAttemptsBefore(db: Executor, before: number): Promise<number> {
  const result = await db.deleteFrom('sign_in_attempts').where('attempted_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
