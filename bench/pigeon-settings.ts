// Settings of the benchmarked Pigeon server, shared by the server process and the report.

/** Log level of the Pigeon server. Request logs (info) are off, but warnings and errors reach the counting stream. */
export const PIGEON_BENCH_LOG_LEVEL = 'warn'

/** Every request window allows this many requests, so rate limiting runs on each request but rejects none. */
const UNREACHABLE_QUOTA = 1_000_000_000

/** Environment given to loadConfig in the Pigeon server process, besides the database settings. */
export const PIGEON_BENCH_ENV: Readonly<Record<string, string>> = {
  PIGEON_HOST: '127.0.0.1',
  PIGEON_PORT: '0',
  PIGEON_ROLES: 'web',
  LOG_LEVEL: PIGEON_BENCH_LOG_LEVEL,
  PIGEON_MIGRATE_ON_START: 'true',
  // NOTE: the limiter stays on so its cost per request is measured. With the plans' quotas the
  // benchmark's load would get 429 responses within seconds, and the run would be invalid.
  PIGEON_RATE_LIMIT_QUOTAS: `15m=${UNREACHABLE_QUOTA},24h=${UNREACHABLE_QUOTA},30d=${UNREACHABLE_QUOTA}`,
}
