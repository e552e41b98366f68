import path from 'node:path'
import { z } from 'zod'
import { PLAN_NAMES, type PlanName, type RateLimitQuotas } from '../accounts/plans.ts'
import { parseTrustProxy, type TrustProxy } from './trust-proxy.ts'

/** Roles one process can run; `web` serves HTTP, `worker` delivers due posts. */
export const ROLES = ['web', 'worker'] as const
export type Role = (typeof ROLES)[number]

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const booleanString = z.enum(['true', 'false']).transform((value) => value === 'true')

function integerString(name: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .refine((value) => value >= min && value <= max, `${name} must be between ${min} and ${max}`)
}

/**
 * Environment variables Pigeon reads, each with its default. Secrets are marked.
 * Every other module receives the parsed, frozen {@link Config} instead of reading `process.env`.
 */
const envSchema = z
  .object({
    /** Address the HTTP server binds to. Default: 127.0.0.1 (loopback only). */
    PIGEON_HOST: z.string().min(1).default('127.0.0.1'),
    /** TCP port of the HTTP server. Default: 3000. */
    PIGEON_PORT: integerString('PIGEON_PORT', 0, 65535).default(3000),
    /**
     * Reverse proxies whose X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host Pigeon believes:
     * false, true (any peer), or a comma-separated list of addresses and CIDR ranges. Default: false.
     */
    PIGEON_TRUST_PROXY: z
      .string()
      .default('false')
      .transform((value, ctx) => {
        const parsed = parseTrustProxy(value)
        if (parsed.ok) return parsed.value
        ctx.addIssue({ code: 'custom', message: parsed.error })
        return z.NEVER
      }),
    /** Folder for the embedded SQLite database. Default: ./data in the working directory. */
    PIGEON_DATA_DIR: z.string().min(1).default('data'),
    /** Full path of the SQLite file; overrides PIGEON_DATA_DIR/pigeon.sqlite. Cannot be combined with DATABASE_URL. */
    PIGEON_SQLITE_PATH: z.string().min(1).optional(),
    /** PostgreSQL connection URL (postgres:// or postgresql://). Secret: may contain a password. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
      .optional(),
    /** Connections in the PostgreSQL pool. Default: 10. */
    PIGEON_PG_POOL_SIZE: integerString('PIGEON_PG_POOL_SIZE', 1, 200).default(10),
    /** Comma-separated roles this process runs: web, worker. Default: web,worker. */
    PIGEON_ROLES: z.string().default('web,worker'),
    /** pino log level. Default: info. */
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    /** Plan given to new organizations (free, essentials, team, unlimited). Default: team. */
    PIGEON_DEFAULT_PLAN: z.enum(PLAN_NAMES).default('team'),
    /** Apply pending migrations when the server starts. Default: true. */
    PIGEON_MIGRATE_ON_START: booleanString.default(true),
    /** Include original error messages in GraphQL errors; never enable in production. Default: false. */
    PIGEON_EXPOSE_ERRORS: booleanString.default(false),
    /** How long a verified API key stays in the in-process cache, in ms (at most 5000). Default: 5000. */
    PIGEON_KEY_CACHE_TTL_MS: integerString('PIGEON_KEY_CACHE_TTL_MS', 0, 5000).default(5000),
    /** How often an idle worker polls for due posts, in ms. Default: 1000. */
    PIGEON_WORKER_POLL_MS: integerString('PIGEON_WORKER_POLL_MS', 50, 60000).default(1000),
    /** Deliveries one worker runs at once. Default: 8. */
    PIGEON_WORKER_CONCURRENCY: integerString('PIGEON_WORKER_CONCURRENCY', 1, 256).default(8),
    /** How long a claimed post stays leased to its worker, in ms. Default: 120000. */
    PIGEON_WORKER_LEASE_MS: integerString('PIGEON_WORKER_LEASE_MS', 1000, 3600000).default(120000),
    /** Delivery attempts before a post is marked as failed. Default: 6. */
    PIGEON_MAX_ATTEMPTS: integerString('PIGEON_MAX_ATTEMPTS', 1, 50).default(6),
    /** First retry delay, in ms; doubles per attempt with jitter. Default: 5000. */
    PIGEON_RETRY_BASE_MS: integerString('PIGEON_RETRY_BASE_MS', 10, 3600000).default(5000),
    /** Longest retry delay, in ms. Default: 900000 (15 minutes). */
    PIGEON_RETRY_CAP_MS: integerString('PIGEON_RETRY_CAP_MS', 10, 86400000).default(900000),
    /** Timeout of one webhook delivery request, in ms. Default: 10000. */
    PIGEON_WEBHOOK_TIMEOUT_MS: integerString('PIGEON_WEBHOOK_TIMEOUT_MS', 100, 120000).default(10000),
    /** Enforce per-key request quotas over 15-minute, 24-hour and 30-day windows. Default: true. */
    PIGEON_RATE_LIMITS: booleanString.default(true),
    /** Quotas for every key instead of the plan's, as "15m=N,24h=N,30d=N". Default: the plan's. */
    PIGEON_RATE_LIMIT_QUOTAS: z
      .string()
      .regex(/^15m=\d+,24h=\d+,30d=\d+$/, 'PIGEON_RATE_LIMIT_QUOTAS must look like 15m=100,24h=500,30d=15000')
      .optional(),
    /** How often each process writes its request counts to the database and reads the totals, in ms. Default: 1000. */
    PIGEON_RATE_LIMIT_SYNC_MS: integerString('PIGEON_RATE_LIMIT_SYNC_MS', 10, 60000).default(1000),
    /** Failed API key attempts one client address may make in 5 minutes before it is refused without a check. Default: 30. */
    PIGEON_AUTH_FAILURE_LIMIT: integerString('PIGEON_AUTH_FAILURE_LIMIT', 1, 100000).default(30),
    /** Seconds the server waits for in-flight work on SIGTERM before it exits anyway. Default: 20. */
    PIGEON_SHUTDOWN_GRACE_S: integerString('PIGEON_SHUTDOWN_GRACE_S', 0, 600).default(20),
    /**
     * Key that encrypts channel credentials at rest: 64 hex characters (32 bytes). Secret. Required
     * with DATABASE_URL. Default with SQLite: a key generated on first use into credentials.key,
     * beside the database file.
     */
    PIGEON_CREDENTIALS_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'PIGEON_CREDENTIALS_KEY must be 64 hex characters; generate one with openssl rand -hex 32')
      .optional(),
    /** Timeout of one request to a social network's API (Mastodon, Bluesky), in ms. Default: 15000. */
    PIGEON_NETWORK_TIMEOUT_MS: integerString('PIGEON_NETWORK_TIMEOUT_MS', 100, 120000).default(15000),
    /** Largest media file a worker downloads for a post, in bytes. Default: 104857600 (100 MiB). */
    PIGEON_MEDIA_MAX_BYTES: integerString('PIGEON_MEDIA_MAX_BYTES', 1024, 1073741824).default(104857600),
    /** Time limit for downloading one media file, in ms. Default: 30000. */
    PIGEON_MEDIA_TIMEOUT_MS: integerString('PIGEON_MEDIA_TIMEOUT_MS', 100, 600000).default(30000),
    /**
     * Comma-separated host names whose media may be downloaded even though they resolve to loopback
     * or private addresses, for local setups. Default: none, so only public addresses are fetched.
     */
    PIGEON_MEDIA_ALLOWED_PRIVATE_HOSTS: z.string().default(''),
  })
  .superRefine((env, ctx) => {
    // A lease must outlast a whole delivery attempt, or a slow receiver would see the post twice.
    if (env.PIGEON_WORKER_LEASE_MS < env.PIGEON_WEBHOOK_TIMEOUT_MS * 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['PIGEON_WORKER_LEASE_MS'],
        message: `PIGEON_WORKER_LEASE_MS (${env.PIGEON_WORKER_LEASE_MS}) must be at least twice PIGEON_WEBHOOK_TIMEOUT_MS (${env.PIGEON_WEBHOOK_TIMEOUT_MS})`,
      })
    }
    if (env.DATABASE_URL !== undefined && env.PIGEON_SQLITE_PATH !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PIGEON_SQLITE_PATH'],
        message: 'PIGEON_SQLITE_PATH cannot be used with DATABASE_URL; unset one of them',
      })
    }
    // Every process sharing the database must decrypt the same credentials, so none may invent a key.
    if (env.DATABASE_URL !== undefined && env.PIGEON_CREDENTIALS_KEY === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['PIGEON_CREDENTIALS_KEY'],
        message: 'PIGEON_CREDENTIALS_KEY is required with DATABASE_URL; generate one with openssl rand -hex 32 and give every process the same value',
      })
    }
  })

