/** Expected failures of post operations. Each becomes a typed member of the mutation's payload. */
export type PostError =
  | { code: 'POST_NOT_FOUND'; message: string }
  | { code: 'CHANNEL_NOT_FOUND'; message: string }
  | { code: 'ORGANIZATION_NOT_FOUND'; message: string }
  | { code: 'INVALID_INPUT'; message: string; field: string }
  | { code: 'LIMIT_REACHED'; message: string }
  | { code: 'NO_FREE_SLOT'; message: string }
  | { code: 'POST_NOT_EDITABLE'; message: string }

export function invalidInput(field: string, message: string): PostError {
  return { code: 'INVALID_INPUT', field, message }
}

export function postNotFound(postId: string): PostError {
  return { code: 'POST_NOT_FOUND', message: `Post ${postId} was not found.` }
}

export function channelNotFound(channelId: string): PostError {
  return { code: 'CHANNEL_NOT_FOUND', message: `Channel ${channelId} was not found.` }
}
