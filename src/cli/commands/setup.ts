import { createAccountWithOrganization } from '../../accounts/setup-account.ts'
import { createApiKey } from '../../auth/api-keys.ts'
import { listAccounts } from '../../storage/accounts-repo.ts'
import { CliError } from '../cli-error.ts'
import { JSON_OPTION, type Command } from '../command.ts'

function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

export const setupCommand: Command = {
  path: ['setup'],
  summary: 'Create the first account, its organization and an API key (printed once)',
  usage: 'pigeon setup --email EMAIL [--name NAME] [--organization NAME] [--timezone ZONE] [--key-name NAME] [--json]',
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    organization: { type: 'string' },
    timezone: { type: 'string' },
    'key-name': { type: 'string' },
    ...JSON_OPTION,
  },
  async run(context, values) {
    if (typeof values.email !== 'string') throw new CliError('--email is required, for example: pigeon setup --email you@example.com', 2)
    const deps = await context.deps()
    const existing = await listAccounts(deps.db.kysely)
    if (existing.length > 0) {
      throw new CliError(`Pigeon is already set up (account ${existing[0]!.email}). Create another key with: pigeon keys create --name NAME`)
    }

    const created = await createAccountWithOrganization(deps, {
      email: values.email,
      name: typeof values.name === 'string' ? values.name : null,
      timezone: typeof values.timezone === 'string' ? values.timezone : systemTimeZone(),
      organizationName: typeof values.organization === 'string' ? values.organization : 'My Organization',
      plan: deps.config.defaultPlan,
    })
    if (!created.ok) throw new CliError(created.error.message)
    const { account, organization } = created.value

    const key = await createApiKey(deps, { accountId: account.id, name: typeof values['key-name'] === 'string' ? values['key-name'] : 'Default key', expiresAt: null })
    if (!key.ok) throw new CliError(key.error.message)

    if (values.json === true) {
      context.output.out(JSON.stringify({ accountId: account.id, email: account.email, organizationId: organization.id, apiKeyId: key.value.record.id, apiKey: key.value.plaintext }))
      return
    }
    context.output.out(`Account:      ${account.email} (${account.id})`)
    context.output.out(`Organization: ${organization.name} (${organization.id}), plan ${organization.plan}`)
    context.output.out('')
    context.output.out(`API key: ${key.value.plaintext}`)
    context.output.out('')
    context.output.out('Store this key now: Pigeon keeps only its hash and cannot show it again.')
    context.output.out('Send it as "Authorization: Bearer <key>" to the GraphQL endpoint.')
  },
}
