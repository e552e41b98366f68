import assert from 'node:assert/strict'
import { describe, it, type TestContext } from 'node:test'
import { DAYS_OF_WEEK, type ScheduleDayInput } from '../../src/posts/queue-slots.ts'
import { startTestApp, type TestApp } from '../helpers/app.ts'
import { DIALECTS, type Dialect } from '../helpers/db.ts'
import { buildChannel, buildTenant, type TenantFixture } from '../helpers/factories.ts'
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts'

// Every instant below is written in UTC and every clock is injected, so results depend neither on
// the real date nor on the process's TZ.
const NEW_YORK = 'America/New_York'
const BERLIN = 'Europe/Berlin'
/** Monday 2026-02-02, 10:00 in New York (EST, UTC-5). */
const MONDAY_MORNING_NEW_YORK = '2026-02-02T15:00:00Z'

const POST_FIELDS = 'id status dueAt isCustomScheduled'

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) {
    __typename
    ... on PostActionSuccess { post { ${POST_FIELDS} } }
    ... on MutationError { message }
  }
}`

const READ_POST = `query Post($id: PostId!) { post(input: { id: $id }) { ${POST_FIELDS} } }`

const DELETE_POST = `mutation DeletePost($id: PostId!) {
  deletePost(input: { id: $id }) {
    __typename
    ... on DeletePostSuccess { id }
    ... on MutationError { message }
  }
}`

const MOVE_POST = `mutation MovePost($id: PostId!, $position: QueuePosition!) {
  movePostInQueue(input: { id: $id, position: $position }) {
    __typename
    ... on PostActionSuccess { post { ${POST_FIELDS} } }
    ... on MutationError { message }
  }
}`

const UPDATE_SCHEDULE = `mutation UpdateSchedule($input: UpdatePostingScheduleInput!) {
  updatePostingSchedule(input: $input) {
    __typename
    ... on ChannelActionSuccess { channel { id timezone } }
    ... on MutationError { message }
  }
}`

const LIST_POSTS = `query Posts($organizationId: OrganizationId!) {
  posts(first: 50, input: { organizationId: $organizationId }) { edges { node { id } } }
}`

interface PostFields {
  id: string
  status: string
  dueAt: string | null
  isCustomScheduled: boolean
}

/** A clock fixed at one instant until the test sets another. */
interface TestClock {
  now: () => Date
  set(iso: string): void
}

interface QueueFixture {
  app: TestApp
  tenant: TenantFixture
  channelId: string
  clock: TestClock
}

function createClock(iso: string): TestClock {
  let current = Date.parse(iso)

  return {
    now: () => new Date(current),
    set: (next) => {
      current = Date.parse(next)
    },
  }
}

/** Builds a schedule with the same times on every day, pausing the days listed in `paused`. */
function everyDay(times: string[], paused: readonly string[] = []): ScheduleDayInput[] {
  return DAYS_OF_WEEK.map((day) => ({ day, times, paused: paused.includes(day) }))
}

/** Starts the app with its clock at `now` and adds one channel with the given schedule. */
async function setUpQueue(
  t: TestContext,
  dialect: Dialect,
  options: { now: string; timezone: string; schedule: ScheduleDayInput[] },
): Promise<QueueFixture> {
  const clock = createClock(options.now)
  const app = await startTestApp(t, dialect, { now: clock.now })
  const tenant = await buildTenant(app.deps)
  const channel = await buildChannel(app.deps, tenant.organizationId, { timezone: options.timezone, schedule: options.schedule })

  return { app, tenant, channelId: channel.id, clock }
}

/** Sends createPost and returns the raw payload, whatever its type. */
async function sendCreatePost(fixture: QueueFixture, input: Record<string, unknown>): Promise<Record<string, any>> {
  const response = await fixture.app.graphql(
    CREATE_POST,
    { input: { channelId: fixture.channelId, schedulingType: 'automatic', text: 'Queue test post', ...input } },
    fixture.tenant.apiKey,
  )
  if (response.body.data?.createPost === undefined) throw new Error(`createPost failed: ${JSON.stringify(response.body)}`)

  return response.body.data.createPost as Record<string, any>
}

/** Creates a post and returns it. Throws with the payload when createPost does not succeed. */
async function createPost(fixture: QueueFixture, input: Record<string, unknown>): Promise<PostFields> {
  const payload = await sendCreatePost(fixture, input)
  if (payload.__typename !== 'PostActionSuccess') throw new Error(`createPost returned ${JSON.stringify(payload)}`)

  return payload.post as PostFields
}

async function addToQueue(fixture: QueueFixture, count: number): Promise<PostFields[]> {
  const posts: PostFields[] = []
  for (let index = 0; index < count; index += 1) posts.push(await createPost(fixture, { mode: 'addToQueue' }))

  return posts
}

async function readPost(fixture: QueueFixture, id: string): Promise<PostFields> {
  const response = await fixture.app.graphql(READ_POST, { id }, fixture.tenant.apiKey)
  if (response.body.data?.post === undefined) throw new Error(`post ${id} could not be read: ${JSON.stringify(response.body)}`)

  return response.body.data.post as PostFields
}

/** Reads the current due times of the posts, in the order given. */
async function readDueTimes(fixture: QueueFixture, posts: readonly PostFields[]): Promise<Array<string | null>> {
  const dueTimes: Array<string | null> = []
  for (const post of posts) dueTimes.push((await readPost(fixture, post.id)).dueAt)

  return dueTimes
}

async function updateSchedule(fixture: QueueFixture, schedule: ScheduleDayInput[], timezone?: string): Promise<Record<string, any>> {
  const input = { channelId: fixture.channelId, schedule, ...(timezone === undefined ? {} : { timezone }) }
  const response = await fixture.app.graphql(UPDATE_SCHEDULE, { input }, fixture.tenant.apiKey)
  if (response.body.data?.updatePostingSchedule === undefined) throw new Error(`updatePostingSchedule failed: ${JSON.stringify(response.body)}`)

  return response.body.data.updatePostingSchedule as Record<string, any>
}

/** Reads a post's status from the database, so polling does not use up the key's API quota. */
async function readStoredStatus(app: TestApp, postId: string): Promise<string | undefined> {
  const row = await app.deps.db.kysely.selectFrom('posts').select('status').where('id', '=', postId).executeTakeFirst()

  return row?.status
}

async function waitFor(condition: () => Promise<boolean>, description: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Daylight saving cases: a daily 09:00 slot on the three days around each change. */
const DST_CASES = [
  {
    name: 'new york spring forward',
    timezone: NEW_YORK,
    // Friday 2026-03-06, 10:00 EST. Clocks go from 02:00 EST to 03:00 EDT on Sunday 2026-03-08.
    now: '2026-03-06T15:00:00Z',
    expected: ['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z'],
  },
  {
    name: 'new york fall back',
    timezone: NEW_YORK,
    // Friday 2026-10-30, 10:00 EDT. Clocks go from 02:00 EDT back to 01:00 EST on Sunday 2026-11-01.
    now: '2026-10-30T14:00:00Z',
    expected: ['2026-10-31T13:00:00.000Z', '2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z'],
  },
  {
    name: 'berlin spring forward',
    timezone: BERLIN,
    // Friday 2026-03-27, 10:00 CET. Clocks go from 02:00 CET to 03:00 CEST on Sunday 2026-03-29.
    now: '2026-03-27T09:00:00Z',
    expected: ['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z'],
  },
  {
    name: 'berlin fall back',
    timezone: BERLIN,
    // Friday 2026-10-23, 10:00 CEST. Clocks go from 03:00 CEST back to 02:00 CET on Sunday 2026-10-25.
    now: '2026-10-23T08:00:00Z',
    expected: ['2026-10-24T07:00:00.000Z', '2026-10-25T08:00:00.000Z', '2026-10-26T08:00:00.000Z'],
  },
]

/** Schedules that leave addToQueue no slot at all. */
const SLOTLESS_SCHEDULES = [
  { name: 'rejects empty schedule', schedule: [] as ScheduleDayInput[] },
  { name: 'rejects fully paused schedule', schedule: everyDay(['09:00'], DAYS_OF_WEEK) },
]

for (const dialect of DIALECTS) {
  describe(`${dialect}: addToQueue`, () => {
    it('takes next free slots', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00', '17:00']) })

      const posts = await addToQueue(fixture, 3)

      assert.equal(posts[0]!.status, 'scheduled')
      assert.equal(posts[0]!.isCustomScheduled, false)
      // Monday 17:00 EST, then Tuesday 09:00 and 17:00 EST: the channel's zone, not UTC.
      assert.equal(posts[0]!.dueAt, '2026-02-02T22:00:00.000Z')
      assert.equal(posts[1]!.dueAt, '2026-02-03T14:00:00.000Z')
      assert.equal(posts[2]!.dueAt, '2026-02-03T22:00:00.000Z')
    })

    for (const dstCase of DST_CASES) {
      it(dstCase.name, async (t) => {
        const fixture = await setUpQueue(t, dialect, { now: dstCase.now, timezone: dstCase.timezone, schedule: everyDay(['09:00']) })

        const posts = await addToQueue(fixture, 3)

        assert.equal(posts[0]!.dueAt, dstCase.expected[0])
        assert.equal(posts[1]!.dueAt, dstCase.expected[1])
        assert.equal(posts[2]!.dueAt, dstCase.expected[2])
      })
    }

    it('skips missing spring-forward time', async (t) => {
      // Saturday 2026-03-07, 00:00 EST. 02:30 does not exist in New York on Sunday 2026-03-08.
      const fixture = await setUpQueue(t, dialect, { now: '2026-03-07T05:00:00Z', timezone: NEW_YORK, schedule: everyDay(['02:30']) })

      const posts = await addToQueue(fixture, 2)

      assert.equal(posts[0]!.dueAt, '2026-03-07T07:30:00.000Z')
      assert.equal(posts[1]!.dueAt, '2026-03-09T06:30:00.000Z')
    })

    it('takes repeated fall-back time once', async (t) => {
      // Saturday 2026-10-31, 00:00 EDT. 01:30 occurs twice in New York on Sunday 2026-11-01:
      // at 05:30Z (EDT) and again at 06:30Z (EST).
      const fixture = await setUpQueue(t, dialect, { now: '2026-10-31T04:00:00Z', timezone: NEW_YORK, schedule: everyDay(['01:30']) })

      const posts = await addToQueue(fixture, 3)

      assert.equal(posts[0]!.dueAt, '2026-10-31T05:30:00.000Z')
      assert.equal(posts[1]!.dueAt, '2026-11-01T05:30:00.000Z')
      assert.equal(posts[2]!.dueAt, '2026-11-02T06:30:00.000Z')
    })

    it('skips paused days', async (t) => {
      // Friday 2026-02-06, 10:00 EST, after Friday's slot. Saturday and Sunday are paused.
      const fixture = await setUpQueue(t, dialect, { now: '2026-02-06T15:00:00Z', timezone: NEW_YORK, schedule: everyDay(['09:00'], ['sat', 'sun']) })

      const posts = await addToQueue(fixture, 2)

      assert.equal(posts[0]!.dueAt, '2026-02-09T14:00:00.000Z')
      assert.equal(posts[1]!.dueAt, '2026-02-10T14:00:00.000Z')
    })

    it('skips custom-scheduled slots', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })
      const custom = await createPost(fixture, { mode: 'customScheduled', dueAt: '2026-02-03T14:00:00Z' })

      const [queued] = await addToQueue(fixture, 1)

      assert.equal(queued!.dueAt, '2026-02-04T14:00:00.000Z')
      assert.equal((await readPost(fixture, custom.id)).dueAt, '2026-02-03T14:00:00.000Z')
    })

    for (const slotless of SLOTLESS_SCHEDULES) {
      it(slotless.name, async (t) => {
        const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })
        const updated = await updateSchedule(fixture, slotless.schedule)

        const payload = await sendCreatePost(fixture, { mode: 'addToQueue' })
        const listed = await fixture.app.graphql(LIST_POSTS, { organizationId: fixture.tenant.organizationId }, fixture.tenant.apiKey)

        assert.equal(updated.__typename, 'ChannelActionSuccess')
        assert.equal(payload.__typename, 'InvalidInputError')
        assert.match(payload.message, /add times to its posting schedule/)
        assert.match(payload.message, /unpause its days/)
        assert.equal(listed.body.data!.posts.edges.length, 0)
      })
    }
  })

  describe(`${dialect}: customScheduled`, () => {
    it('stores offset dueAt as UTC', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })

      const custom = await createPost(fixture, { mode: 'customScheduled', dueAt: '2026-02-03T19:30:00+05:30' })

      assert.equal(custom.dueAt, '2026-02-03T14:00:00.000Z')
      assert.equal(custom.isCustomScheduled, true)
      assert.equal(custom.status, 'scheduled')
    })

    it('keeps its time when re-slotted', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })
      // Tuesday 09:00 in New York, the queue's first slot.
      const custom = await createPost(fixture, { mode: 'customScheduled', dueAt: '2026-02-03T19:30:00+05:30' })
      const [queued] = await addToQueue(fixture, 1)

      const next = await createPost(fixture, { mode: 'shareNext' })
      const afterShareNext = await readDueTimes(fixture, [custom, next, queued!])
      const rescheduled = await updateSchedule(fixture, everyDay(['09:00', '12:00']))
      const afterScheduleChange = await readDueTimes(fixture, [custom, next, queued!])

      assert.equal(queued!.dueAt, '2026-02-04T14:00:00.000Z')
      assert.equal(afterShareNext[0], '2026-02-03T14:00:00.000Z')
      assert.equal(afterShareNext[1], '2026-02-04T14:00:00.000Z')
      assert.equal(afterShareNext[2], '2026-02-05T14:00:00.000Z')
      assert.equal(rescheduled.__typename, 'ChannelActionSuccess')
      assert.equal(afterScheduleChange[0], '2026-02-03T14:00:00.000Z')
      // Monday 12:00 EST, then Tuesday 12:00 EST, because Tuesday 09:00 is still the custom post's.
      assert.equal(afterScheduleChange[1], '2026-02-02T17:00:00.000Z')
      assert.equal(afterScheduleChange[2], '2026-02-03T17:00:00.000Z')
    })
  })

  describe(`${dialect}: queue re-slotting`, () => {
    it('shareNext goes first', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })
      const queued = await addToQueue(fixture, 3)

      const next = await createPost(fixture, { mode: 'shareNext' })
      const [nextDue, ...queuedDue] = await readDueTimes(fixture, [next, ...queued])

      assert.equal(nextDue, '2026-02-03T14:00:00.000Z')
      assert.equal(queuedDue[0], '2026-02-04T14:00:00.000Z')
      assert.equal(queuedDue[1], '2026-02-05T14:00:00.000Z')
      assert.equal(queuedDue[2], '2026-02-06T14:00:00.000Z')
    })

    it('delete moves later posts up', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })
      const [first, second, third] = await addToQueue(fixture, 3)

      const deleted = await fixture.app.graphql(DELETE_POST, { id: second!.id }, fixture.tenant.apiKey)
      const [firstDue, thirdDue] = await readDueTimes(fixture, [first!, third!])

      assert.equal(deleted.body.data!.deletePost.__typename, 'DeletePostSuccess')
      assert.equal(firstDue, '2026-02-03T14:00:00.000Z')
      assert.equal(thirdDue, '2026-02-04T14:00:00.000Z')
    })

    it('movePostInQueue top and bottom', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })
      const [first, second, third] = await addToQueue(fixture, 3)

      const toTop = await fixture.app.graphql(MOVE_POST, { id: third!.id, position: 'top' }, fixture.tenant.apiKey)
      const afterTop = await readDueTimes(fixture, [first!, second!, third!])
      const toBottom = await fixture.app.graphql(MOVE_POST, { id: first!.id, position: 'bottom' }, fixture.tenant.apiKey)
      const afterBottom = await readDueTimes(fixture, [first!, second!, third!])

      assert.equal(toTop.body.data!.movePostInQueue.__typename, 'PostActionSuccess')
      assert.equal(toTop.body.data!.movePostInQueue.post.dueAt, '2026-02-03T14:00:00.000Z')
      assert.deepEqual(afterTop, ['2026-02-04T14:00:00.000Z', '2026-02-05T14:00:00.000Z', '2026-02-03T14:00:00.000Z'])
      assert.equal(toBottom.body.data!.movePostInQueue.__typename, 'PostActionSuccess')
      assert.equal(toBottom.body.data!.movePostInQueue.post.dueAt, '2026-02-05T14:00:00.000Z')
      assert.deepEqual(afterBottom, ['2026-02-05T14:00:00.000Z', '2026-02-04T14:00:00.000Z', '2026-02-03T14:00:00.000Z'])
    })

    it('updatePostingSchedule re-slots times', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })
      const queued = await addToQueue(fixture, 2)

      const updated = await updateSchedule(fixture, everyDay(['12:00']))
      const dueTimes = await readDueTimes(fixture, queued)

      assert.equal(updated.__typename, 'ChannelActionSuccess')
      // Monday and Tuesday at 12:00 EST: Monday's slot is still ahead of the clock.
      assert.deepEqual(dueTimes, ['2026-02-02T17:00:00.000Z', '2026-02-03T17:00:00.000Z'])
    })

    it('updatePostingSchedule re-slots timezone', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['12:00']) })
      const queued = await addToQueue(fixture, 2)

      const updated = await updateSchedule(fixture, everyDay(['12:00']), BERLIN)
      const dueTimes = await readDueTimes(fixture, queued)

      assert.equal(updated.__typename, 'ChannelActionSuccess')
      assert.equal(updated.channel.timezone, BERLIN)
      // Monday 12:00 CET (11:00Z) has passed at 15:00Z, so Tuesday and Wednesday take the posts.
      assert.deepEqual(dueTimes, ['2026-02-03T11:00:00.000Z', '2026-02-04T11:00:00.000Z'])
    })
  })

  describe(`${dialect}: saveToDraft`, () => {
    it('draft gets no due time', async (t) => {
      const fixture = await setUpQueue(t, dialect, { now: MONDAY_MORNING_NEW_YORK, timezone: NEW_YORK, schedule: everyDay(['09:00']) })

      const draft = await createPost(fixture, { mode: 'addToQueue', saveToDraft: true })
      const [queued] = await addToQueue(fixture, 1)

      assert.equal(draft.status, 'draft')
      assert.equal(draft.dueAt, null)
      // The draft holds no slot, so the first queued post still takes Tuesday 09:00.
      assert.equal(queued!.dueAt, '2026-02-03T14:00:00.000Z')
    })

    it('worker never claims drafts', async (t) => {
      const clock = createClock(MONDAY_MORNING_NEW_YORK)
      const app = await startTestApp(t, dialect, { now: clock.now, worker: true })
      const receiver = await startWebhookReceiver(t)
      const tenant = await buildTenant(app.deps)
      const channel = await buildChannel(app.deps, tenant.organizationId, { timezone: NEW_YORK, schedule: everyDay(['09:00']), webhookUrl: receiver.url })
      const fixture: QueueFixture = { app, tenant, channelId: channel.id, clock }
      const queuedDraft = await createPost(fixture, { mode: 'addToQueue', saveToDraft: true })
      const sharedNowDraft = await createPost(fixture, { mode: 'shareNow', saveToDraft: true })

      // A post sent before and one sent after the clock jumps a year ahead prove that the worker
      // ran at both times.
      const before = await createPost(fixture, { mode: 'shareNow' })
      await waitFor(async () => (await readStoredStatus(app, before.id)) === 'sent', `post ${before.id} is sent`)
      clock.set('2027-03-01T15:00:00Z')
      const after = await createPost(fixture, { mode: 'shareNow' })
      await waitFor(async () => (await readStoredStatus(app, after.id)) === 'sent', `post ${after.id} is sent`)
      const drafts = [await readPost(fixture, queuedDraft.id), await readPost(fixture, sharedNowDraft.id)]
      const attempts = await app.deps.db.kysely
        .selectFrom('delivery_attempts')
        .select('post_id')
        .where('post_id', 'in', [queuedDraft.id, sharedNowDraft.id])
        .execute()
      const deliveredIds = receiver.received.map((delivery) => delivery.id)

      assert.equal(drafts[0]!.status, 'draft')
      assert.equal(drafts[0]!.dueAt, null)
      assert.equal(drafts[1]!.status, 'draft')
      assert.equal(drafts[1]!.dueAt, null)
      assert.equal(attempts.length, 0)
      assert.deepEqual(deliveredIds, [`msg_${before.id}`, `msg_${after.id}`])
    })
  })
}
