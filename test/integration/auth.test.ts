import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { buildSchema, isObjectType } from 'graphql'
import { loadSchemaSource } from '../../src/api/graphql/load-schema.ts'
import { generateApiKey } from '../../src/auth/api-key-format.ts'
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.ts'
import { newObjectId } from '../../src/ids.ts'
import { startTestApp, type GraphQLBody, type TestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant, type TenantFixture } from '../helpers/factories.ts'

/** Ids an operation's variables point at. */
interface TargetIds {
  organizationId: string
  channelId: string
  postId: string
}

interface Operation {
  /** The root field the operation calls. */
  field: string
  query: string
  variables(ids: TargetIds): Record<string, unknown>
  /** `__typename` that a mutation returns on success. Queries have none. */
  success?: string
}

/** One request per root field of the schema, written as a Buffer client would send it. */
const OPERATIONS: Operation[] = [
  {
    field: 'account',
    query: 'query Account { account { id email } }',
    variables: () => ({}),
  },
  {
    field: 'channels',
    query: 'query Channels($organizationId: OrganizationId!) { channels(input: { organizationId: $organizationId }) { id name } }',
    variables: (ids) => ({ organizationId: ids.organizationId }),
  },
  {
    field: 'channel',
    query: 'query Channel($id: ChannelId!) { channel(input: { id: $id }) { id name } }',
    variables: (ids) => ({ id: ids.channelId }),
  },
  {
    field: 'posts',
    query: 'query Posts($organizationId: OrganizationId!) { posts(first: 5, input: { organizationId: $organizationId }) { edges { node { id } } pageInfo { hasNextPage } } }',
    variables: (ids) => ({ organizationId: ids.organizationId }),
  },
  {
    field: 'post',
    query: 'query Post($id: PostId!) { post(input: { id: $id }) { id text } }',
    variables: (ids) => ({ id: ids.postId }),
  },
  {
    field: 'dailyPostingLimits',
    query: 'query DailyPostingLimits($channelIds: [ChannelId!]!) { dailyPostingLimits(input: { channelIds: $channelIds }) { channelId limit scheduled sent } }',
    variables: (ids) => ({ channelIds: [ids.channelId] }),
  },
  {
    field: 'ideas',
    query: 'query Ideas($organizationId: OrganizationId!) { ideas(first: 5, input: { organizationId: $organizationId }) { edges { node { id } } } }',
    variables: (ids) => ({ organizationId: ids.organizationId }),
  },
  {
    field: 'ideaGroups',
    query: 'query IdeaGroups($organizationId: ID!) { ideaGroups(input: { organizationId: $organizationId }) { id name } }',
    variables: (ids) => ({ organizationId: ids.organizationId }),
  },
  {
    field: 'createPost',
    query: `mutation CreatePost($channelId: ChannelId!) {
      createPost(input: { channelId: $channelId, mode: addToQueue, schedulingType: automatic, text: "Created by the auth test" }) {
        __typename
        ... on MutationError { message }
      }
    }`,
    variables: (ids) => ({ channelId: ids.channelId }),
    success: 'PostActionSuccess',
  },
  {
    field: 'editPost',
    query: `mutation EditPost($id: PostId!) {
      editPost(input: { id: $id, text: "Edited by the auth test" }) { __typename ... on MutationError { message } }
    }`,
    variables: (ids) => ({ id: ids.postId }),
    success: 'PostActionSuccess',
  },
  {
    field: 'movePostInQueue',
    query: `mutation MovePostInQueue($id: PostId!) {
      movePostInQueue(input: { id: $id, position: top }) { __typename ... on MutationError { message } }
    }`,
    variables: (ids) => ({ id: ids.postId }),
    success: 'PostActionSuccess',
  },
  {
    field: 'deletePost',
    query: `mutation DeletePost($id: PostId!) {
      deletePost(input: { id: $id }) { __typename ... on DeletePostSuccess { id } ... on MutationError { message } }
    }`,
    variables: (ids) => ({ id: ids.postId }),
    success: 'DeletePostSuccess',
  },
  {
    field: 'createIdea',
    query: `mutation CreateIdea($organizationId: ID!) {
      createIdea(input: { organizationId: $organizationId, content: { title: "Idea from the auth test" } }) {
        __typename
        ... on Idea { id }
        ... on MutationError { message }
      }
    }`,
    variables: (ids) => ({ organizationId: ids.organizationId }),
    success: 'Idea',
  },
  {
    field: 'updatePostingSchedule',
    query: `mutation UpdatePostingSchedule($channelId: ChannelId!) {
      updatePostingSchedule(input: { channelId: $channelId, schedule: [{ day: mon, times: ["10:00"] }] }) {
        __typename
        ... on MutationError { message }
      }
    }`,
    variables: (ids) => ({ channelId: ids.channelId }),
    success: 'ChannelActionSuccess',
  },
  {
    field: 'setChannelQueuePaused',
    query: `mutation SetChannelQueuePaused($channelId: ChannelId!) {
      setChannelQueuePaused(input: { channelId: $channelId, paused: true }) { __typename ... on MutationError { message } }
    }`,
    variables: (ids) => ({ channelId: ids.channelId }),
    success: 'ChannelActionSuccess',
  },
]

