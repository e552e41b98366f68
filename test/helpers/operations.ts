/** One request per root operation Pigeon serves, for table-driven tests over all of them. */
export interface OperationCase {
  field: string
  type: 'Query' | 'Mutation'
  document: string
  variables(ids: { organizationId: string; channelId: string; postId: string }): Record<string, unknown>
}

const RESULT = '__typename ... on MutationError { message }'

export const OPERATION_CASES: readonly OperationCase[] = [
  { field: 'account', type: 'Query', document: 'query { account { id } }', variables: () => ({}) },
  { field: 'channels', type: 'Query', document: 'query($o: OrganizationId!) { channels(input: { organizationId: $o }) { id } }', variables: (ids) => ({ o: ids.organizationId }) },
  { field: 'channel', type: 'Query', document: 'query($c: ChannelId!) { channel(input: { id: $c }) { id } }', variables: (ids) => ({ c: ids.channelId }) },
  { field: 'dailyPostingLimits', type: 'Query', document: 'query($c: ChannelId!) { dailyPostingLimits(input: { channelIds: [$c] }) { channelId } }', variables: (ids) => ({ c: ids.channelId }) },
  { field: 'posts', type: 'Query', document: 'query($o: OrganizationId!) { posts(input: { organizationId: $o }) { edges { node { id } } } }', variables: (ids) => ({ o: ids.organizationId }) },
  { field: 'post', type: 'Query', document: 'query($p: PostId!) { post(input: { id: $p }) { id } }', variables: (ids) => ({ p: ids.postId }) },
  { field: 'ideas', type: 'Query', document: 'query($o: OrganizationId!) { ideas(input: { organizationId: $o }) { edges { node { id } } } }', variables: (ids) => ({ o: ids.organizationId }) },
  { field: 'ideaGroups', type: 'Query', document: 'query($o: ID!) { ideaGroups(input: { organizationId: $o }) { id } }', variables: (ids) => ({ o: ids.organizationId }) },
  {
    field: 'createPost',
    type: 'Mutation',
    document: `mutation($c: ChannelId!) { createPost(input: { channelId: $c, mode: addToQueue, schedulingType: automatic, text: "hi", saveToDraft: true }) { ${RESULT} } }`,
    variables: (ids) => ({ c: ids.channelId }),
  },
  { field: 'editPost', type: 'Mutation', document: `mutation($p: PostId!) { editPost(input: { id: $p, text: "edited" }) { ${RESULT} } }`, variables: (ids) => ({ p: ids.postId }) },
  { field: 'deletePost', type: 'Mutation', document: `mutation($p: PostId!) { deletePost(input: { id: $p }) { ${RESULT} } }`, variables: (ids) => ({ p: ids.postId }) },
  { field: 'movePostInQueue', type: 'Mutation', document: `mutation($p: PostId!) { movePostInQueue(input: { id: $p, position: top }) { ${RESULT} } }`, variables: (ids) => ({ p: ids.postId }) },
  {
    field: 'createIdea',
    type: 'Mutation',
    document: `mutation($o: ID!) { createIdea(input: { organizationId: $o, content: { title: "t" } }) { ${RESULT} } }`,
    variables: (ids) => ({ o: ids.organizationId }),
  },
  {
    field: 'updatePostingSchedule',
    type: 'Mutation',
    document: `mutation($c: ChannelId!) { updatePostingSchedule(input: { channelId: $c, schedule: [{ day: mon, times: ["09:00"] }] }) { ${RESULT} } }`,
    variables: (ids) => ({ c: ids.channelId }),
  },
  { field: 'setChannelQueuePaused', type: 'Mutation', document: `mutation($c: ChannelId!) { setChannelQueuePaused(input: { channelId: $c, paused: false }) { ${RESULT} } }`, variables: (ids) => ({ c: ids.channelId }) },
]
