// Description of the machine a run used, CPU pinning of the benchmark processes, and CPU busy time.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url))
const REPORTED_PACKAGES = ['fastify', 'mercurius', 'kysely', 'better-sqlite3', 'pg', 'autocannon']

/** The machine and software a run used. */
export interface MachineInfo {
  /** Output of `nproc`: CPUs this process may use. */
  cpus: number
  cpuModel: string
  totalMemoryBytes: number
  nodeVersion: string
  os: string
  /** Installed versions of the packages on the request path and of autocannon. */
  packages: Record<string, string>
  /** Short commit id of the checkout, or null outside a git work tree. */
  commit: string | null
}

/** CPUs of the servers and of autocannon when the run is pinned. */
export interface Pinning {
  serverCpu: number
  clientCpu: number
}

/** Reads the machine description. Call it before pinning, because `nproc` counts only the CPUs a process may use. */
export function describeMachine(): MachineInfo {
  const cpuinfo = readOrNull('/proc/cpuinfo')

  return {
    cpus: Number(runOrNull('nproc', []) ?? os.availableParallelism()),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo ?? '')?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    totalMemoryBytes: os.totalmem(),
    nodeVersion: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    packages: Object.fromEntries(REPORTED_PACKAGES.map((name) => [name, packageVersion(name)])),
    commit: runOrNull('git', ['-C', REPOSITORY_ROOT, 'rev-parse', '--short', 'HEAD']),
  }
}

/**
 * Pins every thread of this process (autocannon runs here) to CPU 1 with `taskset`, so servers can
 * be pinned to CPU 0. Returns null, leaving everything unpinned, when taskset is missing or this
 * process may not use both CPU 0 and CPU 1.
 */
export function pinBenchmarkClient(): Pinning | null {
  const pinning: Pinning = { serverCpu: 0, clientCpu: 1 }
  const current = runOrNull('taskset', ['-p', '-c', String(process.pid)])
  if (current === null) return null

  const allowed = parseCpuList(current.slice(current.lastIndexOf(':') + 1))
  if (!allowed.has(pinning.serverCpu) || !allowed.has(pinning.clientCpu)) return null
  if (runOrNull('taskset', ['-a', '-p', '-c', String(pinning.clientCpu), String(process.pid)]) === null) return null

  return pinning
}

/** Parses taskset's CPU list, such as "0,2-3". */
function parseCpuList(list: string): Set<number> {
  const cpus = new Set<number>()
  for (const part of list.trim().split(',')) {
    const [first, last = first] = part.split('-').map(Number)
    if (first === undefined || last === undefined || !Number.isInteger(first) || !Number.isInteger(last)) continue
    for (let cpu = first; cpu <= Math.min(last, first + 1024); cpu += 1) cpus.add(cpu)
  }

  return cpus
}

/** Busy and total jiffies of one line of /proc/stat. */
export interface CpuTimes {
  busy: number
  total: number
}

/**
 * Reads the time every CPU ("cpu0", "cpu1", …) and the whole machine ("cpu") spent busy, from
 * /proc/stat. Idle and I/O-wait count as not busy. Returns an empty map where /proc/stat is missing.
 */
export function readCpuTimes(): Map<string, CpuTimes> {
  const times = new Map<string, CpuTimes>()
  for (const line of (readOrNull('/proc/stat') ?? '').split('\n')) {
    const [name, ...fields] = line.trim().split(/\s+/)
    if (name === undefined || !name.startsWith('cpu')) continue

    const values = fields.map(Number)
    const total = values.reduce((sum, value) => sum + value, 0)
    const idle = (values[3] ?? 0) + (values[4] ?? 0)
    times.set(name, { busy: total - idle, total })
  }

  return times
}

/** Percentage of time `cpu` ("cpu0", or "cpu" for the whole machine) was busy between two readings, or null if unknown. */
export function busyPercent(before: Map<string, CpuTimes>, after: Map<string, CpuTimes>, cpu: string): number | null {
  const start = before.get(cpu)
  const end = after.get(cpu)
  if (start === undefined || end === undefined || end.total <= start.total) return null

  return ((end.busy - start.busy) / (end.total - start.total)) * 100
}

function packageVersion(name: string): string {
  const text = readOrNull(`${REPOSITORY_ROOT}/node_modules/${name}/package.json`)

  return text === null ? 'not installed' : String((JSON.parse(text) as { version?: unknown }).version)
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

/** Runs a command and returns its trimmed output, or null when it is missing or fails. */
function runOrNull(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim()
  } catch {
    return null
  }
}