const MISSING_CREDENTIAL_MESSAGE = 'An authentication JWT or Access Token is required'

const CREATE_QUEUED_POST = `mutation CreatePost($channelId: ChannelId!) {
  createPost(input: { channelId: $channelId, mode: addToQueue, schedulingType: automatic, text: "Tenant post" }) {
    ... on PostActionSuccess { post { id } }
    ... on MutationError { message }
  }
}`

interface Arranged {
  app: TestApp
  tenant: TenantFixture
  ids: TargetIds
}

/** Starts the app with one tenant that owns a channel and a queued post. */
async function arrange(t: TestContext, dialect: (typeof DIALECTS)[number], now?: () => Date): Promise<Arranged> {
  const app = await startTestApp(t, dialect, now === undefined ? {} : { now })
  const tenant = await buildTenant(app.deps)
  const ids = await buildTargets(app, tenant)

  return { app, tenant, ids }
}

async function buildTargets(app: TestApp, tenant: TenantFixture): Promise<TargetIds> {
  const channel = await buildChannel(app.deps, tenant.organizationId)
  const created = await app.graphql(CREATE_QUEUED_POST, { channelId: channel.id }, tenant.apiKey)
  const postId = created.body.data?.createPost?.post?.id
  if (typeof postId !== 'string') throw new Error(`arranging a post failed: ${JSON.stringify(created.body)}`)

  return { organizationId: tenant.organizationId, channelId: channel.id, postId }
}

/** Sends every operation with `key` and expects 401 with the UNAUTHENTICATED body, one subtest each. */
async function expectEveryOperationRejected(t: TestContext, app: TestApp, ids: TargetIds, key: string | null, message: string | RegExp): Promise<void> {
  for (const operation of OPERATIONS) {
    await t.test(operation.field, async () => {
      const response = await app.graphql(operation.query, operation.variables(ids), key)
      const received = response.body.errors?.[0]?.message ?? ''

      assert.equal(response.status, 401)
      if (typeof message === 'string') assert.equal(received, message)
      else assert.match(received, message)
      assert.deepEqual(response.body, { errors: [{ message: received, extensions: { code: 'UNAUTHENTICATED' } }] })
    })
  }
}

/** Changes the last checksum character of a key, so it keeps the shape of a key but fails the check. */
function withBadChecksum(key: string): string {
  const replacement = key.endsWith('a') ? 'b' : 'a'

  return key.slice(0, -1) + replacement
}

