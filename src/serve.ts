import type { FastifyInstance } from 'fastify'
import { buildServer } from './api/http/server.ts'
import { createAppDeps } from './app.ts'
import { redactedConfig, type Config } from './config/config.ts'
import type { AppDeps } from './deps.ts'
import type { Logger } from './logging/logger.ts'
import { startWorker, type RunningWorker } from './scheduler/worker.ts'
import { createCredentialsCipher } from './storage/credentials-cipher.ts'

export interface RunningPigeon {
  readonly deps: AppDeps
  /** Base URL of the HTTP server, when the web role runs. */
  readonly url: string | null
  stop(): Promise<void>
}

/** Starts the roles the config names (web, worker or both) in this process. */
export async function startPigeon(config: Config, log: Logger): Promise<RunningPigeon> {
  log.info({ config: redactedConfig(config) }, 'pigeon starting')
  // Creates the credentials key file of the embedded setup on first start, so it exists (and can
  // be backed up) before the first channel is connected. Fails early on a damaged key file.
  createCredentialsCipher(config.credentialsKey)
  const deps = await createAppDeps(config, log)

  let server: FastifyInstance | null = null
  let worker: RunningWorker | null = null
  let url: string | null = null
  try {
    if (config.roles.includes('web')) {
      server = await buildServer(deps)
      url = await server.listen({ host: config.host, port: config.port })
      log.info({ url, dialect: deps.db.dialect }, 'server listening')
    }
    if (config.roles.includes('worker')) worker = startWorker(deps)
  } catch (error) {
    await server?.close()
    await deps.db.close()
    throw error
  }

  return {
    deps,
    url,
    async stop() {
      await server?.close()
      await worker?.stop(config.shutdownGraceMs)
      await deps.db.close()
      log.info('shutdown complete')
    },
  }
}