export type DatabaseConfig =
  | { dialect: 'sqlite'; sqlitePath: string }
  | { dialect: 'postgres'; url: string; poolSize: number }

/** Source of the key that encrypts channel credentials: the environment, or a file Pigeon creates. */
export type CredentialsKeyConfig = { source: 'env'; hex: string } | { source: 'file'; path: string }

/** Limits on the media files a worker downloads before uploading them to a network. */
export interface MediaFetchConfig {
  readonly maxBytes: number
  readonly timeoutMs: number
  /** Lowercase host names that may resolve to loopback or private addresses. */
  readonly allowedPrivateHosts: readonly string[]
}

/** Validated, frozen settings of one Pigeon process. */
export interface Config {
  readonly host: string
  readonly port: number
  /** Fastify's `trustProxy` option; false unless PIGEON_TRUST_PROXY names the proxies. */
  readonly trustProxy: TrustProxy
  readonly roles: readonly Role[]
  readonly logLevel: (typeof LOG_LEVELS)[number]
  readonly database: DatabaseConfig
  readonly defaultPlan: PlanName
  readonly migrateOnStart: boolean
  readonly exposeErrors: boolean
  readonly keyCacheTtlMs: number
  readonly worker: {
    readonly pollIntervalMs: number
    readonly concurrency: number
    readonly leaseMs: number
    readonly maxAttempts: number
    readonly retryBaseMs: number
    readonly retryCapMs: number
    readonly webhookTimeoutMs: number
    readonly networkTimeoutMs: number
  }
  readonly shutdownGraceMs: number
  readonly credentialsKey: CredentialsKeyConfig
  readonly media: MediaFetchConfig
  readonly rateLimits: {
    readonly enabled: boolean
    /** Quotas that replace every plan's, or null to use the plans'. */
    readonly quotas: RateLimitQuotas | null
    readonly syncIntervalMs: number
    readonly authFailureLimit: number
  }
}

