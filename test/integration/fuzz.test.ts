import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { buildSchema } from 'graphql'
import { loadSchemaSource } from '../../src/api/graphql/load-schema.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { edgeDateTime, nastyString, schemaDocument } from '../helpers/graphql-arbitraries.ts'

/** Generated requests per property; CI runs the default. */
const RUNS = Number(process.env.PIGEON_FUZZ_RUNS ?? 10_000)
const FUZZ_ENV = { PIGEON_RATE_LIMITS: 'false', PIGEON_AUTH_FAILURE_LIMIT: '100000', LOG_LEVEL: 'warn' }

interface Sent {
  status: number
  text: string
}

async function send(app: TestApp, body: string | Uint8Array, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers, body })
  return { status: response.status, text: await response.text() }
}

/** Asserts the answer to bad input: below 500, JSON with data or errors, each error with a message, no masked bug. */
function assertWellFormed(sent: Sent, input: unknown): void {
  assert.ok(sent.status < 500, `status ${sent.status} for ${JSON.stringify(input).slice(0, 300)}: ${sent.text.slice(0, 300)}`)
  const body = JSON.parse(sent.text) as { data?: unknown; errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> }
  assert.ok('data' in body || 'errors' in body, `no data or errors: ${sent.text.slice(0, 200)}`)
  for (const error of body.errors ?? []) {
    assert.equal(typeof error.message, 'string')
    assert.notEqual(error.extensions?.code, 'UNEXPECTED', `masked bug for ${JSON.stringify(input).slice(0, 300)}: ${sent.text.slice(0, 300)}`)
  }
}

function assertNoErrorLogs(app: TestApp): void {
  const errors = app.logs.entries.filter((entry) => Number(entry.level) >= 50)
  assert.deepEqual(errors.map((entry) => `${entry.msg}: ${JSON.stringify(entry.err ?? '').slice(0, 200)}`), [])
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: bad input`, () => {
    it('answers schema-generated documents', async (t) => {
      const app = await startTestApp(t, dialect, { env: FUZZ_ENV })
      const tenant = await buildTenant(app.deps)
      await buildChannel(app.deps, tenant.organizationId)
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` }

      await fc.assert(
        fc.asyncProperty(schemaDocument(buildSchema(loadSchemaSource())), async (document) => {
          assertWellFormed(await send(app, JSON.stringify({ query: document }), headers), document)
        }),
        { numRuns: RUNS },
      )

      assertNoErrorLogs(app)
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200)
    })

    it('answers malformed bodies and content types', async (t) => {
      const app = await startTestApp(t, dialect, { env: FUZZ_ENV })
      const tenant = await buildTenant(app.deps)
      const body = fc.oneof(
        fc.json().map((json) => ({ raw: json })),
        fc.anything().map((value) => ({ raw: JSON.stringify({ query: value, variables: value }) ?? 'null' })),
        nastyString.map((query) => ({ raw: JSON.stringify({ query }) })),
        fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ raw: text })),
        fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ raw: bytes })),
        fc.constantFrom('{ account { id } ', '{ account { id } } }', 'query { __schema { types { name } } }', 'subscription { x }', '{ a: account { id } a: account { email } }').map((query) => ({ raw: JSON.stringify({ query }) })),
      )
      const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', '')

      await fc.assert(
        fc.asyncProperty(body, contentType, async ({ raw }, type) => {
          const headers: Record<string, string> = { authorization: `Bearer ${tenant.apiKey}` }
          if (type !== '') headers['content-type'] = type
          assertWellFormed(await send(app, raw, headers), { raw: typeof raw === 'string' ? raw : `bytes:${raw.length}`, type })
        }),
        { numRuns: RUNS },
      )

      assertNoErrorLogs(app)
    })

    it('never stores a partial post', async (t) => {
      const app = await startTestApp(t, dialect, { env: FUZZ_ENV })
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const channel = await buildChannel(app.deps, tenant.organizationId)
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` }
      const input = fc.record(
        {
          channelId: fc.oneof(fc.constant(channel.id), nastyString),
          mode: fc.constantFrom('addToQueue', 'shareNext', 'shareNow', 'customScheduled', 'bogus'),
          schedulingType: fc.constantFrom('automatic', 'notification'),
          text: fc.oneof(nastyString, fc.constant(null)),
          dueAt: fc.oneof(edgeDateTime, fc.constant(null)),
          saveToDraft: fc.boolean(),
          tagIds: fc.array(nastyString, { maxLength: 3 }),
          assets: fc.array(fc.record({ image: fc.record({ url: fc.oneof(nastyString, fc.constant('https://example.com/a.png')), metadata: fc.record({ altText: nastyString }) }) }, { requiredKeys: [] }), { maxLength: 3 }),
        },
        { requiredKeys: ['channelId', 'mode', 'schedulingType'] },
      )
      let created = 0

      await fc.assert(
        fc.asyncProperty(input, async (variables) => {
          const sent = await send(app, JSON.stringify({ query: 'mutation($i: CreatePostInput!) { createPost(input: $i) { __typename ... on MutationError { message } } }', variables: { i: variables } }), headers)
          assertWellFormed(sent, variables)
          const payload = (JSON.parse(sent.text) as { data?: { createPost?: { __typename: string; message?: string } } }).data?.createPost
          if (payload?.__typename === 'PostActionSuccess') created++
          if (payload !== undefined && payload.__typename !== 'PostActionSuccess') assert.ok((payload.message ?? '').length > 0)
        }),
        { numRuns: RUNS },
      )
      const stored = await app.deps.db.kysely.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()

      assert.equal(Number(stored.count), created)
      assertNoErrorLogs(app)
    })
  })
}
