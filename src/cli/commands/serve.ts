import { ROLES, type Role } from '../../config/config.ts'
import { startPigeon } from '../../serve.ts'
import { CliError } from '../cli-error.ts'
import type { Command } from '../command.ts'

export const serveCommand: Command = {
  path: ['serve'],
  summary: 'Run Pigeon: the HTTP API (web) and the publishing worker (worker)',
  usage: 'pigeon serve [--roles web,worker]',
  options: { roles: { type: 'string' } },
  async run(context, values) {
    let config = context.config
    if (typeof values.roles === 'string') {
      const roles = values.roles.split(',').map((role) => role.trim()).filter((role) => role !== '')
      const unknown = roles.find((role) => !(ROLES as readonly string[]).includes(role))
      if (unknown !== undefined || roles.length === 0) throw new CliError(`--roles takes a comma-separated list of ${ROLES.join(', ')}; got "${values.roles}".`, 2)
      config = Object.freeze({ ...config, roles: roles as Role[] })
    }

    const running = await startPigeon(config, context.log)
    if (running.url !== null) context.output.err(`Pigeon is listening on ${running.url} (GraphQL at ${running.url}/graphql). Press Ctrl+C to stop.`)

    await new Promise<void>((resolve) => {
      let stopping = false
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) {
          context.log.warn({ signal }, 'second signal; exiting now')
          process.exit(130)
        }
        stopping = true
        context.log.info({ signal }, 'stop signal received')
        running.stop().then(resolve, (error: unknown) => {
          context.log.error({ err: error }, 'shutdown failed')
          resolve()
        })
      }
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
    })
  },
}
