// Command-line flags and environment variables of `npm run bench`.

export const USAGE = `Usage: npm run bench [-- --write]

Measures POST /graphql on Pigeon against a bare Fastify route, on 127.0.0.1 only.

  --write   Also replace the results section of BENCHMARKS.md with this run's figures.
  --help    Print this text.

Environment:
  BENCH_DURATION_S            Measured seconds per round and case (1-300). Default: 10.
  BENCH_WARMUP_S              Warm-up seconds before each measured round (0-60). Default: 3.
  BENCH_ROUNDS                Rounds; each round starts new servers and runs every case once, in turn (1-10). Default: 3.
  PIGEON_BENCH_DATABASE_URL   PostgreSQL server on 127.0.0.1 (or localhost) where the run may create
                              and drop a database; adds a Pigeon-on-PostgreSQL case. Default: unset.`

/** Settings of one benchmark run. */
export interface BenchOptions {
  write: boolean
  durationS: number
  warmupS: number
  rounds: number
  postgresUrl: string | null
}

/** Error for an invalid flag or variable. The message names it and the accepted values. */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError'
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Parses the flags and variables, or throws {@link BenchUsageError} listing every problem. Returns null for --help. */
export function parseBenchOptions(argv: readonly string[], env: Record<string, string | undefined>): BenchOptions | null {
  if (argv.includes('--help')) return null
  const problems: string[] = []
  for (const argument of argv) {
    if (argument !== '--write') problems.push(`unknown argument "${argument}"; the only flags are --write and --help`)
  }

  const options: BenchOptions = {
    write: argv.includes('--write'),
    durationS: parseInteger(env, 'BENCH_DURATION_S', 10, 1, 300, problems),
    warmupS: parseInteger(env, 'BENCH_WARMUP_S', 3, 0, 60, problems),
    rounds: parseInteger(env, 'BENCH_ROUNDS', 3, 1, 10, problems),
    postgresUrl: parsePostgresUrl(env.PIGEON_BENCH_DATABASE_URL, problems),
  }
  if (problems.length > 0) throw new BenchUsageError(problems.join('\n'))

  return options
}

function parseInteger(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback

  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name}="${raw}" is invalid; use a whole number from ${min} to ${max}`)
    return fallback
  }

  return value
}

// NOTE: the PostgreSQL server must be on loopback too, so network latency stays out of the figures.
function parsePostgresUrl(raw: string | undefined, problems: string[]): string | null {
  if (raw === undefined || raw === '') return null

  let url: URL
  try {
    url = new URL(raw)
  } catch {
    problems.push('PIGEON_BENCH_DATABASE_URL is not a valid URL; use postgres://user:password@127.0.0.1:5432/database')
    return null
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    problems.push(`PIGEON_BENCH_DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`)
    return null
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    problems.push(`PIGEON_BENCH_DATABASE_URL points at ${url.hostname}; the benchmark runs on loopback only, so use 127.0.0.1 or localhost`)
    return null
  }

  return raw
}
