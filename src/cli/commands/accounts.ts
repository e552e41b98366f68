import { listAccounts } from '../../storage/accounts-repo.ts'
import { JSON_OPTION, type Command } from '../command.ts'
import { formatTable } from '../output.ts'

export const accountsListCommand: Command = {
  path: ['accounts', 'list'],
  summary: 'List accounts',
  usage: 'pigeon accounts list [--json]',
  options: { ...JSON_OPTION },
  async run(context, values) {
    const deps = await context.deps()
    const accounts = await listAccounts(deps.db.kysely)
    if (values.json === true) {
      context.output.out(JSON.stringify(accounts.map((account) => ({ id: account.id, email: account.email, name: account.name, timezone: account.timezone }))))
      return
    }
    if (accounts.length === 0) {
      context.output.out('No accounts yet. Create the first one with: pigeon setup --email you@example.com')
      return
    }
    context.output.out(formatTable(['ID', 'EMAIL', 'NAME', 'TIMEZONE'], accounts.map((account) => [account.id, account.email, account.name ?? '-', account.timezone])))
  },
}
