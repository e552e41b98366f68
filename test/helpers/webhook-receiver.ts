import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { verifyWebhook } from '../../src/channels/webhook/standard-webhooks.ts'

export interface ReceivedWebhook {
  id: string
  body: Record<string, any>
  rawBody: string
  signatureValid: boolean
  receivedAt: number
}

export interface WebhookReceiver {
  url: string
  received: ReceivedWebhook[]
  /** Sets the status the receiver answers with next; the default is 200. */
  respondWith(status: number, headers?: Record<string, string>): void
  /** Resolves once `count` deliveries arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>
}

/**
 * A webhook receiver on 127.0.0.1 that records every delivery and checks its Standard Webhooks
 * signature against `secret` (set later with `setSecret` when the channel generates it).
 */
export async function startWebhookReceiver(t: TestContext): Promise<WebhookReceiver & { setSecret(secret: string): void }> {
  const received: ReceivedWebhook[] = []
  let secret: string | null = null
  let next = { status: 200, headers: {} as Record<string, string> }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8')
      const verified = secret === null ? false : verifyWebhook({ secret, headers: request.headers, body: rawBody, now: new Date() }).ok
      received.push({ id: String(request.headers['webhook-id']), body: JSON.parse(rawBody) as Record<string, any>, rawBody, signatureValid: verified, receivedAt: Date.now() })
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers })
      response.end(JSON.stringify({ id: `remote-${received.length}`, url: `https://social.example/posts/${received.length}` }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    setSecret: (value) => (secret = value),
    respondWith: (status, headers = {}) => (next = { status, headers }),
    async waitFor(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook deliveries within ${timeoutMs} ms, got ${received.length}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      return received
    },
  }
}