/** Thrown by {@link loadConfig} with every problem found, one per line in `problems`. */
export class ConfigError extends Error {
  readonly problems: readonly string[]

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

function parseRoles(value: string, problems: string[]): Role[] {
  const roles: Role[] = []
  for (const raw of value.split(',')) {
    const role = raw.trim()
    if (role === '') continue
    if (!(ROLES as readonly string[]).includes(role)) {
      problems.push(`PIGEON_ROLES: unknown role "${role}"; use a comma-separated list of ${ROLES.join(', ')}`)
      continue
    }
    if (!roles.includes(role as Role)) roles.push(role as Role)
  }
  if (roles.length === 0 && problems.length === 0) {
    problems.push(`PIGEON_ROLES: no role given; use a comma-separated list of ${ROLES.join(', ')}`)
  }

  return roles
}

/**
 * Parses and validates the environment once. Throws {@link ConfigError} listing every problem,
 * so an operator can fix them all in one go. Relative paths resolve against `cwd`.
 */
export function loadConfig(env: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value !== ''),
  )
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    )
  }

  const values = parsed.data
  const problems: string[] = []
  const roles = parseRoles(values.PIGEON_ROLES, problems)
  if (problems.length > 0) throw new ConfigError(problems)

  const database: DatabaseConfig =
    values.DATABASE_URL !== undefined
      ? { dialect: 'postgres', url: values.DATABASE_URL, poolSize: values.PIGEON_PG_POOL_SIZE }
      : {
          dialect: 'sqlite',
          sqlitePath: path.resolve(cwd, values.PIGEON_SQLITE_PATH ?? path.join(values.PIGEON_DATA_DIR, 'pigeon.sqlite')),
        }

  return deepFreeze({
    host: values.PIGEON_HOST,
    port: values.PIGEON_PORT,
    trustProxy: values.PIGEON_TRUST_PROXY,
    roles,
    logLevel: values.LOG_LEVEL,
    database,
    defaultPlan: values.PIGEON_DEFAULT_PLAN,
    migrateOnStart: values.PIGEON_MIGRATE_ON_START,
    exposeErrors: values.PIGEON_EXPOSE_ERRORS,
    keyCacheTtlMs: values.PIGEON_KEY_CACHE_TTL_MS,
    worker: {
      pollIntervalMs: values.PIGEON_WORKER_POLL_MS,
      concurrency: values.PIGEON_WORKER_CONCURRENCY,
      leaseMs: values.PIGEON_WORKER_LEASE_MS,
      maxAttempts: values.PIGEON_MAX_ATTEMPTS,
      retryBaseMs: values.PIGEON_RETRY_BASE_MS,
      retryCapMs: values.PIGEON_RETRY_CAP_MS,
      webhookTimeoutMs: values.PIGEON_WEBHOOK_TIMEOUT_MS,
      networkTimeoutMs: values.PIGEON_NETWORK_TIMEOUT_MS,
    },
    shutdownGraceMs: values.PIGEON_SHUTDOWN_GRACE_S * 1000,
    credentialsKey: credentialsKeyConfig(values.PIGEON_CREDENTIALS_KEY, database, cwd),
    media: {
      maxBytes: values.PIGEON_MEDIA_MAX_BYTES,
      timeoutMs: values.PIGEON_MEDIA_TIMEOUT_MS,
      allowedPrivateHosts: values.PIGEON_MEDIA_ALLOWED_PRIVATE_HOSTS.split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== ''),
    },
    rateLimits: {
      enabled: values.PIGEON_RATE_LIMITS,
      quotas: parseQuotas(values.PIGEON_RATE_LIMIT_QUOTAS),
      syncIntervalMs: values.PIGEON_RATE_LIMIT_SYNC_MS,
      authFailureLimit: values.PIGEON_AUTH_FAILURE_LIMIT,
    },
  })
}

