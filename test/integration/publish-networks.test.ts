import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { startFakeBluesky } from '../helpers/fake-bluesky.ts'
import { startFakeMastodon } from '../helpers/fake-mastodon.ts'
import { pngOfSize, startMediaServer } from '../helpers/media-server.ts'
import { buildBlueskyChannel, buildMastodonChannel } from '../helpers/network-channels.ts'
import { waitUntil } from '../helpers/pigeon-process.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

// Buffer's "Your First Post" flow (read the account, list its channels, create a post, read it
// back) against a Mastodon channel, a Bluesky channel and a webhook channel, with the worker
// publishing to fakes of each network.

const GET_ACCOUNT = 'query GetAccount { account { id organizations { id } } }'

const GET_CHANNELS = `query GetChannels($organizationId: OrganizationId!) {
  channels(input: { organizationId: $organizationId }) {
    id service isDisconnected
    metadata { __typename ... on MastodonMetadata { serverUrl maxCharacters } ... on BlueskyMetadata { serverUrl } }
  }
}`

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { id status } }
    ... on MutationError { message }
  }
}`

const GET_POST = 'query GetPost($id: PostId!) { post(input: { id: $id }) { id status sentAt externalLink error { message } } }'

/** Waits until the post is sent or failed in the database, then reads it through the API. */
async function waitForFinalStatus(app: TestApp, key: string, postId: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  const status = async () => (await app.deps.db.kysely.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirstOrThrow()).status
  await waitUntil(async () => ['sent', 'error'].includes(await status()), `post ${postId} is sent or failed`, timeoutMs)

  return (await app.graphql(GET_POST, { id: postId }, key)).body.data!.post as Record<string, any>
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: publishing to networks`, () => {
    it('publishes the first post on each network once', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true, env: { PIGEON_MEDIA_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } })
      const mastodon = await startFakeMastodon(t, { maxCharacters: 1000 })
      const bluesky = await startFakeBluesky(t)
      const receiver = await startWebhookReceiver(t)
      const media = await startMediaServer(t)
      const tenant = await buildTenant(app.deps, { plan: 'unlimited' })
      const mastodonId = await buildMastodonChannel(app.deps, tenant.organizationId, mastodon)
      const blueskyId = await buildBlueskyChannel(app.deps, tenant.organizationId, bluesky)
      const webhook = await buildChannel(app.deps, tenant.organizationId, { service: 'linkedin', webhookUrl: receiver.url })
      receiver.setSecret(webhook.secret!)
      const photo = media.serve('/pigeon.png', pngOfSize(4000))
      const send = (query: string, variables?: Record<string, unknown>) => app.graphql(query, variables, tenant.apiKey)
      const image = { image: { url: photo, metadata: { altText: 'A pigeon on a ledge' } } }
      const thread = (first: string) => [{ text: first, assets: [] }, { text: 'Second in the thread' }, { text: 'Third in the thread' }]

      const account = await send(GET_ACCOUNT)
      const organizationId = account.body.data!.account.organizations[0].id as string
      const channels = (await send(GET_CHANNELS, { organizationId })).body.data!.channels as Array<Record<string, any>>
      const mastodonText = 'Hello from Pigeon, see https://example.com/pigeons'
      const blueskyText = 'Hello @alice.test from Pigeon 🐦 #pigeons'
      const inputs = [
        { channelId: mastodonId, text: mastodonText, assets: [image], metadata: { mastodon: { spoilerText: 'birds', thread: thread(mastodonText) } } },
        { channelId: blueskyId, text: blueskyText, assets: [image], metadata: { bluesky: { thread: thread(blueskyText) } } },
        { channelId: webhook.id, text: 'Hello from Pigeon' },
      ]
      const created = []
      for (const input of inputs) created.push((await send(CREATE_POST, { input: { mode: 'shareNow', schedulingType: 'automatic', ...input } })).body.data!.createPost)
      const posts = []
      for (const payload of created) posts.push(await waitForFinalStatus(app, tenant.apiKey, payload.post.id))
      await new Promise((resolve) => setTimeout(resolve, 500))

      const byId = new Map(channels.map((channel) => [channel.id, channel]))
      assert.deepEqual(byId.get(mastodonId)!.metadata, { __typename: 'MastodonMetadata', serverUrl: mastodon.url, maxCharacters: 1000 })
      assert.deepEqual(byId.get(blueskyId)!.metadata, { __typename: 'BlueskyMetadata', serverUrl: bluesky.url })
      assert.equal(byId.get(mastodonId)!.isDisconnected, false)
      assert.deepEqual(created.map((payload) => payload.__typename), ['PostActionSuccess', 'PostActionSuccess', 'PostActionSuccess'])
      for (const post of posts) {
        assert.equal(post.status, 'sent', `post ${post.id} failed: ${post.error?.message}`)
        assert.ok(Date.parse(post.sentAt) > 0)
        assert.match(post.externalLink, /^https?:\/\//)
      }

      assert.equal(mastodon.statuses.length, 3)
      assert.deepEqual(mastodon.statuses.map((status) => status.text), [mastodonText, 'Second in the thread', 'Third in the thread'])
      assert.deepEqual(mastodon.statuses.map((status) => status.inReplyToId), [null, mastodon.statuses[0]!.id, mastodon.statuses[1]!.id])
      assert.equal(mastodon.media.get(mastodon.statuses[0]!.mediaIds[0]!)!.description, 'A pigeon on a ledge')
      assert.equal(mastodon.statuses[0]!.spoilerText, 'birds')
      assert.equal(posts[0]!.externalLink, mastodon.statuses[0]!.url)

      assert.equal(bluesky.records.length, 3)
      const [root, second, third] = bluesky.records
      assert.equal(root!.value.text, blueskyText)
      assert.equal(root!.value.embed.images[0].alt, 'A pigeon on a ledge')
      assert.deepEqual(second!.value.reply, { root: { uri: root!.uri, cid: root!.cid }, parent: { uri: root!.uri, cid: root!.cid } })
      assert.deepEqual(third!.value.reply, { root: { uri: root!.uri, cid: root!.cid }, parent: { uri: second!.uri, cid: second!.cid } })
      assert.equal(posts[1]!.externalLink, `https://bsky.app/profile/${bluesky.did}/post/${root!.rkey}`)

      assert.equal(receiver.received.length, 1)
      assert.equal(receiver.received[0]!.signatureValid, true)
    })
  })
}
