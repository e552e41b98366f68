import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { newObjectId } from '../../src/ids.ts'
import { startTestApp, type GraphQLBody, type TestApp } from '../helpers/app.ts'
import { DIALECTS, type Dialect } from '../helpers/db.ts'
import { buildChannel, buildTenant, type TenantFixture } from '../helpers/factories.ts'

// Replays Buffer's Quick Start ("Your First Post") the way a Buffer client sends it: named
// operations with variables, the account first, then its channels, then posts.

const OBJECT_ID = /^[0-9a-f]{24}$/
const UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** A Monday, one hour before the default 09:00 posting slot, in the channel's UTC zone. */
const START = Date.parse('2030-06-03T08:00:00.000Z')

const GET_ACCOUNT = 'query GetAccount { account { id email organizations { id name ownerEmail limits { channels scheduledPosts } } } }'

const GET_CHANNELS = `query GetChannels($organizationId: OrganizationId!) {
  channels(input: { organizationId: $organizationId }) { id name service timezone isQueuePaused }
}`

const POST_FIELDS = `id text status dueAt via shareMode schedulingType isCustomScheduled sharedNow channelId channelService allowedActions
  assets { __typename ... on ImageAsset { image { altText } } }
  tags { id }
  channel { id name }
  metadata { __typename }`

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { ${POST_FIELDS} } }
    ... on MutationError { message }
    ... on InvalidInputError { message }
    ... on LimitReachedError { message }
    ... on NotFoundError { message }
    ... on UnauthorizedError { message }
    ... on UnexpectedError { message }
    ... on RestProxyError { code link }
  }
}`

const GET_POST = `query GetPost($id: PostId!) { post(input: { id: $id }) { ${POST_FIELDS} } }`

const LIST_POSTS = `query ListPosts($first: Int, $after: String, $input: PostsInput!) {
  posts(first: $first, after: $after, input: $input) {
    edges { cursor node { id status channelId dueAt createdAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`

const EDIT_POST = `mutation EditPost($input: EditPostInput!) {
  editPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { id text status dueAt shareMode isCustomScheduled } }
    ... on MutationError { message }
  }
}`

const MOVE_POST = `mutation MovePost($id: PostId!, $position: QueuePosition!) {
  movePostInQueue(input: { id: $id, position: $position }) {
    __typename
    ... on PostActionSuccess { post { id dueAt } }
    ... on VoidMutationError { message }
  }
}`

const DELETE_POST = `mutation DeletePost($id: PostId!) {
  deletePost(input: { id: $id }) {
    __typename
    ... on DeletePostSuccess { id }
    ... on VoidMutationError { message }
  }
}`

const CREATE_IDEA = `mutation CreateIdea($input: CreateIdeaInput!) {
  createIdea(input: $input) {
    __typename
    ... on Idea { id content { title text } }
    ... on MutationError { message }
  }
}`

const LIST_IDEAS = `query ListIdeas($organizationId: OrganizationId!) {
  ideas(first: 10, input: { organizationId: $organizationId }) {
    edges { node { id groupId createdAt content { title text } } }
    pageInfo { hasNextPage }
  }
}`

const LIST_IDEA_GROUPS = 'query ListIdeaGroups($organizationId: ID!) { ideaGroups(input: { organizationId: $organizationId }) { id name isLocked } }'

const DAILY_LIMITS = `query DailyLimits($channelIds: [ChannelId!]!, $date: DateTime) {
  dailyPostingLimits(input: { channelIds: $channelIds, date: $date }) { channelId isAtLimit limit scheduled sent }
}`

/** A Buffer client after the Quick Start, with the ids of its organization and channel. */
interface Client {
  app: TestApp
  tenant: TenantFixture
  organizationId: string
  channelId: string
  /** Moves the server's clock forward. */
  advance(ms: number): void
  send(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }>
}

type PostNode = Record<string, any>

/**
 * Starts the app on a fixed clock, creates an account with a key and one channel (the steps a
 * person takes in the web app), then finds the organization and channel through the API.
 */
async function startClient(t: TestContext, dialect: Dialect): Promise<Client> {
  let nowMs = START
  const app = await startTestApp(t, dialect, { now: () => new Date(nowMs) })
  const tenant = await buildTenant(app.deps)
  await buildChannel(app.deps, tenant.organizationId)
  const send = (query: string, variables?: Record<string, unknown>) => app.graphql(query, variables, tenant.apiKey)

  const account = await send(GET_ACCOUNT)
  const organizationId = account.body.data?.account?.organizations?.[0]?.id as string
  const channels = await send(GET_CHANNELS, { organizationId })
  const channelId = channels.body.data?.channels?.[0]?.id as string

  return { app, tenant, organizationId, channelId, advance: (ms) => (nowMs += ms), send }
}

/** Advances the clock one second and creates a post. Returns the raw createPost payload. */
async function createPost(client: Client, input: Record<string, unknown>): Promise<Record<string, any>> {
  client.advance(1000)
  const response = await client.send(CREATE_POST, { input: { channelId: client.channelId, schedulingType: 'automatic', ...input } })
  if (response.status !== 200) throw new Error(`createPost returned HTTP ${response.status}: ${JSON.stringify(response.body)}`)

  return response.body.data!.createPost as Record<string, any>
}

/** Creates a post that must succeed and returns it. */
async function createdPost(client: Client, input: Record<string, unknown>): Promise<PostNode> {
  const payload = await createPost(client, input)
  if (payload.__typename !== 'PostActionSuccess') throw new Error(`createPost failed: ${JSON.stringify(payload)}`)

  return payload.post as PostNode
}

async function readPost(client: Client, id: string): Promise<PostNode> {
  const response = await client.send(GET_POST, { id })
  if (response.body.data?.post === undefined) throw new Error(`post ${id} could not be read: ${JSON.stringify(response.body)}`)

  return response.body.data.post as PostNode
}

/** Reads every page of a posts query, `first` at a time, and returns the pages in order. */
async function readAllPages(client: Client, input: Record<string, unknown>, first: number): Promise<Array<{ nodes: PostNode[]; hasNextPage: boolean }>> {
  const pages: Array<{ nodes: PostNode[]; hasNextPage: boolean }> = []
  let after: string | null = null

  for (let page = 0; page < 50; page++) {
    const response = await client.send(LIST_POSTS, { first, after, input })
    const posts = response.body.data?.posts
    if (posts === undefined || posts === null) throw new Error(`posts failed: ${JSON.stringify(response.body)}`)
    pages.push({ nodes: (posts.edges ?? []).map((edge: { node: PostNode }) => edge.node), hasNextPage: posts.pageInfo.hasNextPage })
    if (!posts.pageInfo.hasNextPage) return pages
    after = posts.pageInfo.endCursor
  }

  throw new Error('posts kept reporting hasNextPage after 50 pages')
}

/** Lists the sorted ids that a posts query returns in one page. */
async function listIds(client: Client, filter: Record<string, unknown>): Promise<string[]> {
  const [page] = await readAllPages(client, { organizationId: client.organizationId, filter }, 100)
  return page!.nodes.map((node) => node.id as string).sort()
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: Buffer quick start`, () => {
    it('reads the account', async (t) => {
      const client = await startClient(t, dialect)

      const response = await client.send(GET_ACCOUNT)
      const account = response.body.data?.account
      const organization = account?.organizations?.[0]

      assert.equal(response.status, 200)
      assert.match(account.id, OBJECT_ID)
      assert.equal(account.email, client.tenant.email)
      assert.equal(account.organizations.length, 1)
      assert.match(organization.id, OBJECT_ID)
      assert.equal(organization.id, client.tenant.organizationId)
      assert.equal(organization.name, 'Test Org')
      assert.equal(organization.ownerEmail, client.tenant.email)
      assert.ok(Number.isInteger(organization.limits.channels))
      assert.ok(organization.limits.channels > 0)
      assert.ok(Number.isInteger(organization.limits.scheduledPosts))
      assert.ok(organization.limits.scheduledPosts > 0)
    })

    it('lists the channels', async (t) => {
      const client = await startClient(t, dialect)

      const response = await client.send(GET_CHANNELS, { organizationId: client.organizationId })
      const channels = response.body.data?.channels

      assert.equal(response.status, 200)
      assert.equal(channels.length, 1)
      assert.match(channels[0].id, OBJECT_ID)
      assert.equal(channels[0].name, 'Test channel')
      assert.equal(channels[0].service, 'mastodon')
      assert.equal(channels[0].isQueuePaused, false)
    })

    it('creates a post in every mode', async (t) => {
      const client = await startClient(t, dialect)
      const posts: Record<string, PostNode> = {}

      await t.test('addToQueue', async () => {
        const payload = await createPost(client, { mode: 'addToQueue', text: 'First post from the API' })
        posts.queued = payload.post

        assert.equal(payload.__typename, 'PostActionSuccess')
        assertPostShape(payload.post, client)
        assert.equal(payload.post.text, 'First post from the API')
        assert.equal(payload.post.status, 'scheduled')
        assert.equal(payload.post.shareMode, 'addToQueue')
        assert.equal(payload.post.dueAt, '2030-06-03T09:00:00.000Z')
        assert.equal(payload.post.isCustomScheduled, false)
        assert.equal(payload.post.sharedNow, false)
        assert.ok(payload.post.allowedActions.includes('updatePost'))
      })

      await t.test('shareNext', async () => {
        const payload = await createPost(client, { mode: 'shareNext', text: 'Jump the queue' })
        const pushedBack = await readPost(client, posts.queued!.id)

        assert.equal(payload.__typename, 'PostActionSuccess')
        assertPostShape(payload.post, client)
        assert.equal(payload.post.shareMode, 'shareNext')
        assert.equal(payload.post.status, 'scheduled')
        assert.equal(payload.post.dueAt, '2030-06-03T09:00:00.000Z')
        assert.equal(pushedBack.dueAt, '2030-06-03T12:00:00.000Z')
      })

      await t.test('shareNow', async () => {
        const payload = await createPost(client, { mode: 'shareNow', text: 'Right now' })

        assert.equal(payload.__typename, 'PostActionSuccess')
        assertPostShape(payload.post, client)
        assert.equal(payload.post.shareMode, 'shareNow')
        assert.equal(payload.post.sharedNow, true)
        assert.equal(payload.post.status, 'scheduled')
        assert.equal(payload.post.dueAt, '2030-06-03T08:00:03.000Z')
      })

      await t.test('customScheduled', async () => {
        const payload = await createPost(client, {
          mode: 'customScheduled',
          dueAt: '2030-06-10T15:30:00+05:30',
          text: 'At a set time',
          assets: [{ image: { url: 'https://images.example/pigeon.jpg', metadata: { altText: 'A pigeon on a ledge' } } }],
        })

        assert.equal(payload.__typename, 'PostActionSuccess')
        assertPostShape(payload.post, client)
        assert.equal(payload.post.shareMode, 'customScheduled')
        assert.equal(payload.post.isCustomScheduled, true)
        assert.equal(payload.post.dueAt, '2030-06-10T10:00:00.000Z')
        assert.deepEqual(payload.post.assets, [{ __typename: 'ImageAsset', image: { altText: 'A pigeon on a ledge' } }])
      })

      await t.test('saveToDraft', async () => {
        const payload = await createPost(client, { mode: 'addToQueue', saveToDraft: true, text: 'Just a draft' })

        assert.equal(payload.__typename, 'PostActionSuccess')
        assertPostShape(payload.post, client)
        assert.equal(payload.post.status, 'draft')
        assert.equal(payload.post.dueAt, null)
      })

      await t.test('needsApproval', async () => {
        const payload = await createPost(client, { mode: 'addToQueue', needsApproval: true, text: 'Please approve' })

        assert.equal(payload.__typename, 'PostActionSuccess')
        assertPostShape(payload.post, client)
        assert.equal(payload.post.status, 'needs_approval')
        assert.equal(payload.post.dueAt, null)
      })
    })

    it('keeps shareNow due at once', async (t) => {
      const client = await startClient(t, dialect)
      const urgent = await createdPost(client, { mode: 'shareNow', text: 'Urgent' })

      await createdPost(client, { mode: 'shareNext', text: 'Next in line' })
      const read = await readPost(client, urgent.id)

      assert.equal(read.dueAt, urgent.dueAt)
    })

    it('reads a post by id', async (t) => {
      const client = await startClient(t, dialect)
      const created = await createdPost(client, { mode: 'addToQueue', text: 'Read me back' })

      const read = await readPost(client, created.id)

      assert.deepEqual(read, created)
    })

    it('pages through every post', async (t) => {
      const client = await startClient(t, dialect)
      const created = await createOnePostPerMode(client)
      for (let index = 0; index < 3; index++) created.push(await createdPost(client, { mode: 'addToQueue', text: `Queued ${index}` }))
      const input = { organizationId: client.organizationId, sort: [{ field: 'dueAt', direction: 'desc' }] }

      const pages = await readAllPages(client, input, 2)
      const [whole] = await readAllPages(client, input, 100)
      const paged = pages.flatMap((page) => page.nodes.map((node) => node.id as string))
      const dated = pages.flatMap((page) => page.nodes).filter((node) => node.dueAt !== null).map((node) => Date.parse(node.dueAt))

      assert.equal(pages.length, Math.ceil(created.length / 2))
      assert.equal(new Set(paged).size, paged.length)
      assert.deepEqual([...paged].sort(), created.map((post) => post.id).sort())
      assert.deepEqual(paged, whole!.nodes.map((node) => node.id))
      assert.deepEqual(pages.map((page) => page.hasNextPage), pages.map((_page, index) => index < pages.length - 1))
      assert.deepEqual(dated, [...dated].sort((left, right) => right - left))
      assert.deepEqual(whole!.nodes.filter((node) => !UTC_MILLIS.test(node.createdAt)), [])
    })

    it('filters posts', async (t) => {
      const client = await startClient(t, dialect)
      const created = await createOnePostPerMode(client)
      const other = await buildChannel(client.app.deps, client.organizationId)
      client.advance(1000)
      const onOther = await client.send(CREATE_POST, { input: { channelId: other.id, schedulingType: 'automatic', mode: 'addToQueue', text: 'Elsewhere' } })
      const [all] = await readAllPages(client, { organizationId: client.organizationId }, 100)
      const nodes = all!.nodes
      const ids = (predicate: (node: PostNode) => boolean) => nodes.filter(predicate).map((node) => node.id as string).sort()
      const dueStart = '2030-06-03T09:00:00.000Z'
      const dueEnd = '2030-06-03T12:00:00.000Z'
      const createdStart = new Date(START + 2000).toISOString()
      const createdEnd = new Date(START + 4000).toISOString()
      const inDueRange = (node: PostNode) => node.dueAt !== null && node.dueAt >= dueStart && node.dueAt <= dueEnd
      const inCreatedRange = (node: PostNode) => node.createdAt >= createdStart && node.createdAt <= createdEnd
      const cases: Array<{ name: string; filter: Record<string, unknown>; expected: string[] }> = [
        { name: 'status', filter: { status: ['draft', 'needs_approval'] }, expected: ids((node) => node.status === 'draft' || node.status === 'needs_approval') },
        { name: 'channelIds', filter: { channelIds: [other.id] }, expected: [onOther.body.data!.createPost.post.id] },
        { name: 'dueAt', filter: { dueAt: { start: dueStart, end: dueEnd } }, expected: ids(inDueRange) },
        { name: 'dueAtPresence', filter: { dueAtPresence: 'absent' }, expected: ids((node) => node.dueAt === null) },
        { name: 'createdAt', filter: { createdAt: { start: createdStart, end: createdEnd } }, expected: ids(inCreatedRange) },
        {
          name: 'all together',
          filter: { status: ['scheduled'], channelIds: [client.channelId], dueAt: { start: dueStart, end: dueEnd }, dueAtPresence: 'present', createdAt: { start: createdStart, end: createdEnd } },
          expected: ids((node) => node.status === 'scheduled' && node.channelId === client.channelId && inDueRange(node) && inCreatedRange(node)),
        },
      ]

      assert.equal(nodes.length, created.length + 1)
      for (const entry of cases) {
        await t.test(entry.name, async () => {
          const received = await listIds(client, entry.filter)

          assert.ok(entry.expected.length > 0, `${entry.name} should select some posts`)
          assert.ok(entry.expected.length < nodes.length, `${entry.name} should leave some posts out`)
          assert.deepEqual(received, entry.expected)
        })
      }
    })

    it('edits the text', async (t) => {
      const client = await startClient(t, dialect)
      const created = await createdPost(client, { mode: 'addToQueue', text: 'Typo in here' })

      const response = await client.send(EDIT_POST, { input: { id: created.id, text: 'No typo in here' } })
      const edited = response.body.data?.editPost
      const read = await readPost(client, created.id)

      assert.equal(response.status, 200)
      assert.equal(edited.__typename, 'PostActionSuccess')
      assert.equal(edited.post.text, 'No typo in here')
      assert.equal(edited.post.status, 'scheduled')
      assert.equal(edited.post.dueAt, created.dueAt)
      assert.equal(read.text, 'No typo in here')
    })

    it('edits the mode', async (t) => {
      const client = await startClient(t, dialect)
      const first = await createdPost(client, { mode: 'addToQueue', text: 'First in line' })
      const second = await createdPost(client, { mode: 'addToQueue', text: 'Second in line' })

      const response = await client.send(EDIT_POST, { input: { id: first.id, mode: 'customScheduled', dueAt: '2030-06-12T18:00:00+02:00' } })
      const edited = response.body.data?.editPost
      const movedUp = await readPost(client, second.id)

      assert.equal(response.status, 200)
      assert.equal(edited.__typename, 'PostActionSuccess')
      assert.equal(edited.post.shareMode, 'customScheduled')
      assert.equal(edited.post.isCustomScheduled, true)
      assert.equal(edited.post.dueAt, '2030-06-12T16:00:00.000Z')
      assert.equal(second.dueAt, '2030-06-03T12:00:00.000Z')
      assert.equal(movedUp.dueAt, '2030-06-03T09:00:00.000Z')
    })

    it('moves a post in the queue', async (t) => {
      const client = await startClient(t, dialect)
      const first = await createdPost(client, { mode: 'addToQueue', text: 'One' })
      await createdPost(client, { mode: 'addToQueue', text: 'Two' })
      const last = await createdPost(client, { mode: 'addToQueue', text: 'Three' })
      const custom = await createdPost(client, { mode: 'customScheduled', dueAt: '2030-06-20T10:00:00Z', text: 'Fixed time' })

      const top = await client.send(MOVE_POST, { id: last.id, position: 'top' })
      const firstAfterTop = await readPost(client, first.id)
      const bottom = await client.send(MOVE_POST, { id: last.id, position: 'bottom' })
      const notQueued = await client.send(MOVE_POST, { id: custom.id, position: 'top' })

      assert.equal(last.dueAt, '2030-06-03T17:00:00.000Z')
      assert.equal(top.body.data?.movePostInQueue?.__typename, 'PostActionSuccess')
      assert.equal(top.body.data?.movePostInQueue?.post?.dueAt, '2030-06-03T09:00:00.000Z')
      assert.equal(firstAfterTop.dueAt, '2030-06-03T12:00:00.000Z')
      assert.equal(bottom.body.data?.movePostInQueue?.post?.dueAt, '2030-06-03T17:00:00.000Z')
      assert.equal(notQueued.status, 200)
      assert.equal(notQueued.body.data?.movePostInQueue?.__typename, 'VoidMutationError')
      assert.match(notQueued.body.data?.movePostInQueue?.message, /not in a queue/)
    })

    it('deletes a post once', async (t) => {
      const client = await startClient(t, dialect)
      const created = await createdPost(client, { mode: 'addToQueue', text: 'Short-lived' })

      const deleted = await client.send(DELETE_POST, { id: created.id })
      const again = await client.send(DELETE_POST, { id: created.id })
      const read = await client.send(GET_POST, { id: created.id })

      assert.equal(deleted.status, 200)
      assert.deepEqual(deleted.body.data, { deletePost: { __typename: 'DeletePostSuccess', id: created.id } })
      assert.equal(again.status, 200)
      assert.equal(again.body.data, null)
      assert.equal(again.body.errors?.[0]?.extensions?.code, 'NOT_FOUND')
      assert.match(again.body.errors?.[0]?.message ?? '', new RegExp(created.id))
      assert.equal(read.body.errors?.[0]?.extensions?.code, 'NOT_FOUND')
    })

    it('creates and lists ideas', async (t) => {
      const client = await startClient(t, dialect)
      const groups = await client.send(LIST_IDEA_GROUPS, { organizationId: client.organizationId })
      const group = groups.body.data?.ideaGroups?.[0]

      const created = await client.send(CREATE_IDEA, {
        input: { organizationId: client.organizationId, content: { title: 'Pigeon facts', text: 'They can find their way home.' }, group: { groupId: group.id } },
      })
      const idea = created.body.data?.createIdea
      const ideas = await client.send(LIST_IDEAS, { organizationId: client.organizationId })
      const listed = ideas.body.data?.ideas?.edges?.[0]?.node

      assert.equal(groups.status, 200)
      assert.match(group.id, OBJECT_ID)
      assert.equal(typeof group.name, 'string')
      assert.equal(group.isLocked, false)
      assert.equal(created.status, 200)
      assert.equal(idea.__typename, 'Idea')
      assert.match(idea.id, OBJECT_ID)
      assert.deepEqual(idea.content, { title: 'Pigeon facts', text: 'They can find their way home.' })
      assert.equal(ideas.body.data?.ideas?.edges?.length, 1)
      assert.equal(listed.id, idea.id)
      assert.equal(listed.groupId, group.id)
      assert.ok(Number.isInteger(listed.createdAt))
      assert.equal(ideas.body.data?.ideas?.pageInfo?.hasNextPage, false)
    })

    it('reports daily posting limits', async (t) => {
      const client = await startClient(t, dialect)
      await createdPost(client, { mode: 'addToQueue', text: 'Morning' })
      await createdPost(client, { mode: 'addToQueue', text: 'Noon' })
      await createdPost(client, { mode: 'customScheduled', dueAt: '2030-06-10T10:00:00Z', text: 'Next week' })

      const today = await client.send(DAILY_LIMITS, { channelIds: [client.channelId], date: '2030-06-03T20:00:00Z' })
      const nextWeek = await client.send(DAILY_LIMITS, { channelIds: [client.channelId], date: '2030-06-10T00:00:00Z' })
      const [status] = today.body.data?.dailyPostingLimits ?? []

      assert.equal(today.status, 200)
      assert.equal(status.channelId, client.channelId)
      assert.equal(status.scheduled, 2)
      assert.equal(status.sent, 0)
      assert.equal(status.isAtLimit, false)
      assert.ok(status.limit === null || status.limit > 2)
      assert.equal(nextWeek.body.data?.dailyPostingLimits?.[0]?.scheduled, 1)
    })

    it('rejects invalid documents with 400', async (t) => {
      const client = await startClient(t, dialect)
      // Two valid requests first, so the variable cases below also run the compiled (JIT) query.
      const warmUp = [
        await createdPost(client, { mode: 'addToQueue', saveToDraft: true, text: 'Warm-up 1' }),
        await createdPost(client, { mode: 'addToQueue', saveToDraft: true, text: 'Warm-up 2' }),
      ]
      const cases: Array<{ name: string; query: string; variables?: Record<string, unknown>; code: string; message: RegExp }> = [
        {
          name: 'unknown enum value',
          query: `mutation { createPost(input: { channelId: "${client.channelId}", mode: recommendedTime, schedulingType: automatic, text: "x" }) { __typename } }`,
          code: 'GRAPHQL_VALIDATION_FAILED',
          message: /Value "recommendedTime" does not exist in "ShareMode" enum/,
        },
        {
          name: 'unknown enum value in variables',
          query: CREATE_POST,
          variables: { input: { channelId: client.channelId, mode: 'recommendedTime', schedulingType: 'automatic', text: 'x' } },
          code: 'BAD_USER_INPUT',
          message: /Value "recommendedTime" does not exist in "ShareMode" enum/,
        },
        {
          name: 'missing required input field',
          query: `mutation { createPost(input: { channelId: "${client.channelId}", mode: addToQueue, text: "x" }) { __typename } }`,
          code: 'GRAPHQL_VALIDATION_FAILED',
          message: /CreatePostInput\.schedulingType/,
        },
        {
          name: 'DateTime without offset',
          query: CREATE_POST,
          variables: { input: { channelId: client.channelId, mode: 'customScheduled', schedulingType: 'automatic', dueAt: '2030-06-10T15:30:00', text: 'x' } },
          code: 'BAD_USER_INPUT',
          message: /2030-06-10T15:30:00.*offset/,
        },
        {
          name: 'fragment outside the union',
          query: `mutation { createPost(input: { channelId: "${client.channelId}", mode: addToQueue, schedulingType: automatic, text: "x" }) { ... on VoidMutationError { message } } }`,
          code: 'GRAPHQL_VALIDATION_FAILED',
          message: /Fragment cannot be spread here as objects of type "PostActionPayload" can never be of type "VoidMutationError"/,
        },
      ]

      for (const entry of cases) {
        await t.test(entry.name, async () => {
          const response = await client.send(entry.query, entry.variables)

          assert.equal(response.status, 400)
          assert.equal(response.body.errors?.length, 1)
          assert.equal(response.body.errors?.[0]?.extensions?.code, entry.code)
          assert.match(response.body.errors?.[0]?.message ?? '', entry.message)
        })
      }
      const [page] = await readAllPages(client, { organizationId: client.organizationId }, 100)
      assert.deepEqual(page!.nodes.map((node) => node.id).sort(), warmUp.map((post) => post.id).sort())
    })

    it('reports business failures as typed errors', async (t) => {
      const client = await startClient(t, dialect)
      const unknownChannel = newObjectId()
      const cases: Array<{ name: string; input: Record<string, unknown>; typename: string; message: RegExp }> = [
        { name: 'past dueAt', input: { mode: 'customScheduled', dueAt: '2030-06-01T08:00:00Z', text: 'Too late' }, typename: 'InvalidInputError', message: /dueAt .*not in the future/ },
        { name: 'customScheduled without dueAt', input: { mode: 'customScheduled', text: 'When?' }, typename: 'InvalidInputError', message: /dueAt is required/ },
        { name: 'empty text without assets', input: { mode: 'addToQueue', text: '' }, typename: 'InvalidInputError', message: /Text is required/ },
        { name: 'unknown channel', input: { mode: 'addToQueue', text: 'Nowhere', channelId: unknownChannel }, typename: 'NotFoundError', message: new RegExp(`Channel ${unknownChannel}`) },
      ]

      for (const entry of cases) {
        await t.test(entry.name, async () => {
          client.advance(1000)
          const response = await client.send(CREATE_POST, { input: { channelId: client.channelId, schedulingType: 'automatic', ...entry.input } })
          const payload = response.body.data?.createPost

          assert.equal(response.status, 200)
          assert.equal(response.body.errors, undefined)
          assert.equal(payload.__typename, entry.typename)
          assert.match(payload.message, entry.message)
        })
      }
      const [page] = await readAllPages(client, { organizationId: client.organizationId }, 100)
      assert.deepEqual(page!.nodes, [])
    })
  })
}

