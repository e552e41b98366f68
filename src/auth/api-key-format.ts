import { randomBytes } from 'node:crypto'

/** Every Pigeon API key starts with this, so secret scanners and people can recognise one. */
export const API_KEY_PREFIX = 'pgn_'

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const RANDOM_BYTES = 32
/** 32 bytes need 43 base62 digits (62^43 > 2^256). */
const RANDOM_LENGTH = 43
/** A CRC32 is below 2^32, which needs 6 base62 digits (62^6 > 2^32). */
const CHECKSUM_LENGTH = 6
export const API_KEY_LENGTH = API_KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH

const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`)

const CRC_TABLE = buildCrcTable()

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256)
  for (let index = 0; index < 256; index++) {
    let value = index
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1
    table[index] = value >>> 0
  }

  return table
}

/** CRC-32 (IEEE 802.3, the zlib polynomial) of the UTF-8 bytes of `text`. */
export function crc32(text: string): number {
  let crc = 0xffffffff
  for (const byte of Buffer.from(text, 'utf8')) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)

  return (crc ^ 0xffffffff) >>> 0
}

function toBase62(value: bigint, length: number): string {
  let digits = ''
  let rest = value
  while (rest > 0n) {
    digits = BASE62[Number(rest % 62n)] + digits
    rest /= 62n
  }

  return digits.padStart(length, '0')
}

function checksumOf(body: string): string {
  return toBase62(BigInt(crc32(body)), CHECKSUM_LENGTH)
}

/** Generates a new key: the prefix, 32 random bytes in base62, then a base62 CRC32 of both. */
export function generateApiKey(): string {
  const random = toBase62(BigInt(`0x${randomBytes(RANDOM_BYTES).toString('hex')}`), RANDOM_LENGTH)
  const body = `${API_KEY_PREFIX}${random}`

  return `${body}${checksumOf(body)}`
}

/**
 * True when `candidate` has the shape of a Pigeon key and its checksum matches, which rejects
 * typos and foreign tokens without touching the database.
 */
export function isWellFormedApiKey(candidate: string): boolean {
  if (candidate.length !== API_KEY_LENGTH || !KEY_PATTERN.test(candidate)) return false

  const body = candidate.slice(0, -CHECKSUM_LENGTH)
  return checksumOf(body) === candidate.slice(-CHECKSUM_LENGTH)
}

/** The parts of a key that may be shown again after creation: its start and last 4 characters. */
export function displayParts(key: string): { displayPrefix: string; last4: string } {
  return { displayPrefix: key.slice(0, API_KEY_PREFIX.length + 4), last4: key.slice(-4) }
}
