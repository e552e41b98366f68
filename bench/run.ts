// `npm run bench`: Pigeon's GraphQL endpoint against a bare Fastify route, on 127.0.0.1 only.
// Each server runs in its own child process (pinned to CPU 0 when taskset is available), started
// afresh for every round, and autocannon runs here (pinned to CPU 1). See BENCHMARKS.md for what
// is measured and why.
import os from 'node:os'
import { writeResultsSection, BENCHMARKS_FILE } from './benchmarks-file.ts'
import { createPostgresBenchDatabase, createSqliteBenchDatabase, type BenchDatabase } from './bench-database.ts'
import { describeLoadProblems, runLoad, type LoadTarget } from './load.ts'
import { busyPercent, describeMachine, pinBenchmarkClient, readCpuTimes, type CpuTimes, type Pinning } from './machine.ts'
import { BenchUsageError, parseBenchOptions, USAGE, type BenchOptions } from './options.ts'
import { LIMITS_OFF_LABEL, renderMarkdown, renderText, type BenchReport, type CaseReport } from './report.ts'
import { benchmarkRequest, checkBareResponses, checkPigeonResponses } from './sample-check.ts'
import type { ServerStats } from './server-child.ts'
import { startServerProcess, type ServerProcess } from './server-process.ts'

interface BenchCase {
  report: CaseReport
  server: ServerProcess
  target: LoadTarget
}

/** Servers and databases this run created. `release` stops the servers first, then drops the databases, and runs once. */
class RunResources {
  readonly servers: ServerProcess[] = []
  readonly databases: BenchDatabase[] = []
  private releasing: Promise<void> | null = null

  /** Releases everything once. Later calls return the first call's promise. */
  release(): Promise<void> {
    this.releasing ??= this.releaseAll()
    return this.releasing
  }

  private async releaseAll(): Promise<void> {
    for (const server of this.servers) await server.stop().catch((error: unknown) => console.error(`stopping ${server.name} failed:`, error))
    for (const database of this.databases) await database.drop().catch((error: unknown) => console.error('removing a benchmark database failed:', error))
  }
}

function progress(message: string): void {
  console.error(`bench: ${message}`)
}

/** Starts every server, checks sample responses and prepares the autocannon target of each case. */
async function startCases(options: BenchOptions, serverCpu: number | null, resources: RunResources, round: number): Promise<BenchCase[]> {
  progress(`round ${round} of ${options.rounds}: starting servers`)
  const sqlite = await createSqliteBenchDatabase()
  resources.databases.push(sqlite)
  const pigeonSqlite = await startServerProcess('pigeon sqlite', { entryFile: './pigeon-server.ts', cpu: serverCpu, databaseEnv: sqlite.env })
  resources.servers.push(pigeonSqlite)
  const bare = await startServerProcess('bare fastify', { entryFile: './bare-server.ts', cpu: serverCpu, databaseEnv: {} })
  resources.servers.push(bare)

  // The baseline receives Pigeon's exact request, API key included, and ignores it.
  const apiKey = pigeonSqlite.ready.tenant!.apiKey
  // The same server over its own database with rate limits off, to measure what limits cost.
  const sqliteNoLimits = await createSqliteBenchDatabase()
  resources.databases.push(sqliteNoLimits)
  const pigeonNoLimits = await startServerProcess(LIMITS_OFF_LABEL, { entryFile: './pigeon-server.ts', cpu: serverCpu, databaseEnv: { ...sqliteNoLimits.env, PIGEON_RATE_LIMITS: 'false' } })
  resources.servers.push(pigeonNoLimits)
  const noLimitsKey = pigeonNoLimits.ready.tenant!.apiKey

  const cases = [
    prepareCase(null, bare, apiKey, await checkBareResponses(bare.ready, apiKey)),
    prepareCase('sqlite', pigeonSqlite, apiKey, await checkPigeonResponses(pigeonSqlite.ready, apiKey)),
    prepareCase('sqlite', pigeonNoLimits, noLimitsKey, await checkPigeonResponses(pigeonNoLimits.ready, noLimitsKey)),
  ]
  if (options.postgresUrl !== null) {
    const postgres = await createPostgresBenchDatabase(options.postgresUrl)
    resources.databases.push(postgres)
    const pigeonPostgres = await startServerProcess('pigeon postgres', { entryFile: './pigeon-server.ts', cpu: serverCpu, databaseEnv: postgres.env })
    resources.servers.push(pigeonPostgres)
    const postgresKey = pigeonPostgres.ready.tenant!.apiKey
    cases.push(prepareCase('postgres', pigeonPostgres, postgresKey, await checkPigeonResponses(pigeonPostgres.ready, postgresKey)))
  }

  return cases
}

