import { randomBytes } from 'node:crypto'

/**
 * Returns a function that makes request ids: a random prefix drawn once, then a counter, such as
 * `Xq3v9Q2x7a1M-1a`. The prefix has 72 random bits, so ids stay unique across restarts and
 * processes, and searching a shared log for one finds only its request. Making an id costs no
 * random bytes per request. Ids are not secrets.
 */
export function createRequestIdGenerator(): () => string {
  const prefix = `${randomBytes(9).toString('base64url')}-`
  let counter = 0

  return () => prefix + (++counter).toString(36)
}
