// Turns the measured figures into tables and target checks, as terminal text or Markdown.
import { CONNECTIONS, type LoadResult } from './load.ts'
import type { MachineInfo, Pinning } from './machine.ts'
import { BENCH_QUERY } from './sample-check.ts'
import { PIGEON_BENCH_ENV, PIGEON_BENCH_LOG_LEVEL } from './pigeon-settings.ts'

/** Targets for Pigeon's web server. The req/s ratio is relative to the bare Fastify baseline on the same machine. */
export const TARGETS = { minRatio: 0.4, maxP99Ms: 10, maxRssBytes: 200 * 1_000_000, maxLimitsCost: 0.15 }

/** Label of the SQLite case that runs with rate limits off, the reference for what limits cost. */
export const LIMITS_OFF_LABEL = 'pigeon sqlite, limits off'

/** A busy share of the server's CPU above its own CPU time by more than this many points is reported as interference. */
const INTERFERENCE_THRESHOLD_PERCENT = 15

/** One measured round of one case. CPU figures are percentages of one core over the round. */
export interface RoundFigures {
  round: number
  load: LoadResult
  /** CPU time of the server process. */
  serverCpuPercent: number
  /** CPU time of the server process over the round, in microseconds. */
  serverCpuMicros: number
  /** The part of serverCpuMicros spent in the kernel, mostly reading requests and writing responses over loopback TCP. */
  serverSystemMicros: number
  /** CPU time of this process, where autocannon runs. */
  clientCpuPercent: number
  /** Busy time of the server's pinned CPU from /proc/stat, by any process or the kernel. Null when unpinned. */
  serverCoreBusyPercent: number | null
  /** Busy time of autocannon's pinned CPU from /proc/stat. Null when unpinned. */
  clientCoreBusyPercent: number | null
  /** Busy time of all CPUs together, as a percentage of the whole machine. Null when /proc/stat is missing. */
  machineBusyPercent: number | null
}

/** Everything measured for one server. */
export interface CaseReport {
  label: string
  kind: 'bare' | 'pigeon'
  /** Database of a Pigeon case, or null for the baseline. */
  database: 'sqlite' | 'postgres' | null
  rounds: RoundFigures[]
  readyRssBytes: number | null
  maxRssBytes: number
  responseBytes: number
  logLines: number
  logSample: string[]
}

export interface BenchReport {
  finishedAt: Date
  command: string
  machine: MachineInfo
  pinning: Pinning | null
  /** os.loadavg() (1, 5 and 15 minutes) before the servers started and after the last round. */
  loadAverageBefore: number[]
  loadAverageAfter: number[]
  durationS: number
  warmupS: number
  rounds: number
  cases: CaseReport[]
  /** Reasons the run is invalid. Empty when every response was 2xx with the expected body. */
  problems: string[]
}

interface Table {
  title: string
  header: string[]
  rows: string[][]
}

interface CaseSummary {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  serverCpuMicrosPerRequest: number
  serverSystemMicrosPerRequest: number
}

/** Computes the mean req/s of the rounds, the highest p50 and p99 of any round, and server CPU time per request over all rounds. */
function summarise(report: CaseReport): CaseSummary {
  const rounds = report.rounds.map((round) => round.load)
  const requests = rounds.reduce((sum, load) => sum + load.totalRequests, 0)

  return {
    requestsPerSecond: rounds.reduce((sum, load) => sum + load.requestsPerSecond, 0) / Math.max(1, rounds.length),
    p50Ms: Math.max(0, ...rounds.map((load) => load.latencyP50Ms)),
    p99Ms: Math.max(0, ...rounds.map((load) => load.latencyP99Ms)),
    serverCpuMicrosPerRequest: report.rounds.reduce((sum, round) => sum + round.serverCpuMicros, 0) / Math.max(1, requests),
    serverSystemMicrosPerRequest: report.rounds.reduce((sum, round) => sum + round.serverSystemMicros, 0) / Math.max(1, requests),
  }
}

