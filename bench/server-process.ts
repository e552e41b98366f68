// The parent side of a benchmark server process: spawn it (pinned to a CPU when requested), wait
// until it listens, request resource readings, and stop it. Every wait has a time limit.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, ParentMessage, ReadyMessage, ServerStats } from './server-child.ts'

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url))
const READY_TIMEOUT_MS = 60_000
const STATS_TIMEOUT_MS = 5_000
const STOP_TIMEOUT_MS = 10_000
const KILL_TIMEOUT_MS = 5_000

/** A running server process and the handles bench/run.ts needs. */
export interface ServerProcess {
  readonly name: string
  readonly ready: ReadyMessage
  /** Reads RSS, CPU time and log counts from the process. Rejects after 5 s without a reply. */
  stats(): Promise<ServerStats>
  /** Asks the process to close its server and database, then kills it if it is still up after 10 s. */
  stop(): Promise<void>
}

export interface ServerProcessOptions {
  /** Script under bench/ that calls serveBenchmarkChild. */
  entryFile: string
  /** CPU to pin the process to with `taskset -c`, or null to leave it unpinned. */
  cpu: number | null
  databaseEnv: Record<string, string>
}

/** Starts one server process and resolves once it listens. Rejects after 60 s, or when it fails or exits first. */
export async function startServerProcess(name: string, options: ServerProcessOptions): Promise<ServerProcess> {
  const nodeCommand = [process.execPath, '--import', 'tsx', fileURLToPath(new URL(options.entryFile, import.meta.url))]
  const [command, ...args] = options.cpu === null ? nodeCommand : ['taskset', '-c', String(options.cpu), ...nodeCommand]
  // The server's standard output goes to our standard error, so stray prints cannot mix into the report.
  const child = spawn(command!, args, { cwd: REPOSITORY_ROOT, stdio: ['ignore', process.stderr, 'inherit', 'ipc'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const pendingStats = new Map<number, (stats: ServerStats) => void>()

  const ready = await withTimeout(
    new Promise<ReadyMessage>((resolve, reject) => {
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'ready') resolve(message)
        else if (message.type === 'failed') reject(new Error(`${name} server failed to start:\n${message.message}`))
        else pendingStats.get(message.requestId)?.(message)
      })
      child.once('error', (error) => reject(new Error(`${name} server could not be spawned: ${error.message}`, { cause: error })))
      void exited.then(() => reject(new Error(`${name} server exited (${describeExit(child)}) before it was ready`)))
      send(child, { type: 'start', databaseEnv: options.databaseEnv })
    }),
    READY_TIMEOUT_MS,
    `${name} server was not ready within ${READY_TIMEOUT_MS / 1000} s`,
  ).catch(async (error: unknown) => {
    await killAndWait(child, exited)
    throw error
  })

  let nextRequestId = 1
  return {
    name,
    ready,
    stats() {
      const requestId = nextRequestId++
      const reply = new Promise<ServerStats>((resolve, reject) => {
        pendingStats.set(requestId, resolve)
        void exited.then(() => reject(new Error(`${name} server exited (${describeExit(child)}) during the benchmark`)))
        send(child, { type: 'stats', requestId })
      })

      return withTimeout(reply, STATS_TIMEOUT_MS, `${name} server did not report its stats within ${STATS_TIMEOUT_MS / 1000} s`).finally(() =>
        pendingStats.delete(requestId),
      )
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      send(child, { type: 'stop' })
      const stopped = await withTimeout(exited, STOP_TIMEOUT_MS, 'stop timed out').then(
        () => true,
        () => false,
      )
      if (!stopped) {
        console.error(`${name} server (pid ${child.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it`)
        await killAndWait(child, exited)
      }
    },
  }
}

function describeExit(child: ChildProcess): string {
  return child.signalCode === null ? `exit code ${child.exitCode}` : `signal ${child.signalCode}`
}

function send(child: ChildProcess, message: ParentMessage): void {
  if (child.connected) child.send(message)
}

async function killAndWait(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGKILL')
  await withTimeout(exited, KILL_TIMEOUT_MS, `process ${child.pid} did not exit after SIGKILL`).catch((error: unknown) => console.error(String(error)))
}

/** Resolves or rejects like `promise`, or rejects with `message` after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