// The generated key sits beside the SQLite file, so a database and its key move together. With
// PostgreSQL the schema has already required PIGEON_CREDENTIALS_KEY.
function credentialsKeyConfig(hex: string | undefined, database: DatabaseConfig, cwd: string): CredentialsKeyConfig {
  if (hex !== undefined) return { source: 'env', hex: hex.toLowerCase() }
  const folder = database.dialect === 'sqlite' ? path.dirname(database.sqlitePath) : cwd

  return { source: 'file', path: path.join(folder, 'credentials.key') }
}

function parseQuotas(value: string | undefined): RateLimitQuotas | null {
  if (value === undefined) return null
  const numbers = Object.fromEntries(value.split(',').map((part) => part.split('=') as [string, string]))

  return { fifteenMinutes: Number(numbers['15m']), oneDay: Number(numbers['24h']), thirtyDays: Number(numbers['30d']) }
}

/** Returns the settings that are safe to log: the database URL loses its password. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const database =
    config.database.dialect === 'postgres'
      ? { dialect: 'postgres', url: redactUrlPassword(config.database.url), poolSize: config.database.poolSize }
      : config.database

  const credentialsKey = config.credentialsKey.source === 'env' ? { source: 'env', hex: '[redacted]' } : config.credentialsKey

  return { ...config, database, credentialsKey }
}

function redactUrlPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://(unparseable)'
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }

  return value
}
