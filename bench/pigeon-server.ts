// Child process: Pigeon's real HTTP server (buildServer) on 127.0.0.1 with one tenant and its
// API key. bench/run.ts starts it and passes the database settings in the start message.
import { randomBytes } from 'node:crypto'
import { buildServer } from '../src/api/http/server.ts'
import { createAppDeps } from '../src/app.ts'
import { loadConfig } from '../src/config/config.ts'
import { createLogger } from '../src/logging/logger.ts'
import { VERSION } from '../src/version.ts'
import { buildTenant } from '../test/helpers/factories.ts'
import { PIGEON_BENCH_ENV } from './pigeon-settings.ts'
import { DiscardingLogStream, serveBenchmarkChild, type StartedServer } from './server-child.ts'

const logs = new DiscardingLogStream()

async function startPigeon(databaseEnv: Record<string, string>): Promise<StartedServer> {
  // A fresh credentials key per run: PostgreSQL requires one, and no channel credentials are stored.
  const config = loadConfig({ ...PIGEON_BENCH_ENV, ...databaseEnv, PIGEON_CREDENTIALS_KEY: randomBytes(32).toString('hex') })
  const log = createLogger({ level: config.logLevel, role: 'web', version: VERSION, destination: logs })
  const deps = await createAppDeps(config, log)
  const tenant = await buildTenant(deps)
  const server = await buildServer(deps)
  const url = await server.listen({ host: '127.0.0.1', port: 0 })

  return {
    ready: { url, tenant: { apiKey: tenant.apiKey, accountId: tenant.accountId, organizationId: tenant.organizationId } },
    async close() {
      await server.close()
      await deps.db.close()
    },
  }
}

serveBenchmarkChild(startPigeon, logs)