async function request(app: TestApp, method: string, path: string, options: { key?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = {}
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'

  return fetch(`${app.url}${path}`, { method, headers, ...(options.body !== undefined && { body: JSON.stringify(options.body) }) })
}

describe('auth operation table', () => {
  it('covers every root field', () => {
    const schema = buildSchema(loadSchemaSource())
    const served = [schema.getQueryType(), schema.getMutationType()].flatMap((type) => (isObjectType(type) ? Object.keys(type.getFields()) : []))

    assert.deepEqual(OPERATIONS.map((operation) => operation.field).sort(), served.sort())
  })
})

for (const dialect of DIALECTS) {
  describe(`${dialect}: authentication`, () => {
    it('serves every operation to a valid key', async (t) => {
      const { app, tenant, ids } = await arrange(t, dialect)

      for (const operation of OPERATIONS) {
        await t.test(operation.field, async () => {
          const response = await app.graphql(operation.query, operation.variables(ids), tenant.apiKey)

          assert.equal(response.status, 200)
          assert.equal(response.body.errors, undefined)
          if (operation.success !== undefined) assert.equal(response.body.data?.[operation.field]?.__typename, operation.success)
        })
      }
    })

    it('rejects a missing Authorization header', async (t) => {
      const { app, ids } = await arrange(t, dialect)

      await expectEveryOperationRejected(t, app, ids, null, MISSING_CREDENTIAL_MESSAGE)
    })

    it('rejects a malformed key', async (t) => {
      const { app, ids } = await arrange(t, dialect)

      await expectEveryOperationRejected(t, app, ids, 'not-a-pigeon-key', /not hold a valid Pigeon API key/)
    })

    it('rejects a key with a bad checksum', async (t) => {
      const { app, tenant, ids } = await arrange(t, dialect)

      await expectEveryOperationRejected(t, app, ids, withBadChecksum(tenant.apiKey), /not hold a valid Pigeon API key/)
    })

    it('rejects an unknown key', async (t) => {
      const { app, ids } = await arrange(t, dialect)

      await expectEveryOperationRejected(t, app, ids, generateApiKey(), /not recognised/)
    })

    it('rejects a revoked key', async (t) => {
      const { app, tenant, ids } = await arrange(t, dialect)
      const created = await createApiKey(app.deps, { accountId: tenant.accountId, name: 'to revoke', expiresAt: null })
      assert.ok(created.ok)
      const before = await app.graphql('query Account { account { id } }', {}, created.value.plaintext)

      const revoked = await revokeApiKey(app.deps, { accountId: tenant.accountId, apiKeyId: created.value.record.id })

      assert.equal(before.status, 200)
      assert.ok(revoked.ok)
      await expectEveryOperationRejected(t, app, ids, created.value.plaintext, /revoked/)
    })

    it('rejects an expired key', async (t) => {
      let clockOffsetMs = 0
      const { app, tenant, ids } = await arrange(t, dialect, () => new Date(Date.now() + clockOffsetMs))
      const expiresAt = new Date(app.deps.now().getTime() + 60 * 60 * 1000)
      const created = await createApiKey(app.deps, { accountId: tenant.accountId, name: 'short-lived', expiresAt })
      assert.ok(created.ok)
      const before = await app.graphql('query Account { account { id } }', {}, created.value.plaintext)

      clockOffsetMs = 2 * 60 * 60 * 1000

      assert.equal(before.status, 200)
      await expectEveryOperationRejected(t, app, ids, created.value.plaintext, /expired/)
    })

    it('rejects other paths without a key', async (t) => {
      const app = await startTestApp(t, dialect)
      const cases: Array<{ name: string; method: string; path: string; body?: unknown }> = [
        { name: 'GET /anything', method: 'GET', path: '/anything' },
        { name: 'GET /.well-known/openid-configuration', method: 'GET', path: '/.well-known/openid-configuration' },
        { name: 'POST / with __typename', method: 'POST', path: '/', body: { query: '{ __typename }' } },
        { name: 'POST /graphql with __typename', method: 'POST', path: '/graphql', body: { query: '{ __typename }' } },
      ]

      for (const entry of cases) {
        await t.test(entry.name, async () => {
          const response = await request(app, entry.method, entry.path, { body: entry.body })
          const body = (await response.json()) as GraphQLBody

          assert.equal(response.status, 401)
          assert.deepEqual(body, { errors: [{ message: MISSING_CREDENTIAL_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] })
        })
      }
    })

    // NOTE: Buffer's API host answers 401 on every path, but Pigeon serves its web app on the same
    // host, so GET / sends a browser without a session to the sign-in page instead.
    it('sends GET / to sign-in without a key', async (t) => {
      const app = await startTestApp(t, dialect)
      await buildTenant(app.deps)

      const response = await fetch(`${app.url}/`, { redirect: 'manual' })

      assert.equal(response.status, 303)
      assert.equal(response.headers.get('location'), '/sign-in')
    })

    it('answers OPTIONS /graphql without a key', async (t) => {
      const app = await startTestApp(t, dialect)

      const response = await request(app, 'OPTIONS', '/graphql')

      assert.ok(response.status < 500, `OPTIONS /graphql answered ${response.status}`)
    })

    it('returns 404 for an unknown path', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)

      const response = await request(app, 'GET', '/anything', { key: tenant.apiKey })

      assert.equal(response.status, 404)
    })
  })

  describe(`${dialect}: tenant isolation`, () => {
    it('hides another tenant like a missing id', async (t) => {
      const { app, tenant: owner, ids: owned } = await arrange(t, dialect)
      const intruder = await buildTenant(app.deps)
      const missing: TargetIds = { organizationId: newObjectId(), channelId: newObjectId(), postId: newObjectId() }

      for (const operation of OPERATIONS.filter((entry) => entry.field !== 'account')) {
        await t.test(operation.field, async () => {
          const foreign = await app.graphql(operation.query, operation.variables(owned), intruder.apiKey)
          const absent = await app.graphql(operation.query, operation.variables(missing), intruder.apiKey)

          assert.equal(foreign.status, absent.status)
          assert.deepEqual(withIdsReplaced(foreign.body, owned), withIdsReplaced(absent.body, missing))
          assert.ok(isNotFound(absent.body, operation.field), `expected a not-found answer, got ${JSON.stringify(absent.body)}`)
        })
      }

      const after = await app.graphql('query Post($id: PostId!) { post(input: { id: $id }) { id text } }', { id: owned.postId }, owner.apiKey)
      const channel = await app.graphql('query Channel($id: ChannelId!) { channel(input: { id: $id }) { isQueuePaused postingSchedule { day times } } }', { id: owned.channelId }, owner.apiKey)
      const ideas = await app.graphql(OPERATIONS.find((entry) => entry.field === 'ideas')!.query, { organizationId: owned.organizationId }, owner.apiKey)
      const posts = await app.graphql(OPERATIONS.find((entry) => entry.field === 'posts')!.query, { organizationId: owned.organizationId }, owner.apiKey)

      assert.equal(after.body.data?.post?.text, 'Tenant post')
      assert.equal(channel.body.data?.channel?.isQueuePaused, false)
      assert.deepEqual(channel.body.data?.channel?.postingSchedule?.find((day: { day: string }) => day.day === 'mon')?.times, ['09:00', '12:00', '17:00'])
      assert.deepEqual(ideas.body.data?.ideas?.edges, [])
      assert.equal(posts.body.data?.posts?.edges?.length, 1)
    })
  })
}

/** Replaces every id of `ids` in the body with a placeholder that names its kind. */
function withIdsReplaced(body: GraphQLBody, ids: TargetIds): unknown {
  let text = JSON.stringify(body)
  for (const [kind, id] of Object.entries(ids)) text = text.replaceAll(id, `<${kind}>`)

  return JSON.parse(text)
}

/** Checks whether the body reports a missing object: a NOT_FOUND error, or a NotFoundError or VoidMutationError member. */
function isNotFound(body: GraphQLBody, field: string): boolean {
  if (body.errors?.some((error) => error.extensions?.code === 'NOT_FOUND')) return true
  const typename = body.data?.[field]?.__typename

  return typename === 'NotFoundError' || typename === 'VoidMutationError'
}
