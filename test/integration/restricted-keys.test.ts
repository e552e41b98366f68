import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildSchema } from 'graphql'
import { OPERATION_SCOPES } from '../../src/api/graphql/operation-scopes.ts'
import { loadSchemaSource } from '../../src/api/graphql/load-schema.ts'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { SCOPES } from '../../src/auth/scopes.ts'
import { newObjectId } from '../../src/ids.ts'
import { insertMembership, insertOrganization } from '../../src/storage/accounts-repo.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant, type TenantFixture } from '../helpers/factories.ts'
import { OPERATION_CASES } from '../helpers/operations.ts'

async function keyWith(app: TestApp, tenant: TenantFixture, options: { scopes?: string[]; organizationId?: string }): Promise<string> {
  const created = await createApiKey(app.deps, { accountId: tenant.accountId, name: 'restricted', expiresAt: null, scopes: options.scopes ?? null, organizationId: options.organizationId ?? null })
  if (!created.ok) throw new Error(created.error.message)
  return created.value.plaintext
}

async function createDraft(app: TestApp, key: string, channelId: string): Promise<string> {
  const response = await app.graphql(
    'mutation($c: ChannelId!) { createPost(input: { channelId: $c, mode: addToQueue, schedulingType: automatic, text: "draft", saveToDraft: true }) { ... on PostActionSuccess { post { id } } } }',
    { c: channelId },
    key,
  )
  return response.body.data!.createPost.post.id as string
}

describe('operation scopes', () => {
  it('declares a scope for every root field', () => {
    const schema = buildSchema(loadSchemaSource())
    const fields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())]
    const declared = new Set([...Object.keys(OPERATION_SCOPES.Query), ...Object.keys(OPERATION_SCOPES.Mutation)])

    assert.deepEqual(fields.filter((field) => !declared.has(field)), [])
  })

  it('has a test case for every root field', () => {
    const declared = [...Object.keys(OPERATION_SCOPES.Query), ...Object.keys(OPERATION_SCOPES.Mutation)].sort()

    assert.deepEqual(OPERATION_CASES.map((operation) => operation.field).sort(), declared)
  })
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: restricted keys`, () => {
    for (const operation of OPERATION_CASES) {
      const needed = OPERATION_SCOPES[operation.type][operation.field]!

      it(`refuses ${operation.field} without ${needed}`, async (t) => {
        const app = await startTestApp(t, dialect, { env: { PIGEON_RATE_LIMITS: 'false' } })
        const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
        const channel = await buildChannel(app.deps, tenant.organizationId)
        const postId = await createDraft(app, tenant.apiKey, channel.id)
        const lacking = await keyWith(app, tenant, { scopes: SCOPES.filter((scope) => scope !== needed) })
        const having = await keyWith(app, tenant, { scopes: [needed] })
        const ids = { organizationId: tenant.organizationId, channelId: channel.id, postId }

        const refused = await app.graphql(operation.document, operation.variables(ids), lacking)
        const allowed = await app.graphql(operation.document, operation.variables(ids), having)

        const payload = refused.body.data?.[operation.field]
        const forbiddenError = refused.body.errors?.find((error) => error.extensions?.code === 'FORBIDDEN')
        assert.equal(refused.status, 200)
        assert.ok(payload?.__typename === 'UnauthorizedError' || forbiddenError !== undefined, `expected a refusal, got ${JSON.stringify(refused.body)}`)
        assert.match(payload?.message ?? forbiddenError!.message, new RegExp(needed))
        assert.equal(allowed.body.errors?.some((error) => error.extensions?.code === 'FORBIDDEN') ?? false, false)
        assert.notEqual(allowed.body.data?.[operation.field]?.__typename, 'UnauthorizedError')
      })
    }

    it('limits a key to one organization', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)
      const otherOrganizationId = newObjectId()
      const now = Date.now()
      await insertOrganization(app.deps.db.kysely, { id: otherOrganizationId, name: 'Second brand', plan: 'team', ownerAccountId: tenant.accountId, createdAt: now })
      await insertMembership(app.deps.db.kysely, { accountId: tenant.accountId, organizationId: otherOrganizationId, role: 'owner', createdAt: now })
      const otherChannel = await buildChannel(app.deps, otherOrganizationId)
      const restricted = await keyWith(app, tenant, { organizationId: tenant.organizationId })

      const account = await app.graphql('query { account { organizations { id } } }', {}, restricted)
      const channel = await app.graphql('query($c: ChannelId!) { channel(input: { id: $c }) { id } }', { c: otherChannel.id }, restricted)
      const unrestricted = await app.graphql('query($c: ChannelId!) { channel(input: { id: $c }) { id } }', { c: otherChannel.id }, tenant.apiKey)

      assert.deepEqual(account.body.data!.account.organizations, [{ id: tenant.organizationId }])
      assert.equal(channel.body.errors?.[0]?.extensions?.code, 'NOT_FOUND')
      assert.equal(unrestricted.body.data?.channel.id, otherChannel.id)
    })

    it('rejects unknown scopes', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)

      const created = await createApiKey(app.deps, { accountId: tenant.accountId, name: 'bad', expiresAt: null, scopes: ['posts:delete'] })

      assert.equal(!created.ok && created.error.code, 'INVALID_SCOPES')
      assert.match(!created.ok ? created.error.message : '', /"posts:delete"/)
    })
  })
}
