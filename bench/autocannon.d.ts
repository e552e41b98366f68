// Types for the part of autocannon 9.0.0's programmatic API that the benchmark uses, because
// autocannon ships no type declarations and @types/autocannon is not a dependency. Field names
// follow the "API" and "Results" sections of its README.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface Options {
    url: string
    method?: 'GET' | 'POST'
    headers?: Record<string, string>
    body?: string
    /** Concurrent connections. Default: 10. */
    connections?: number
    /** Requests in flight per connection. Default: 1. */
    pipelining?: number
    /** Length of the run, in seconds. Default: 10. */
    duration?: number
    /** Seconds to wait for one response before counting a timeout. Default: 10. */
    timeout?: number
    /** Expected body of every response. Responses with another body are counted in `mismatches`. */
    expectBody?: string
    title?: string
  }

  /** Summary of one hdr histogram. The `p*` fields are percentiles. */
  export interface Histogram {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total?: number
    p2_5: number
    p50: number
    p75: number
    p90: number
    p97_5: number
    p99: number
    p99_9: number
  }

  export interface Result {
    title?: string
    url: string
    /** Requests completed per sample interval (one second by default). */
    requests: Histogram & { sent: number }
    /** Response times in milliseconds, recorded at whole-millisecond resolution. */
    latency: Histogram & { totalCount: number }
    throughput: Histogram
    /** Length of the run, in seconds. */
    duration: number
    /** Connection errors, timeouts included. */
    errors: number
    timeouts: number
    mismatches: number
    non2xx: number
    statusCodeStats: Record<string, { count: number }>
  }

  export interface Instance extends EventEmitter {
    /** Ends the run early. The callback still receives the results gathered so far. */
    stop(): void
  }

  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance

  export default autocannon
}
