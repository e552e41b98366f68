import { runCli } from './cli/index.ts'

// The one place that reads the real process environment and arguments.
const exitCode = await runCli(process.argv.slice(2), process.env)
process.exitCode = exitCode
