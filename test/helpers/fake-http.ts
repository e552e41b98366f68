import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'

/**
 * A scripted misbehaviour for the next request to one route of a fake network:
 * - `fail`: respond with `status` without doing anything;
 * - `rateLimit`: respond with 429, Retry-After and the network's rate-limit headers;
 * - `slow`: do the work, then respond after `delayMs`;
 * - `acceptThenHang`: do the work, then hold the response for `delayMs` (default: until the fake
 *   stops), as a server that accepted the request and then timed out.
 */
export type Behaviour =
  | { kind: 'fail'; status: number; body?: Record<string, unknown> }
  | { kind: 'rateLimit'; retryAfterSeconds: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'acceptThenHang'; delayMs?: number }

/** One request a fake received, for assertions about what Pigeon sent. */
export interface ReceivedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  at: number
}

export interface FakeRequest {
  method: string
  url: URL
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export interface FakeReply {
  status: number
  /** A Buffer is sent as is; a string as HTML; anything else as JSON. */
  body?: unknown
  headers?: Record<string, string>
  /** Delay before the response is sent; Infinity sends none until the fake stops. */
  delayMs?: number
}

/** Routes scripted behaviours to named routes, one behaviour per request, in order. */
export class BehaviourScript<Route extends string> {
  private readonly queues = new Map<Route, Behaviour[]>()

  /** Queues behaviours for the next requests to `route`; later requests behave normally. */
  add(route: Route, ...behaviours: Behaviour[]): void {
    this.queues.set(route, [...(this.queues.get(route) ?? []), ...behaviours])
  }

  take(route: Route): Behaviour | undefined {
    return this.queues.get(route)?.shift()
  }
}

/**
 * Starts an HTTP server on 127.0.0.1 with a random port, stopped when the test ends. Responses
 * held back (slow or hanging) are dropped when it stops, so no test waits for them.
 */
export async function startLoopbackServer(t: TestContext, handle: (request: FakeRequest) => Promise<FakeReply>, received: ReceivedRequest[]): Promise<string> {
  const timers = new Set<NodeJS.Timeout>()
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      received.push({ method: request.method ?? 'GET', path: url.pathname, headers: request.headers, at: Date.now() })
      handle({ method: request.method ?? 'GET', url, headers: request.headers, body: Buffer.concat(chunks) }).then(
        (reply) => {
          const send = () => {
            if (response.destroyed) return
            const { payload, type } = encodeBody(reply.body)
            response.writeHead(reply.status, { ...(payload.length > 0 && { 'content-type': type }), ...reply.headers })
            response.end(payload)
          }
          if (reply.delayMs === undefined || reply.delayMs <= 0) return send()
          if (reply.delayMs === Number.POSITIVE_INFINITY) return
          const timer = setTimeout(() => {
            timers.delete(timer)
            send()
          }, reply.delayMs)
          timers.add(timer)
        },
        (error: unknown) => {
          response.writeHead(500, { 'content-type': 'application/json' })
          response.end(JSON.stringify({ error: 'InternalServerError', message: String(error) }))
        },
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    for (const timer of timers) clearTimeout(timer)
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Parses a JSON, form-urlencoded or multipart body into plain fields; repeated keys become arrays. */
export async function readFields(request: FakeRequest): Promise<Record<string, unknown>> {
  const type = request.headers['content-type'] ?? ''
  if (type.includes('application/json')) return JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>
  if (!type.includes('application/x-www-form-urlencoded') && !type.includes('multipart/form-data')) return {}

  const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': type }, body: request.body }).formData()
  const fields: Record<string, unknown> = {}
  for (const [key, value] of form.entries()) {
    const name = key.replace(/\[\]$/, '')
    const existing = fields[name]
    if (key.endsWith('[]')) fields[name] = [...((existing as unknown[] | undefined) ?? []), value]
    else fields[name] = value
  }

  return fields
}

/** Returns the bearer token of a request, or null. */
export function bearerOf(request: FakeRequest): string | null {
  const header = request.headers.authorization ?? ''
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null
}

function encodeBody(body: unknown): { payload: string | Buffer; type: string } {
  if (body === undefined) return { payload: '', type: '' }
  if (Buffer.isBuffer(body)) return { payload: body, type: 'application/octet-stream' }
  if (typeof body === 'string') return { payload: body, type: 'text/html; charset=utf-8' }

  return { payload: JSON.stringify(body), type: 'application/json; charset=utf-8' }
}
