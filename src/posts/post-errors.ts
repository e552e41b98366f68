/** Expected failures of post operations. Each becomes a typed member of the mutation's payload. */
export type PostError =
  | { code: 'POST_NOT_FOUND'; message: string }
  | { code: 'CHANNEL_NOT_FOUND'; message: string }
  | { code: 'ORGANIZATION_NOT_FOUND'; message: string }
  | { code: 'INVALID_INPUT'; message: string; field: string; rule?: InvalidInputRule }
  | { code: 'LIMIT_REACHED'; message: string }
  | { code: 'NO_FREE_SLOT'; message: string }
  | { code: 'POST_NOT_EDITABLE'; message: string }

/**
 * Names the rule an INVALID_INPUT broke, for callers that word the error their own way (the web
 * pages do). The API sends only the message.
 */
export type InvalidInputRule =
  | 'DUE_AT_NOT_IN_FUTURE'
  | 'CONTENT_MISSING'
  /** A media URL that is not an absolute URL. */
  | 'URL_INVALID'
  /** A media URL whose scheme is not http or https. */
  | 'URL_SCHEME'
  /** A media URL with a user name or password in it. */
  | 'URL_CREDENTIALS'
  /** A media URL over MAX_URL_LENGTH of post-input.ts. */
  | 'URL_TOO_LONG'
  /** A text rule of the channel's network (length, forbidden characters, hashtags, mentions or links). */
  | 'NETWORK_TEXT_RULE'

export function invalidInput(field: string, message: string, rule?: InvalidInputRule): PostError {
  return rule === undefined ? { code: 'INVALID_INPUT', field, message } : { code: 'INVALID_INPUT', field, message, rule }
}

export function postNotFound(postId: string): PostError {
  return { code: 'POST_NOT_FOUND', message: `Post ${postId} was not found.` }
}

export function channelNotFound(channelId: string): PostError {
  return { code: 'CHANNEL_NOT_FOUND', message: `Channel ${channelId} was not found.` }
}
