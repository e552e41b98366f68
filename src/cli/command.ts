import type { ParseArgsConfig } from 'node:util'
import type { Config } from '../config/config.ts'
import type { AppDeps } from '../deps.ts'
import type { Logger } from '../logging/logger.ts'
import type { CliOutput } from './output.ts'

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>

export interface CommandContext {
  config: Config
  log: Logger
  output: CliOutput
  /** Opens the database (applying migrations) on first use. */
  deps(): Promise<AppDeps>
}

export interface Command {
  /** Words that select the command, such as ['keys', 'create']. */
  path: readonly string[]
  summary: string
  usage: string
  options: NonNullable<ParseArgsConfig['options']>
  /** Number of positional arguments the command takes. */
  positionals?: readonly string[]
  run(context: CommandContext, values: OptionValues, positionals: readonly string[]): Promise<number | void>
}

export const JSON_OPTION = { json: { type: 'boolean' as const } }
