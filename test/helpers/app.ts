import type { TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildServer } from '../../src/api/http/server.ts'
import { createAppDeps } from '../../src/app.ts'
import { loadConfig } from '../../src/config/config.ts'
import type { AppDeps } from '../../src/deps.ts'
import { createLogger } from '../../src/logging/logger.ts'
import { startWorker, type RunningWorker } from '../../src/scheduler/worker.ts'
import { createTestDatabase, type Dialect, type TestDatabase } from './db.ts'
import { LogCapture } from './log-capture.ts'

export interface TestApp {
  deps: AppDeps
  database: TestDatabase
  url: string
  logs: LogCapture
  server: FastifyInstance
  worker: RunningWorker | null
  /** POSTs a GraphQL document to /graphql over real HTTP. */
  graphql(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<{ status: number; body: GraphQLBody; headers: Headers }>
}

export interface GraphQLBody {
  data?: Record<string, any> | null
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown[] }>
}

export interface TestAppOptions {
  env?: Record<string, string>
  worker?: boolean
  now?: () => Date
}

/**
 * Starts the real app on a fresh database of the dialect, listening on 127.0.0.1 with a random
 * port, and stops it and drops the database when the test ends.
 */
export async function startTestApp(t: TestContext, dialect: Dialect, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect)
  const config = loadConfig({ PIGEON_PORT: '0', PIGEON_WORKER_POLL_MS: '100', PIGEON_RETRY_BASE_MS: '200', ...database.env, ...options.env })
  const logs = new LogCapture()
  const log = createLogger({ level: 'debug', role: 'test', version: 'test', destination: logs as never })
  const deps = await createAppDeps(config, log, options.now === undefined ? {} : { now: options.now })
  const server = await buildServer(deps)
  const url = await server.listen({ host: '127.0.0.1', port: 0 })
  const worker = options.worker === true ? startWorker(deps) : null

  t.after(async () => {
    await server.close()
    await worker?.stop(2000)
    await deps.db.close()
    await database.drop()
  })

  return {
    deps,
    database,
    url,
    logs,
    server,
    worker,
    async graphql(query, variables, key) {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (key) headers.authorization = `Bearer ${key}`
      const response = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) })
      return { status: response.status, body: (await response.json()) as GraphQLBody, headers: response.headers }
    },
  }
}
