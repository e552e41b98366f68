import type { AppDeps } from '../deps.ts'
import { normalizeEmail } from '../accounts/setup-account.ts'
import { findAccountByEmail, listAccounts, type AccountRecord } from '../storage/accounts-repo.ts'
import { CliError } from './cli-error.ts'

/**
 * Finds the account a command acts for: the one with `--email`, or the only account when there
 * is just one. Errors say how to fix the call.
 */
export async function resolveAccount(deps: AppDeps, email: string | undefined): Promise<AccountRecord> {
  if (email !== undefined) {
    const account = await findAccountByEmail(deps.db.kysely, normalizeEmail(email))
    if (account === undefined) throw new CliError(`No account with email ${email}. List accounts with: pigeon accounts list`)
    return account
  }

  const accounts = await listAccounts(deps.db.kysely)
  if (accounts.length === 0) throw new CliError('No account exists yet. Create the first one with: pigeon setup --email you@example.com')
  if (accounts.length > 1) throw new CliError(`There are ${accounts.length} accounts; choose one with --email.`)

  return accounts[0]!
}
