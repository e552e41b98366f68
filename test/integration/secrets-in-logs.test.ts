import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startTestApp } from '../helpers/app.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel, buildTenant } from '../helpers/factories.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

for (const dialect of DIALECTS) {
  describe(`${dialect}: secrets in logs`, () => {
    it('keeps keys and webhook secrets out of logs', async (t) => {
      const app = await startTestApp(t, dialect, { worker: true })
      const receiver = await startWebhookReceiver(t)
      const tenant = await buildTenant(app.deps)
      const channel = await buildChannel(app.deps, tenant.organizationId, { webhookUrl: receiver.url })
      receiver.respondWith(400)
      const typo = `${tenant.apiKey.slice(0, -1)}${tenant.apiKey.endsWith('a') ? 'b' : 'a'}`

      await app.graphql('{ account { id } }', {}, typo)
      await app.graphql('{ account { nope } }', {}, tenant.apiKey)
      await app.graphql('mutation { deletePost(input: { id: "000000000000000000000000" }) { __typename } }', {}, tenant.apiKey)
      await app.graphql(
        'mutation($i: CreatePostInput!) { createPost(input: $i) { __typename } }',
        { i: { channelId: channel.id, mode: 'shareNow', schedulingType: 'automatic', text: 'secret-free text' } },
        tenant.apiKey,
      )
      await receiver.waitFor(1)
      await new Promise((resolve) => setTimeout(resolve, 300))
      const allLogs = app.logs.raw.join('\n')

      assert.ok(app.logs.raw.length > 5, 'the app wrote log lines')
      assert.equal(allLogs.includes(tenant.apiKey), false)
      assert.equal(allLogs.includes(typo), false)
      assert.equal(allLogs.includes(channel.secret!), false)
      assert.equal(allLogs.includes(channel.secret!.slice('whsec_'.length)), false)
      assert.ok(app.logs.messages().includes('delivery rejected'))
    })

    it('logs request ids and masks bugs', async (t) => {
      const app = await startTestApp(t, dialect)
      const tenant = await buildTenant(app.deps)

      const response = await app.graphql('{ account { id } }', {}, tenant.apiKey)
      const requestId = response.headers.get('x-request-id')

      assert.ok(requestId)
      assert.ok(app.logs.entries.some((entry) => entry.reqId === requestId && entry.msg === 'request completed'))
    })
  })
}
