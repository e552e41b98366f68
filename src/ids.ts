import { randomBytes } from 'node:crypto'

const processRandom = randomBytes(5)
let counter = randomBytes(3).readUIntBE(0, 3)

/**
 * Returns a new 24-hex ObjectId, the ID shape Buffer's clients see: 4 bytes of seconds since the
 * epoch, 5 random bytes fixed per process and a 3-byte counter. IDs sort by creation second.
 */
export function newObjectId(now: Date = new Date()): string {
  const bytes = Buffer.alloc(12)
  bytes.writeUInt32BE(Math.floor(now.getTime() / 1000) >>> 0, 0)
  processRandom.copy(bytes, 4)
  counter = (counter + 1) % 0x1000000
  bytes.writeUIntBE(counter, 9, 3)

  return bytes.toString('hex')
}

const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/

/** True for a 24-character lowercase hex string. */
export function isObjectId(value: string): boolean {
  return OBJECT_ID_PATTERN.test(value)
}
