import { spawn, type ChildProcess } from 'node:child_process'
import readline from 'node:readline'
import type { TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createAppDeps } from '../../src/app.ts'
import { loadConfig } from '../../src/config/config.ts'
import type { AppDeps } from '../../src/deps.ts'
import { createLogger } from '../../src/logging/logger.ts'
import { createTestDatabase, type Dialect, type TestDatabase } from './db.ts'

const PIGEON_BIN = fileURLToPath(new URL('../../bin/pigeon.js', import.meta.url))
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const STARTUP_TIMEOUT_MS = 30_000

/** A `pigeon serve --roles worker` child process. */
export interface WorkerProcess {
  child: ChildProcess
  workerId: string
  /** Parsed JSON log lines of the child, in order. */
  logs: Array<Record<string, unknown>>
  exited: Promise<void>
}

/** Registers cleanup steps that run in reverse order, so children stop before their database is dropped. */
export type Cleanup = (step: () => Promise<void>) => void

export function createCleanup(t: TestContext): Cleanup {
  const steps: Array<() => Promise<void>> = []
  t.after(async () => {
    for (const step of steps.reverse()) await step().catch(() => undefined)
  })

  return (step) => {
    steps.push(step)
  }
}

/** Creates a fresh migrated database, and in-process deps on it for factories and for reading state. */
export async function setUpSharedDatabase(dialect: Dialect, cleanup: Cleanup, env: Record<string, string> = {}): Promise<{ database: TestDatabase; deps: AppDeps }> {
  const database = await createTestDatabase(dialect)
  cleanup(() => database.drop())
  const config = loadConfig({ ...database.env, ...env })
  const deps = await createAppDeps(config, createLogger({ level: 'silent', role: 'test', version: 'test' }))
  cleanup(() => deps.db.close())

  return { database, deps }
}

/**
 * Spawns `pigeon serve --roles worker` with only `env` (plus PATH and HOME) and waits until its
 * log reports that the worker started. Rejects when the child exits first or takes longer than 30 s.
 */
export async function startWorkerProcess(cleanup: Cleanup, env: Record<string, string>): Promise<WorkerProcess> {
  const inherited = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])))
  const child = spawn(process.execPath, [PIGEON_BIN, 'serve', '--roles', 'worker'], { cwd: REPO_ROOT, env: { ...inherited, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  cleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })

  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
  const logs: Array<Record<string, unknown>> = []
  const workerId = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pigeon serve did not start within ${STARTUP_TIMEOUT_MS} ms; stderr: ${stderr.slice(-2000)}`)), STARTUP_TIMEOUT_MS)
    const onExit = () => {
      clearTimeout(timer)
      reject(new Error(`pigeon serve exited while starting (code ${child.exitCode}); stderr: ${stderr.slice(-2000)}`))
    }
    child.once('exit', onExit)
    // The reader stays attached for the child's whole life, so its output never fills the pipe.
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = parseJson(line)
      if (entry === null) return
      logs.push(entry)
      if (entry.msg === 'worker started') {
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(String(entry.workerId))
      }
    })
  })

  return { child, workerId, logs, exited }
}

/** Kills a child with SIGKILL, as a crash or an out-of-memory kill would, and waits for it to exit. */
export async function killWorker(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGKILL')
  await worker.exited
}

/** Polls `check` every 50 ms until it returns true; throws after `timeoutMs` naming `what`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function parseJson(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return null
  }
}
