// Record keys of app.bsky.feed.post must be TIDs (the lexicon's "key": "tid"). A TID is a 64-bit
// integer written as 13 characters of base32-sortable (234567abcdefghijklmnopqrstuvwxyz): the top
// bit 0, then 53 bits of microseconds since the Unix epoch, then a 10-bit clock identifier
// (atproto.com/specs/tid). Pigeon derives the TID from the post id instead of the clock, so every
// attempt at one item writes the same key and the PDS refuses a second record there.

const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz'
const TID_LENGTH = 13
const OBJECT_ID = /^[0-9a-f]{24}$/

/** Thread items one post may have on Bluesky: the item index takes two decimal digits of the key. */
export const MAX_THREAD_ITEMS = 100

/**
 * Derives the record key of one item of a post from the post's 24-hex ObjectId (4 bytes of
 * seconds, 5 bytes fixed per Pigeon process, a 3-byte counter). The timestamp part is the post's
 * creation second plus `(counter mod 10000) * 100 + itemIndex` microseconds. The clock
 * identifier is the low 10 bits of the process bytes. Posts created in the same second by one
 * process, and the items of one thread, therefore get distinct keys in creation order.
 * Throws a RangeError for an id that is not an ObjectId or an index outside 0–99.
 * @remarks Limitation: two posts from different Pigeon processes, created in the same second with
 * counters equal modulo 10,000 and process bytes equal in their low 10 bits, would share keys.
 */
export function blueskyRecordKey(postId: string, itemIndex: number): string {
  if (!OBJECT_ID.test(postId)) throw new RangeError(`post id must be a 24-character hex ObjectId, got "${postId}"`)
  if (!Number.isInteger(itemIndex) || itemIndex < 0 || itemIndex >= MAX_THREAD_ITEMS) {
    throw new RangeError(`itemIndex must be an integer from 0 to ${MAX_THREAD_ITEMS - 1}, got ${itemIndex}`)
  }

  const seconds = BigInt(parseInt(postId.slice(0, 8), 16))
  const processBits = BigInt(parseInt(postId.slice(15, 18), 16) & 0x3ff)
  const counter = BigInt(parseInt(postId.slice(18, 24), 16))
  const micros = seconds * 1_000_000n + (counter % 10_000n) * 100n + BigInt(itemIndex)

  return encodeTid((micros << 10n) | processBits)
}

/** True for a syntactically valid TID: 13 base32-sortable characters with the top bit clear. */
export function isTid(value: string): boolean {
  return value.length === TID_LENGTH && /^[234567a-j][234567a-z]{12}$/.test(value)
}

function encodeTid(value: bigint): string {
  let text = ''
  let rest = value
  for (let index = 0; index < TID_LENGTH; index++) {
    text = BASE32_SORTABLE[Number(rest & 31n)]! + text
    rest >>= 5n
  }

  return text
}