/** Creates one post in each share mode, plus a draft and one awaiting approval. */
async function createOnePostPerMode(client: Client): Promise<PostNode[]> {
  return [
    await createdPost(client, { mode: 'addToQueue', text: 'Queued' }),
    await createdPost(client, { mode: 'shareNext', text: 'Next' }),
    await createdPost(client, { mode: 'shareNow', text: 'Now' }),
    await createdPost(client, { mode: 'customScheduled', dueAt: '2030-06-10T15:30:00+05:30', text: 'Custom' }),
    await createdPost(client, { mode: 'addToQueue', saveToDraft: true, text: 'Draft' }),
    await createdPost(client, { mode: 'addToQueue', needsApproval: true, text: 'Approval' }),
  ]
}

/** Checks the fields every post created through the API has, whatever its mode. */
function assertPostShape(post: PostNode, client: Client): void {
  assert.match(post.id, OBJECT_ID)
  assert.equal(post.via, 'api')
  assert.equal(post.schedulingType, 'automatic')
  assert.equal(post.channelId, client.channelId)
  assert.equal(post.channelService, 'mastodon')
  assert.deepEqual(post.channel, { id: client.channelId, name: 'Test channel' })
  assert.deepEqual(post.tags, [])
  assert.equal(post.metadata?.__typename, 'MastodonPostMetadata')
  assert.ok(Array.isArray(post.allowedActions))
  assert.ok(post.allowedActions.length > 0)
  if (post.dueAt !== null) assert.match(post.dueAt, UTC_MILLIS)
}