/** Checks each Pigeon case against {@link TARGETS}. Each row is check, measured, target and result. */
export function checkTargets(report: BenchReport): Array<{ check: string; measured: string; target: string; met: boolean }> {
  const baseline = report.cases.find((entry) => entry.kind === 'bare')
  const checks = []
  for (const entry of report.cases.filter((candidate) => candidate.kind === 'pigeon')) {
    const summary = summarise(entry)
    if (baseline !== undefined) {
      const ratio = summary.requestsPerSecond / Math.max(1, summarise(baseline).requestsPerSecond)
      checks.push({ check: `${entry.label}: req/s ratio to ${baseline.label}`, measured: ratio.toFixed(2), target: `≥ ${TARGETS.minRatio}`, met: ratio >= TARGETS.minRatio })
    }
    checks.push({ check: `${entry.label}: p99 at ${CONNECTIONS} connections`, measured: `${summary.p99Ms} ms`, target: `≤ ${TARGETS.maxP99Ms} ms`, met: summary.p99Ms <= TARGETS.maxP99Ms })
    checks.push({ check: `${entry.label}: max RSS`, measured: formatMegabytes(entry.maxRssBytes), target: `< ${formatMegabytes(TARGETS.maxRssBytes)}`, met: entry.maxRssBytes < TARGETS.maxRssBytes })
  }
  const limitsOn = report.cases.find((entry) => entry.kind === 'pigeon' && entry.database === 'sqlite' && entry.label !== LIMITS_OFF_LABEL)
  const limitsOff = report.cases.find((entry) => entry.label === LIMITS_OFF_LABEL)
  if (limitsOn !== undefined && limitsOff !== undefined) {
    // Cost of rate limiting: the share of throughput lost with limits on, against the same server with them off.
    const cost = 1 - summarise(limitsOn).requestsPerSecond / Math.max(1, summarise(limitsOff).requestsPerSecond)
    checks.push({ check: 'sqlite: throughput lost to rate limits', measured: `${(cost * 100).toFixed(1)}%`, target: `< ${TARGETS.maxLimitsCost * 100}%`, met: cost < TARGETS.maxLimitsCost })
  }

  return checks
}

function describeRun(report: BenchReport): Array<[string, string]> {
  const { machine, pinning } = report
  const packages = Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(', ')
  const caseOrder = report.cases.map((entry) => entry.label).join(', then ')
  const roundCount = report.rounds === 1 ? '1 round' : `${report.rounds} rounds, each with newly started server processes and new databases`
  const postgresNote = report.cases.some((entry) => entry.database === 'postgres') ? '; the PostgreSQL server is not pinned' : ''
  const logCounts = report.cases.filter((entry) => entry.kind === 'pigeon').map((entry) => `${entry.logLines} in ${entry.label}`).join(', ')

  return [
    ['Command', `\`${report.command}\``],
    ['Finished', report.finishedAt.toISOString()],
    ['Machine', `${machine.cpus} CPUs (nproc), ${machine.cpuModel}, ${(machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB memory, ${machine.os}`],
    ['Load average', `${formatLoad(report.loadAverageBefore)} before the run, ${formatLoad(report.loadAverageAfter)} after it (1, 5 and 15 minutes)`],
    ['Software', `Node ${machine.nodeVersion}; ${packages}; commit ${machine.commit ?? 'unknown'}`],
    ['Request', `POST /graphql with \`{"query":"${BENCH_QUERY}"}\` and \`Authorization: Bearer <key>\`; the baseline gets the same request`],
    ['Load', `autocannon (programmatic API), ${CONNECTIONS} connections, pipelining 1, on 127.0.0.1`],
    ['Schedule', `${roundCount}; each round runs ${caseOrder}, each for ${report.warmupS} s of warm-up (discarded) and then ${report.durationS} s measured`],
    ['CPU pinning', pinning === null ? 'none (taskset missing or CPUs 0 and 1 not both available)' : `taskset: server processes on CPU ${pinning.serverCpu}, autocannon on CPU ${pinning.clientCpu}${postgresNote}`],
    ['Pigeon logging', `pino at level '${PIGEON_BENCH_LOG_LEVEL}' into a stream that discards lines, so per-request info logs are off; lines written: ${logCounts}`],
    ['Pigeon settings', `${Object.entries(PIGEON_BENCH_ENV).map(([name, value]) => `${name}=${value}`).join(' ')}, plus the database and a random PIGEON_CREDENTIALS_KEY`],
    ['Memory', 'process.memoryUsage().rss inside each server process: when it began listening, and the max of samples taken every 100 ms from start to stop, each the highest over the rounds; 1 MB = 10^6 bytes'],
    ['Figures', 'req/s is the mean of the rounds; p50 and p99 are the highest of the rounds, in whole ms as autocannon records them'],
    ['CPU columns', '% of one core: CPU time of the server and of autocannon, and how busy their CPUs were (/proc/stat, any process or the kernel)'],
    ['CPU per request', "the server process's CPU time divided by the requests it served, which also rises when other processes share its CPU; the kernel part is its system time"],
  ]
}

