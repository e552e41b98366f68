import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { DIALECTS, type Dialect } from '../helpers/db.ts'
import { buildChannel, buildTenant, type TenantFixture } from '../helpers/factories.ts'

// Network rules are checked when a post is created or edited through the GraphQL API, so a post
// the network would reject fails at once and is never stored.

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { id text } }
    ... on MutationError { message }
  }
}`

const EDIT_POST = `mutation EditPost($input: EditPostInput!) {
  editPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { id text } }
    ... on MutationError { message }
  }
}`

const READ_POST = 'query Post($id: PostId!) { post(input: { id: $id }) { id text } }'

const LIST_POSTS = `query Posts($organizationId: OrganizationId!) {
  posts(first: 10, input: { organizationId: $organizationId }) { edges { node { id } } }
}`

const URL_120 = `https://example.com/${'p'.repeat(100)}`
const FAMILY = '👨‍👩‍👧‍👦'

interface Fixture {
  app: TestApp
  tenant: TenantFixture
  channelId: string
  createPost(input: Record<string, unknown>): Promise<Record<string, any>>
  listPostIds(): Promise<string[]>
}

async function startFixture(t: TestContext, dialect: Dialect, service: string): Promise<Fixture> {
  const app = await startTestApp(t, dialect)
  const tenant = await buildTenant(app.deps)
  const channel = await buildChannel(app.deps, tenant.organizationId, { service })

  return {
    app,
    tenant,
    channelId: channel.id,
    async createPost(input) {
      const response = await app.graphql(CREATE_POST, { input: { channelId: channel.id, mode: 'addToQueue', schedulingType: 'automatic', ...input } }, tenant.apiKey)
      return response.body.data!.createPost as Record<string, any>
    },
    async listPostIds() {
      const response = await app.graphql(LIST_POSTS, { organizationId: tenant.organizationId }, tenant.apiKey)
      return (response.body.data!.posts.edges as Array<{ node: { id: string } }>).map((edge) => edge.node.id)
    },
  }
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: network validation`, () => {
    it('rejects a 301-grapheme Bluesky post', async (t) => {
      const fixture = await startFixture(t, dialect, 'bluesky')

      const payload = await fixture.createPost({ text: `${'a'.repeat(180)} ${URL_120}` })
      const stored = await fixture.listPostIds()

      assert.equal(payload.__typename, 'InvalidInputError')
      assert.equal(payload.message, 'text is 301 graphemes long; Bluesky allows 300 (counted as user-perceived characters).')
      assert.deepEqual(stored, [])
    })

    it('accepts a 300-grapheme Bluesky post', async (t) => {
      const fixture = await startFixture(t, dialect, 'bluesky')

      const payload = await fixture.createPost({ text: `${'a'.repeat(179)} ${URL_120}` })
      const stored = await fixture.listPostIds()

      assert.equal(payload.__typename, 'PostActionSuccess')
      assert.deepEqual(stored, [payload.post.id])
    })

    it('rejects Bluesky text over 3000 bytes', async (t) => {
      const fixture = await startFixture(t, dialect, 'bluesky')

      const payload = await fixture.createPost({ text: FAMILY.repeat(280) })
      const stored = await fixture.listPostIds()

      assert.equal(payload.__typename, 'InvalidInputError')
      assert.match(payload.message, /^text is 7000 UTF-8 bytes long; Bluesky allows 3000/)
      assert.deepEqual(stored, [])
    })

    it('weighs X text', async (t) => {
      const fixture = await startFixture(t, dialect, 'twitter')

      const withUrl = await fixture.createPost({ text: `${'a'.repeat(250)} ${URL_120}` })
      const cjk = await fixture.createPost({ text: '日'.repeat(141) })

      assert.equal(withUrl.__typename, 'PostActionSuccess')
      assert.equal(cjk.__typename, 'InvalidInputError')
      assert.match(cjk.message, /^text is 282 weighted characters long; X allows 280/)
    })

    it('requires media on Instagram', async (t) => {
      const fixture = await startFixture(t, dialect, 'instagram')

      const payload = await fixture.createPost({ text: 'Hello', metadata: { instagram: { type: 'post', shouldShareToFeed: true } } })
      const stored = await fixture.listPostIds()

      assert.equal(payload.__typename, 'InvalidInputError')
      assert.match(payload.message, /^Instagram requires media/)
      assert.deepEqual(stored, [])
    })

    it('rejects a loopback media URL', async (t) => {
      const fixture = await startFixture(t, dialect, 'instagram')

      const payload = await fixture.createPost({
        text: 'Hello',
        assets: [{ image: { url: 'http://127.0.0.1:8080/photo.jpg' } }],
        metadata: { instagram: { type: 'post', shouldShareToFeed: true } },
      })

      assert.equal(payload.__typename, 'InvalidInputError')
      assert.match(payload.message, /^assets\[0\]\.image\.url points to 127\.0\.0\.1/)
    })

    it('rejects an edit over the limit', async (t) => {
      const fixture = await startFixture(t, dialect, 'mastodon')
      const created = await fixture.createPost({ text: 'Short enough' })

      const edited = await fixture.app.graphql(EDIT_POST, { input: { id: created.post.id, text: 'a'.repeat(501) } }, fixture.tenant.apiKey)
      const read = await fixture.app.graphql(READ_POST, { id: created.post.id }, fixture.tenant.apiKey)

      assert.equal(edited.body.data!.editPost.__typename, 'InvalidInputError')
      assert.match(edited.body.data!.editPost.message, /^text is 501 characters long; Mastodon allows 500/)
      assert.equal(read.body.data!.post.text, 'Short enough')
    })

    it('keeps stored metadata on edit', async (t) => {
      const fixture = await startFixture(t, dialect, 'youtube')
      const created = await fixture.createPost({
        text: 'Description',
        assets: [{ video: { url: 'https://cdn.example.com/clip.mp4' } }],
        metadata: { youtube: { title: 'My video', categoryId: '22' } },
      })

      const edited = await fixture.app.graphql(EDIT_POST, { input: { id: created.post.id, text: 'New description', metadata: { youtube: { privacy: 'public' } } } }, fixture.tenant.apiKey)

      assert.equal(created.__typename, 'PostActionSuccess')
      assert.equal(edited.body.data!.editPost.__typename, 'PostActionSuccess')
    })
  })
}
