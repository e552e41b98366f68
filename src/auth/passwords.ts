import { randomBytes } from 'node:crypto'
import { hash, verify, type Algorithm } from '@node-rs/argon2'
import { err, ok, type Result } from '../errors/result.ts'

/**
 * argon2id with OWASP's minimum parameters: 19 MiB of memory, 2 passes, 1 lane. About 16 ms per
 * hash with @node-rs/argon2 2.2.1 on the development machine.
 */
const HASH_OPTIONS = {
  // NOTE: 2 is Algorithm.Argon2id; the package declares it as a const enum, which isolated modules cannot read.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
}

/** Minimum password length, in characters (Unicode code points). */
export const MIN_PASSWORD_LENGTH = 12
/** Maximum password length, in characters; it bounds the hashing work one request can cause. */
export const MAX_PASSWORD_LENGTH = 1024

export type PasswordInputError = { code: 'INVALID_INPUT'; field: string; message: string }

/** Checks a new password's length and that it is not the account's email address. */
export function checkNewPassword(password: string, email: string, field = 'password'): Result<string, PasswordInputError> {
  const length = [...password].length
  if (length === 0) {
    return err({ code: 'INVALID_INPUT', field, message: `The password is missing; choose one of at least ${MIN_PASSWORD_LENGTH} characters.` })
  }
  if (length < MIN_PASSWORD_LENGTH) {
    return err({ code: 'INVALID_INPUT', field, message: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long; it has ${length}.` })
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return err({ code: 'INVALID_INPUT', field, message: `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.` })
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return err({ code: 'INVALID_INPUT', field, message: 'The password must not be your email address.' })
  }

  return ok(password)
}

/** Hashes a password as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a random salt. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS)
}

/** True when `password` matches the PHC string. A malformed stored hash throws. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password)
}

let dummyHash: Promise<string> | null = null

/**
 * Spends the time of one verification against a throwaway hash, so a sign-in for an unknown email
 * or an account without a password takes as long as a wrong password does.
 */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  await verify(await dummyHash, password)
}