function prepareCase(database: CaseReport['database'], server: ServerProcess, apiKey: string, expectedBody: string): BenchCase {
  return {
    server,
    target: { url: `${server.ready.url}/graphql`, ...benchmarkRequest(apiKey), expectedBody },
    report: { label: server.name, kind: database === null ? 'bare' : 'pigeon', database, rounds: [], readyRssBytes: null, maxRssBytes: 0, responseBytes: Buffer.byteLength(expectedBody), logLines: 0, logSample: [] },
  }
}

/**
 * Runs every round with its own server processes and databases: starts them, runs each case in
 * turn, reads each server's memory and log figures, and releases them. The spread between rounds
 * then includes the spread between processes. Returns the cases' reports over all rounds and
 * what made any run invalid.
 */
async function runRounds(options: BenchOptions, pinning: Pinning | null, current: { resources: RunResources }): Promise<{ reports: CaseReport[]; problems: string[] }> {
  const reports = new Map<string, CaseReport>()
  const problems: string[] = []
  for (let round = 1; round <= options.rounds; round += 1) {
    current.resources = new RunResources()
    try {
      const cases = await startCases(options, pinning?.serverCpu ?? null, current.resources, round)
      for (const entry of cases) {
        progress(`round ${round} of ${options.rounds}, ${entry.report.label}: ${options.warmupS} s warm-up, then ${options.durationS} s measured`)
        problems.push(...(await measureRound(entry, round, options, pinning)))
      }
      for (const { report, server } of cases) {
        const stats = await server.stats()
        addRound(reports, report, stats)
      }
    } finally {
      await current.resources.release()
    }
  }

  return { reports: [...reports.values()], problems }
}

/** Adds one round's report of a case to the run's report of that case: its figures, the higher RSS values and the log lines. */
function addRound(reports: Map<string, CaseReport>, round: CaseReport, stats: ServerStats): void {
  const earlier = reports.get(round.label)
  if (earlier === undefined) {
    reports.set(round.label, { ...round, readyRssBytes: stats.readyRssBytes, maxRssBytes: stats.maxRssBytes, logLines: stats.logLines, logSample: stats.logSample })
    return
  }

  earlier.rounds.push(...round.rounds)
  const readyValues = [earlier.readyRssBytes, stats.readyRssBytes].filter((value) => value !== null)
  earlier.readyRssBytes = readyValues.length === 0 ? null : Math.max(...readyValues)
  earlier.maxRssBytes = Math.max(earlier.maxRssBytes, stats.maxRssBytes)
  earlier.logLines += stats.logLines
  if (earlier.logSample.length === 0) earlier.logSample = stats.logSample
}