function buildTables(report: BenchReport): Table[] {
  const summary: Table = {
    title: 'Summary',
    header: ['case', 'req/s (mean)', 'p50 ms', 'p99 ms', 'errors / non-2xx / wrong body', 'server CPU µs/request', 'of it in the kernel', 'RSS at start', 'max RSS', 'response bytes'],
    rows: report.cases.map((entry) => {
      const figures = summarise(entry)
      const loads = entry.rounds.map((round) => round.load)
      const total = (pick: (load: LoadResult) => number) => loads.reduce((sum, load) => sum + pick(load), 0)
      return [
        entry.label,
        formatCount(figures.requestsPerSecond),
        String(figures.p50Ms),
        String(figures.p99Ms),
        `${total((load) => load.errors)} / ${total((load) => load.non2xx)} / ${total((load) => load.mismatches)}`,
        figures.serverCpuMicrosPerRequest.toFixed(0),
        figures.serverSystemMicrosPerRequest.toFixed(0),
        entry.readyRssBytes === null ? '?' : formatMegabytes(entry.readyRssBytes),
        formatMegabytes(entry.maxRssBytes),
        String(entry.responseBytes),
      ]
    }),
  }
  const { pinning } = report
  const cpuHeader = pinning === null ? ['server CPU', 'autocannon CPU', 'machine busy'] : ['server CPU', `CPU ${pinning.serverCpu} busy`, 'autocannon CPU', `CPU ${pinning.clientCpu} busy`]
  const rounds: Table = {
    title: 'Rounds',
    header: ['case', 'round', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'requests', 'errors', 'non-2xx', 'wrong body', 'server CPU µs/request', ...cpuHeader],
    rows: report.cases.flatMap((entry) =>
      entry.rounds.map(({ round, load, ...cpu }) => [
        entry.label,
        String(round),
        formatCount(load.requestsPerSecond),
        String(load.latencyP50Ms),
        String(load.latencyP99Ms),
        String(load.latencyMaxMs),
        formatCount(load.totalRequests),
        String(load.errors),
        String(load.non2xx),
        String(load.mismatches),
        (cpu.serverCpuMicros / Math.max(1, load.totalRequests)).toFixed(0),
        ...(pinning === null
          ? [formatPercent(cpu.serverCpuPercent), formatPercent(cpu.clientCpuPercent), formatPercent(cpu.machineBusyPercent)]
          : [formatPercent(cpu.serverCpuPercent), formatPercent(cpu.serverCoreBusyPercent), formatPercent(cpu.clientCpuPercent), formatPercent(cpu.clientCoreBusyPercent)]),
      ]),
    ),
  }
  const targets: Table = {
    title: 'Targets',
    header: ['check', 'measured', 'target', 'result'],
    rows: checkTargets(report).map((row) => [row.check, row.measured, row.target, row.met ? 'met' : 'NOT met']),
  }

  return [summary, rounds, targets]
}

/** Renders the report for a terminal: aligned columns, problems and log samples at the end. */
export function renderText(report: BenchReport): string {
  const facts = describeRun(report)
  const labelWidth = Math.max(...facts.map(([label]) => label.length)) + 2
  const lines = facts.map(([label, value]) => `${`${label}:`.padEnd(labelWidth)}${value.replaceAll('`', '')}`)
  for (const table of buildTables(report)) {
    const widths = table.header.map((cell, column) => Math.max(cell.length, ...table.rows.map((row) => row[column]?.length ?? 0)))
    const format = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')
    lines.push('', table.title, format(table.header), ...table.rows.map(format))
  }
  lines.push('', ...describeValidity(report))
  for (const entry of report.cases.filter((candidate) => candidate.logSample.length > 0)) {
    lines.push(`First log lines of ${entry.label}:`, ...entry.logSample.map((line) => `  ${line}`))
  }

  return lines.join('\n')
}

/** Renders the report as the Markdown results section of BENCHMARKS.md. */
export function renderMarkdown(report: BenchReport): string {
  const lines = ['## Latest results', '', ...describeRun(report).map(([label, value]) => `- **${label}:** ${value}`)]
  for (const table of buildTables(report)) {
    const escape = (row: string[]) => `| ${row.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`
    lines.push('', `### ${table.title}`, '', escape(table.header), `|${table.header.map((_cell, column) => (column === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...table.rows.map(escape))
  }
  lines.push('', ...describeValidity(report))

  return lines.join('\n')
}

function describeValidity(report: BenchReport): string[] {
  const lines = [...describeInterference(report)]
  if (report.problems.length === 0) return [...lines, 'Every response in every warm-up and measured run was 2xx with the expected body.']

  return [...lines, 'INVALID RUN:', ...report.problems.map((problem) => `- ${problem}`)]
}

/**
 * Warns when the server's CPU was busy well beyond the server's own CPU time in some round. Part of
 * the gap is the kernel's loopback network work, but a large gap means other processes shared the CPU.
 */
function describeInterference(report: BenchReport): string[] {
  const gaps = report.cases.flatMap((entry) =>
    entry.rounds.map((round) => ({ label: `${entry.label} round ${round.round}`, gap: (round.serverCoreBusyPercent ?? 0) - round.serverCpuPercent })),
  )
  const worst = gaps.reduce((max, gap) => (gap.gap > max.gap ? gap : max), { label: '', gap: 0 })
  if (report.pinning === null || worst.gap <= INTERFERENCE_THRESHOLD_PERCENT) return []

  return [
    `Interference: CPU ${report.pinning.serverCpu} was busy up to ${worst.gap.toFixed(0)} points beyond the server's own CPU time (${worst.label}).`,
    'Other processes or kernel work shared the server CPU, so these figures are likely lower than on an otherwise idle machine.',
  ]
}

function formatPercent(value: number | null): string {
  return value === null ? '?' : `${value.toFixed(0)}%`
}

function formatLoad(loadAverage: number[]): string {
  return loadAverage.map((value) => value.toFixed(2)).join(' / ')
}

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US')
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}
