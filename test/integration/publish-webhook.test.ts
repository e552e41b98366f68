import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { id status dueAt } }
    ... on MutationError { message }
  }
}`

const READ_POST = `query Post($id: PostId!) { post(input: { id: $id }) { id status sentAt externalLink error { message } } }`

for (const dialect of DIALECTS) {
  describe(`${dialect}: webhook publishing`, () => {
    it('delivers a custom-scheduled post once', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true })
      const receiver = await startWebhookReceiver(t)
      const tenant = await buildTenant(app.deps)
      const channel = await buildChannel(app.deps, tenant.organizationId, { webhookUrl: receiver.url })
      receiver.setSecret(channel.secret!)
      const dueAt = new Date(Date.now() + 1500).toISOString()

      const created = await app.graphql(CREATE_POST, { input: { channelId: channel.id, mode: 'customScheduled', schedulingType: 'automatic', text: 'Hello from Pigeon', dueAt } }, tenant.apiKey)
      const postId = created.body.data!.createPost.post.id as string
      const [delivery] = await receiver.waitFor(1)
      await waitForStatus(app, postId, tenant.apiKey, 'sent')
      await new Promise((resolve) => setTimeout(resolve, 500))
      const read = await app.graphql(READ_POST, { id: postId }, tenant.apiKey)

      assert.equal(created.body.data!.createPost.__typename, 'PostActionSuccess')
      assert.equal(receiver.received.length, 1)
      assert.equal(delivery!.signatureValid, true)
      assert.equal(delivery!.id, `msg_${postId}`)
      assert.equal(delivery!.body.type, 'post.publish')
      assert.equal(delivery!.body.data.post.text, 'Hello from Pigeon')
      assert.ok(delivery!.receivedAt >= Date.parse(dueAt), 'delivered before its due time')
      assert.equal(read.body.data!.post.status, 'sent')
      assert.ok(Date.parse(read.body.data!.post.sentAt) >= Date.parse(dueAt))
      assert.equal(read.body.data!.post.externalLink, 'https://social.example/posts/1')
    })

    it('retries a 500 and then delivers', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true })
      const receiver = await startWebhookReceiver(t)
      const tenant = await buildTenant(app.deps)
      const channel = await buildChannel(app.deps, tenant.organizationId, { webhookUrl: receiver.url })
      receiver.setSecret(channel.secret!)
      receiver.respondWith(500)

      const created = await app.graphql(CREATE_POST, { input: { channelId: channel.id, mode: 'shareNow', schedulingType: 'automatic', text: 'Retry me' } }, tenant.apiKey)
      const postId = created.body.data!.createPost.post.id as string
      await receiver.waitFor(1)
      receiver.respondWith(200)
      await receiver.waitFor(2)
      await waitForStatus(app, postId, tenant.apiKey, 'sent')

      assert.equal(receiver.received[0]!.id, receiver.received[1]!.id)
      assert.equal(receiver.received.length, 2)
    })

    it('fails a post the receiver refuses', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true })
      const receiver = await startWebhookReceiver(t)
      const tenant = await buildTenant(app.deps)
      const channel = await buildChannel(app.deps, tenant.organizationId, { webhookUrl: receiver.url })
      receiver.setSecret(channel.secret!)
      receiver.respondWith(422)

      const created = await app.graphql(CREATE_POST, { input: { channelId: channel.id, mode: 'shareNow', schedulingType: 'automatic', text: 'Refused' } }, tenant.apiKey)
      const postId = created.body.data!.createPost.post.id as string
      await waitForStatus(app, postId, tenant.apiKey, 'error')
      await new Promise((resolve) => setTimeout(resolve, 400))
      const read = await app.graphql(READ_POST, { id: postId }, tenant.apiKey)

      assert.equal(receiver.received.length, 1)
      assert.match(read.body.data!.post.error.message, /422/)
    })

    it('fails a post on a channel without delivery', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true })
      const tenant = await buildTenant(app.deps)
      const channel = await buildChannel(app.deps, tenant.organizationId)

      const created = await app.graphql(CREATE_POST, { input: { channelId: channel.id, mode: 'shareNow', schedulingType: 'automatic', text: 'Nowhere to go' } }, tenant.apiKey)
      const postId = created.body.data!.createPost.post.id as string
      await waitForStatus(app, postId, tenant.apiKey, 'error')
      const read = await app.graphql(READ_POST, { id: postId }, tenant.apiKey)

      assert.match(read.body.data!.post.error.message, /no delivery method/)
    })
  })
}

async function waitForStatus(app: Awaited<ReturnType<typeof startTestApp>>, postId: string, key: string, status: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const read = await app.graphql(READ_POST, { id: postId }, key)
    if (read.body.data?.post?.status === status) return
    if (Date.now() > deadline) throw new Error(`post ${postId} did not reach ${status}; last ${JSON.stringify(read.body)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