/** Warms one case up, measures it, adds the round's figures to its report and returns the round's problems. */
async function measureRound({ report, server, target }: BenchCase, round: number, options: BenchOptions, pinning: Pinning | null): Promise<string[]> {
  const problems: string[] = []
  if (options.warmupS > 0) {
    const warmup = await runLoad(target, options.warmupS)
    problems.push(...describeLoadProblems(warmup).map((problem) => `${report.label}, round ${round} warm-up: ${problem}`))
  }

  const before = await readCpu(server)
  const load = await runLoad(target, options.durationS)
  const after = await readCpu(server)
  problems.push(...describeLoadProblems(load).map((problem) => `${report.label}, round ${round}: ${problem}`))

  const elapsedMicros = (after.atMs - before.atMs) * 1000
  const coreBusy = (cpu: number | undefined) => (cpu === undefined ? null : busyPercent(before.cpuTimes, after.cpuTimes, `cpu${cpu}`))
  report.rounds.push({
    round,
    load,
    serverCpuPercent: ((after.serverMicros - before.serverMicros) / elapsedMicros) * 100,
    serverCpuMicros: after.serverMicros - before.serverMicros,
    serverSystemMicros: after.serverSystemMicros - before.serverSystemMicros,
    clientCpuPercent: ((after.clientMicros - before.clientMicros) / elapsedMicros) * 100,
    serverCoreBusyPercent: coreBusy(pinning?.serverCpu),
    clientCoreBusyPercent: coreBusy(pinning?.clientCpu),
    machineBusyPercent: busyPercent(before.cpuTimes, after.cpuTimes, 'cpu'),
  })

  return problems
}

async function readCpu(server: ServerProcess): Promise<{ serverMicros: number; serverSystemMicros: number; clientMicros: number; cpuTimes: Map<string, CpuTimes>; atMs: number }> {
  const stats = await server.stats()
  const client = process.cpuUsage()

  return {
    serverMicros: stats.cpuUserMicros + stats.cpuSystemMicros,
    serverSystemMicros: stats.cpuSystemMicros,
    clientMicros: client.user + client.system,
    cpuTimes: readCpuTimes(),
    atMs: performance.now(),
  }
}

/** Builds the command that reproduces this run, with the PostgreSQL password hidden. */
function describeCommand(options: BenchOptions): string {
  const settings = ['BENCH_DURATION_S', 'BENCH_WARMUP_S', 'BENCH_ROUNDS'].filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`)
  if (options.postgresUrl !== null) {
    const url = new URL(options.postgresUrl)
    if (url.password !== '') url.password = '***'
    settings.push(`PIGEON_BENCH_DATABASE_URL=${url.toString()}`)
  }

  return [...settings, 'npm run bench', ...(options.write ? ['--', '--write'] : [])].join(' ')
}

async function main(): Promise<number> {
  let options: BenchOptions | null
  try {
    options = parseBenchOptions(process.argv.slice(2), process.env)
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error
    console.error(`${error.message}\n\n${USAGE}`)
    return 2
  }
  if (options === null) {
    console.log(USAGE)
    return 0
  }

  // Read the machine before pinning: nproc counts only the CPUs this process may use.
  const machine = describeMachine()
  const loadAverageBefore = os.loadavg()
  const pinning = pinBenchmarkClient()
  // The resources of the round in progress, which an interrupt releases.
  const current = { resources: new RunResources() }
  process.once('SIGINT', () => {
    progress('interrupted; stopping servers and removing databases')
    void current.resources.release().finally(() => process.exit(130))
  })

  try {
    const { reports, problems } = await runRounds(options, pinning, current)
    const report: BenchReport = {
      finishedAt: new Date(),
      command: describeCommand(options),
      machine,
      pinning,
      loadAverageBefore,
      loadAverageAfter: os.loadavg(),
      durationS: options.durationS,
      warmupS: options.warmupS,
      rounds: options.rounds,
      cases: reports,
      problems,
    }

    console.log(renderText(report))
    if (options.write && problems.length === 0) {
      writeResultsSection(renderMarkdown(report))
      progress(`wrote the results section of ${BENCHMARKS_FILE}`)
    } else if (options.write) {
      progress(`did not write ${BENCHMARKS_FILE} because the run is invalid`)
    }

    return problems.length === 0 ? 0 : 1
  } finally {
    await current.resources.release()
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error('bench failed:', error)
  return 1
})
