// Checks a few responses of each server with fetch before any load is applied, so the benchmark
// measures correct responses. Their common body becomes autocannon's expected body.
import type { ReadyMessage } from './server-child.ts'

/** The benchmark query: the authenticated account and its organizations. */
export const BENCH_QUERY = '{ account { id organizations { id name } } }'
const SAMPLE_REQUESTS = 5
const FETCH_TIMEOUT_MS = 5_000

interface GraphQLAccountBody {
  data?: { account?: { id?: unknown; organizations?: Array<{ id?: unknown; name?: unknown }> } } | null
  errors?: Array<{ message: string; extensions?: { code?: string } }>
}

/** Headers and body every benchmark request carries, for Pigeon and the baseline alike. */
export function benchmarkRequest(apiKey: string): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query: BENCH_QUERY }),
  }
}

/**
 * Sends the query to Pigeon SAMPLE_REQUESTS times and checks each response for status 200, no
 * errors, the tenant's account id and its organization. Also checks that a request without the
 * key gets 401, so the benchmark runs the authenticated path. Returns the response body, or throws
 * on any failed check.
 */
export async function checkPigeonResponses(ready: ReadyMessage, apiKey: string): Promise<string> {
  const tenant = ready.tenant
  if (tenant === undefined) throw new Error('the Pigeon server did not report its tenant')
  const request = benchmarkRequest(apiKey)

  const anonymous = await post(`${ready.url}/graphql`, { 'content-type': 'application/json' }, request.body)
  if (anonymous.status !== 401) throw new Error(`Pigeon returned status ${anonymous.status} for a request without an API key; expected 401`)

  const bodies = new Set<string>()
  for (let attempt = 0; attempt < SAMPLE_REQUESTS; attempt += 1) {
    const response = await post(`${ready.url}/graphql`, request.headers, request.body)
    const problem = findAccountProblem(response, tenant)
    if (problem !== null) throw new Error(`Pigeon's response to the benchmark query is wrong (${problem}): ${response.text.slice(0, 500)}`)
    bodies.add(response.text)
  }
  if (bodies.size !== 1) throw new Error(`Pigeon returned ${bodies.size} different bodies for the same query; autocannon needs one expected body`)

  return [...bodies][0]!
}

/** Returns what is wrong with one response to the benchmark query, or null when it is correct. */
function findAccountProblem(response: { status: number; text: string }, tenant: { accountId: string; organizationId: string }): string | null {
  if (response.status !== 200) return `status ${response.status}`
  const parsed = parseBody(response.text)
  if (parsed === null) return 'the body is not JSON'
  if (parsed.errors !== undefined) return `errors ${JSON.stringify(parsed.errors)}`

  const account = parsed.data?.account
  if (account?.id !== tenant.accountId) return `account id ${String(account?.id)}, expected ${tenant.accountId}`
  if (!account.organizations?.some((organization) => organization.id === tenant.organizationId)) return `organization ${tenant.organizationId} is missing`

  return null
}

/** Sends the benchmark request to the baseline server, checks for status 200 and an account id under `data`, and returns the body. */
export async function checkBareResponses(ready: ReadyMessage, apiKey: string): Promise<string> {
  const request = benchmarkRequest(apiKey)
  const bodies = new Set<string>()
  for (let attempt = 0; attempt < SAMPLE_REQUESTS; attempt += 1) {
    const response = await post(`${ready.url}/graphql`, request.headers, request.body)
    if (response.status !== 200 || typeof parseBody(response.text)?.data?.account?.id !== 'string') {
      throw new Error(`the baseline server's response is wrong (status ${response.status}): ${response.text.slice(0, 500)}`)
    }
    bodies.add(response.text)
  }
  if (bodies.size !== 1) throw new Error(`the baseline server returned ${bodies.size} different bodies for the same request`)

  return [...bodies][0]!
}

function parseBody(text: string): GraphQLAccountBody | null {
  try {
    return JSON.parse(text) as GraphQLAccountBody
  } catch {
    return null
  }
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })

  return { status: response.status, text: await response.text() }
}
