import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { CredentialsKeyConfig } from '../config/config.ts'

const FORMAT_VERSION = 'v1'
const KEY_BYTES = 32
const IV_BYTES = 12
const KEY_FILE_PATTERN = /^[0-9a-f]{64}$/

/**
 * Encrypts and decrypts channel credentials with AES-256-GCM. The ciphertext names its format
 * version, and the channel id is bound as additional authenticated data, so a value copied to
 * another channel's row fails to decrypt.
 */
export interface CredentialsCipher {
  encrypt(channelId: string, plaintext: string): string
  /** Throws when the value was not encrypted with this key for this channel. */
  decrypt(channelId: string, ciphertext: string): string
}

const keysByFile = new Map<string, Buffer>()

/**
 * Builds the cipher for the configured key. A `file` key is read from its file, or generated into
 * it (mode 0600) when the file does not exist yet. Two processes starting together end up with
 * the same key, because only one of them can create the file. Throws when the file exists but
 * does not contain 64 hex characters.
 */
export function createCredentialsCipher(config: CredentialsKeyConfig): CredentialsCipher {
  const key = config.source === 'env' ? Buffer.from(config.hex, 'hex') : loadOrCreateKeyFile(config.path)

  return {
    encrypt(channelId, plaintext) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(channelId, 'utf8'))
      const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])

      return [FORMAT_VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), encrypted.toString('base64')].join(':')
    },
    decrypt(channelId, ciphertext) {
      const [version, iv, tag, encrypted] = ciphertext.split(':')
      if (version !== FORMAT_VERSION || iv === undefined || tag === undefined || encrypted === undefined) {
        throw new Error(`Stored channel credentials of ${channelId} are not in the ${FORMAT_VERSION} format`)
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
      decipher.setAAD(Buffer.from(channelId, 'utf8'))
      decipher.setAuthTag(Buffer.from(tag, 'base64'))
      try {
        return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]).toString('utf8')
      } catch (error) {
        throw new Error(`Stored channel credentials of ${channelId} cannot be decrypted; PIGEON_CREDENTIALS_KEY (or credentials.key) differs from the key that encrypted them`, { cause: error })
      }
    },
  }
}

function loadOrCreateKeyFile(keyPath: string): Buffer {
  const cached = keysByFile.get(keyPath)
  if (cached !== undefined) return cached

  fs.mkdirSync(path.dirname(keyPath), { recursive: true })
  // The key is written to a temporary file first and then linked into place: link() fails when
  // the name exists, so a concurrent reader never sees a half-written key.
  const temporary = `${keyPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  fs.writeFileSync(temporary, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600 })
  try {
    fs.linkSync(temporary, keyPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    fs.rmSync(temporary, { force: true })
  }
  const hex = fs.readFileSync(keyPath, 'utf8').trim()
  if (!KEY_FILE_PATTERN.test(hex)) {
    throw new Error(`${keyPath} must contain 64 lowercase hex characters; restore the original key file, or set PIGEON_CREDENTIALS_KEY`)
  }
  const key = Buffer.from(hex, 'hex')
  keysByFile.set(keyPath, key)

  return key
}
