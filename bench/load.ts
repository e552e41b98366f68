// One autocannon run against one server, with the settings every case shares.
import autocannon, { type Result } from 'autocannon'
import { withTimeout } from './server-process.ts'

/** Concurrent connections of every run. The p99 target applies at this load. */
export const CONNECTIONS = 50
const REQUEST_TIMEOUT_S = 10
/** Extra time allowed past a run's duration before it is stopped and reported as overrun. */
const RUN_GRACE_MS = 30_000

/** The request every connection repeats, and the exact body each response must have. */
export interface LoadTarget {
  url: string
  headers: Record<string, string>
  body: string
  expectedBody: string
}

/** The figures of one run. Latencies are in milliseconds at autocannon's whole-millisecond resolution. */
export interface LoadResult {
  durationS: number
  requestsPerSecond: number
  totalRequests: number
  latencyP50Ms: number
  latencyP99Ms: number
  latencyMaxMs: number
  /** Connection errors, timeouts included. */
  errors: number
  timeouts: number
  non2xx: number
  /** Responses whose body differed from `expectedBody`. */
  mismatches: number
}

/** Runs autocannon for `durationS` seconds. Stops it and throws if it overruns by more than 30 s. */
export async function runLoad(target: LoadTarget, durationS: number): Promise<LoadResult> {
  let instance: ReturnType<typeof autocannon> | undefined
  const finished = new Promise<Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: target.headers,
        body: target.body,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: durationS,
        timeout: REQUEST_TIMEOUT_S,
        expectBody: target.expectedBody,
      },
      (error, result) => (error === null ? resolve(result) : reject(error)),
    )
  })
  const limitMs = durationS * 1000 + RUN_GRACE_MS
  const result = await withTimeout(finished, limitMs, `autocannon against ${target.url} did not finish within ${limitMs / 1000} s`).catch((error: unknown) => {
    instance?.stop()
    throw error
  })

  return {
    durationS: result.duration,
    requestsPerSecond: result.requests.mean,
    totalRequests: result.latency.totalCount,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
  }
}

/** Lists what makes a run invalid: failed requests, non-2xx responses, wrong bodies or no requests at all. */
export function describeLoadProblems(result: LoadResult): string[] {
  const problems: string[] = []
  if (result.totalRequests === 0) problems.push('no request completed')
  if (result.errors > 0) problems.push(`${result.errors} connection errors (${result.timeouts} timeouts)`)
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx responses`)
  if (result.mismatches > 0) problems.push(`${result.mismatches} responses with an unexpected body`)

  return problems
}
