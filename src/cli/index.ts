import { parseArgs } from 'node:util'
import { createAppDeps } from '../app.ts'
import { ConfigError, loadConfig, type Config } from '../config/config.ts'
import type { AppDeps } from '../deps.ts'
import { createLogger } from '../logging/logger.ts'
import { VERSION } from '../version.ts'
import { CliError } from './cli-error.ts'
import type { Command, CommandContext } from './command.ts'
import { accountsListCommand } from './commands/accounts.ts'
import { channelsConnectBlueskyCommand, channelsConnectMastodonCommand, channelsDisconnectCommand, channelsReconnectCommand } from './commands/channel-connections.ts'
import { channelsAddCommand, channelsConnectWebhookCommand, channelsListCommand, channelsScheduleCommand } from './commands/channels.ts'
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './commands/keys.ts'
import { migrateCommand } from './commands/migrate.ts'
import { serveCommand } from './commands/serve.ts'
import { setupCommand } from './commands/setup.ts'
import { processOutput, type CliOutput } from './output.ts'

export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrateCommand,
  setupCommand,
  accountsListCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  channelsAddCommand,
  channelsListCommand,
  channelsScheduleCommand,
  channelsConnectWebhookCommand,
  channelsConnectMastodonCommand,
  channelsConnectBlueskyCommand,
  channelsReconnectCommand,
  channelsDisconnectCommand,
]

function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.path.join(' ').length))
  const lines = COMMANDS.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`)

  return [`Pigeon ${VERSION}: a self-hosted scheduler with a Buffer-compatible API.`, '', 'Usage: pigeon COMMAND [options]', '', 'Commands:', ...lines, '', 'Run "pigeon COMMAND --help" for its options. Settings come from environment variables; see docs/configuration.md.'].join('\n')
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of [...COMMANDS].sort((left, right) => right.path.length - left.path.length)) {
    if (command.path.every((word, index) => argv[index] === word)) return { command, rest: argv.slice(command.path.length) }
  }

  return undefined
}

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], env: Record<string, string | undefined>, output: CliOutput = processOutput): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    output.out(helpText())
    return argv.length === 0 ? 2 : 0
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    output.out(VERSION)
    return 0
  }
  const found = findCommand(argv)
  const group = COMMANDS.filter((command) => command.path.length > 1 && command.path[0] === argv[0])
  if (found === undefined && group.length > 0) {
    const lines = group.map((command) => `  ${command.usage}\n      ${command.summary}`)
    output.out([`Commands under "pigeon ${argv[0]}":`, ...lines].join('\n'))
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2
  }
  if (found === undefined) {
    output.err(`pigeon: unknown command "${argv.join(' ')}". Run "pigeon --help" for the list.`)
    return 2
  }
  const { command, rest } = found
  if (rest.includes('--help') || rest.includes('-h')) {
    output.out(`${command.summary}.\n\nUsage: ${command.usage}`)
    return 0
  }

  let config: Config
  try {
    config = loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) {
      output.err(`pigeon: ${error.message}`)
      return 1
    }
    throw error
  }
  const role = command.path[0] === 'serve' ? 'web' : 'cli'
  const log = createLogger({ level: command.path[0] === 'serve' ? config.logLevel : 'warn', role, version: VERSION, ...(role === 'cli' && { destination: process.stderr as never }) })

  let deps: AppDeps | null = null
  const context: CommandContext = {
    config,
    log,
    output,
    deps: async () => (deps ??= await createAppDeps(config, log)),
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true })
    const expected = command.positionals ?? []
    if (positionals.length !== expected.length) {
      throw new CliError(`Expected ${expected.length === 0 ? 'no arguments' : expected.join(' ')} but got ${positionals.length === 0 ? 'none' : positionals.join(' ')}.\nUsage: ${command.usage}`, 2)
    }
    return (await command.run(context, values, positionals)) ?? 0
  } catch (error) {
    if (error instanceof CliError) {
      output.err(`pigeon: ${error.message}`)
      return error.exitCode
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      output.err(`pigeon: ${error.message}\nUsage: ${command.usage}`)
      return 2
    }
    log.error({ err: error }, 'command failed')
    output.err(`pigeon: ${command.path.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  } finally {
    await (deps as AppDeps | null)?.db.close()
  }
}
