import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OPERATOR } from '../../src/auth/actor.ts'
import { createApiKey } from '../../src/auth/api-keys.ts'
import { connectMastodonWithToken } from '../../src/channel-settings/network-connections.ts'
import { DIALECTS } from '../helpers/db.ts'
import { buildChannel } from '../helpers/factories.ts'
import { startFakeMastodon } from '../helpers/fake-mastodon.ts'
import { OWNER, setUpOwner, signIn, startWebTestApp } from '../web/helpers/web-app.ts'

const PLANTED_PASSWORD = 'planted-password-7Q2x9'

for (const dialect of DIALECTS) {
  describe(`${dialect}: planted secrets`, () => {
    it('leak into no log line or response', async (t) => {
      const { app, client } = await startWebTestApp(t, dialect, { worker: true, env: { PIGEON_MEDIA_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', PIGEON_MAX_ATTEMPTS: '2' } })
      const mastodon = await startFakeMastodon(t)
      const bodies: string[] = []
      const owner = { ...OWNER, password: PLANTED_PASSWORD }

      // A password, through setup and failed and successful sign-ins.
      await setUpOwner(client(), owner)
      bodies.push((await signIn(client(), owner.email, `${PLANTED_PASSWORD}-wrong`)).html)
      bodies.push((await signIn(client(), owner.email, PLANTED_PASSWORD)).html)

      // An API key, through failing requests.
      const organization = await app.deps.db.kysely.selectFrom('organizations').select('id').executeTakeFirstOrThrow()
      const account = await app.deps.db.kysely.selectFrom('accounts').select('id').executeTakeFirstOrThrow()
      const key = await createApiKey(app.deps, { accountId: account.id, name: 'planted', expiresAt: null })
      assert.ok(key.ok)
      const apiKey = key.value.plaintext
      for (const [query, sentKey] of [
        ['{ account { nope } }', apiKey],
        ['{ account { id } }', `${apiKey.slice(0, -1)}x`],
        ['mutation { deletePost(input: { id: "000000000000000000000000" }) { __typename } }', apiKey],
      ] as const) {
        bodies.push(JSON.stringify((await app.graphql(query, {}, sentKey)).body))
      }

      // A network access token, through failing deliveries: a 500, then a revoked token.
      const token = mastodon.issueToken()
      const channel = await buildChannel(app.deps, organization.id, { service: 'mastodon' })
      const connected = await connectMastodonWithToken(app.deps, OPERATOR, { channelId: channel.id, instance: mastodon.url, accessToken: token })
      assert.ok(connected.ok, connected.ok ? '' : connected.error.message)
      mastodon.script.add('statuses', { kind: 'fail', status: 500 })
      const post = await app.graphql(
        'mutation($c: ChannelId!) { createPost(input: { channelId: $c, mode: shareNow, schedulingType: automatic, text: "secret-free" }) { ... on PostActionSuccess { post { id } } } }',
        { c: channel.id },
        apiKey,
      )
      const postId = post.body.data!.createPost.post.id as string
      mastodon.revokeToken(token)
      const read = await waitForError(app, apiKey, postId)
      bodies.push(JSON.stringify(read))

      const logs = app.logs.raw.join('\n')
      const responses = bodies.join('\n')
      assert.ok(app.logs.raw.length > 10, 'the app wrote log lines')
      assert.equal(logs.includes(PLANTED_PASSWORD), false)
      assert.equal(responses.includes(PLANTED_PASSWORD), false)
      assert.equal(logs.includes(apiKey), false)
      assert.equal(responses.includes(apiKey), false)
      assert.equal(logs.includes(token), false)
      assert.equal(responses.includes(token), false)
      assert.match(JSON.stringify(read), /[Rr]econnect/)
    })
  })
}

async function waitForError(app: Awaited<ReturnType<typeof startWebTestApp>>['app'], key: string, postId: string): Promise<unknown> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const read = await app.graphql('query($p: PostId!) { post(input: { id: $p }) { status error { message rawError } } }', { p: postId }, key)
    if (read.body.data?.post?.status === 'error') return read.body
    if (Date.now() > deadline) throw new Error(`post ${postId} did not fail: ${JSON.stringify(read.body)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
