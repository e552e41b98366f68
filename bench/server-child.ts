// The child side of a benchmark server process: the IPC protocol with bench/run.ts and the
// resident-memory sampler. Each server runs in its own process so its RSS is its own.
import { inspect } from 'node:util'

/** Messages bench/run.ts sends to a server process. */
export type ParentMessage =
  | { type: 'start'; databaseEnv: Record<string, string> }
  | { type: 'stats'; requestId: number }
  | { type: 'stop' }

/** Message a server process sends once it is listening. Only the Pigeon server sets `tenant`. */
export interface ReadyMessage {
  type: 'ready'
  url: string
  tenant?: { apiKey: string; accountId: string; organizationId: string }
}

/** One reading of a server process's resources, taken when the parent requests it. */
export interface ServerStats {
  rssBytes: number
  /** RSS when the server began listening, before any load, or null before that. */
  readyRssBytes: number | null
  /** Largest RSS seen since the process started, sampled every RSS_SAMPLE_INTERVAL_MS. */
  maxRssBytes: number
  rssSamples: number
  /** process.cpuUsage() totals, in microseconds, since the process started. */
  cpuUserMicros: number
  cpuSystemMicros: number
  /** Log lines the server wrote. Pigeon writes only warnings and errors (PIGEON_BENCH_LOG_LEVEL). */
  logLines: number
  /** The first few of those lines, cut to LOG_SAMPLE_CHARS each. */
  logSample: string[]
}

export type ChildMessage = ReadyMessage | ({ type: 'stats'; requestId: number } & ServerStats) | { type: 'failed'; message: string }

/** A started server: the payload for the ready message and how to shut it down. */
export interface StartedServer {
  ready: Omit<ReadyMessage, 'type'>
  close(): Promise<void>
}

const RSS_SAMPLE_INTERVAL_MS = 100
const LOG_SAMPLE_LINES = 3
const LOG_SAMPLE_CHARS = 400

/**
 * A pino destination that drops every line but counts them and keeps the first few, so a server
 * whose logs are off for the benchmark can still show that it logged warnings or errors.
 */
export class DiscardingLogStream {
  lines = 0
  readonly sample: string[] = []

  write(line: string): void {
    this.lines += 1
    if (this.sample.length < LOG_SAMPLE_LINES) this.sample.push(line.trimEnd().slice(0, LOG_SAMPLE_CHARS))
  }
}

/**
 * Runs this process as a benchmark server. It waits for the parent's start message, calls `start`,
 * reports ready, replies to stats requests, and closes on stop or when the parent disconnects.
 */
export function serveBenchmarkChild(start: (databaseEnv: Record<string, string>) => Promise<StartedServer>, logs: DiscardingLogStream | null): void {
  const send = process.send?.bind(process)
  if (send === undefined) throw new Error('bench server processes must be started by bench/run.ts with an IPC channel')

  let maxRssBytes = process.memoryUsage().rss
  let rssSamples = 1
  const sampler = setInterval(() => {
    maxRssBytes = Math.max(maxRssBytes, process.memoryUsage().rss)
    rssSamples += 1
  }, RSS_SAMPLE_INTERVAL_MS)

  let readyRssBytes: number | null = null
  let server: StartedServer | null = null
  let closing = false
  const shutDown = async (exitCode: number) => {
    if (closing) return
    closing = true
    clearInterval(sampler)
    await server?.close()
    process.exitCode = exitCode
    if (process.connected) process.disconnect()
  }

  process.on('disconnect', () => void shutDown(0))
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'start') {
      start(message.databaseEnv).then(
        (started) => {
          server = started
          readyRssBytes = process.memoryUsage().rss
          send({ type: 'ready', ...started.ready } satisfies ChildMessage)
        },
        (error: unknown) => {
          send({ type: 'failed', message: inspect(error, { depth: 4 }) } satisfies ChildMessage)
          void shutDown(1)
        },
      )
    } else if (message.type === 'stats') {
      const rssBytes = process.memoryUsage().rss
      maxRssBytes = Math.max(maxRssBytes, rssBytes)
      const cpu = process.cpuUsage()
      send({
        type: 'stats',
        requestId: message.requestId,
        rssBytes,
        readyRssBytes,
        maxRssBytes,
        rssSamples,
        cpuUserMicros: cpu.user,
        cpuSystemMicros: cpu.system,
        logLines: logs?.lines ?? 0,
        logSample: logs?.sample ?? [],
      } satisfies ChildMessage)
    } else {
      void shutDown(0)
    }
  })
}
