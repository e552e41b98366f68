import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../deps.ts'
import { createCredentialsCipher } from '../storage/credentials-cipher.ts'
import { clearWebCookie, readCookie, setWebCookie } from './cookies.ts'
import type { Viewer } from './viewer.ts'

/** A webhook signing secret waiting to be shown on the page after the redirect that follows its form. */
export interface SecretReveal {
  secret: string
  /** True when the channel was added by the same form, false for a connection change. */
  added: boolean
  /** True when the viewer typed the secret, false when Pigeon generated it. */
  entered: boolean
}

/** Seconds a pending secret stays readable; the redirect is followed at once, so this only bounds a stale cookie. */
const REVEAL_MAX_AGE_SECONDS = 60

/** Additional authenticated data of the cookie, so it decrypts only for this session and channel. */
function revealBinding(viewer: Viewer, channelId: string): string {
  return `webhook-secret-reveal:${viewer.sessionId}:${channelId}`
}

/**
 * Stores a new webhook signing secret in a cookie for the next page of this browser. The cookie is
 * encrypted with the credentials key (AES-256-GCM) and bound to the session and channel. It lets
 * the secret survive the redirect after the form without any server process keeping it.
 * @remarks Limitation: the page clears the cookie when it shows the secret, but a copy of the
 * cookie replayed within its max age shows the secret again to the same session.
 */
export function setSecretReveal(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, viewer: Viewer, channelId: string, reveal: SecretReveal): void {
  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  const sealed = cipher.encrypt(revealBinding(viewer, channelId), JSON.stringify(reveal))
  setWebCookie(request, reply, 'secretReveal', Buffer.from(sealed, 'utf8').toString('base64url'), REVEAL_MAX_AGE_SECONDS)
}

/**
 * Returns the pending secret of the channel and clears it, so it is shown once. Returns null when
 * there is none, or when it was sealed for another session or channel, or cannot be decrypted.
 */
export function takeSecretReveal(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, viewer: Viewer, channelId: string): SecretReveal | null {
  const raw = readCookie(request, 'secretReveal')
  if (raw === undefined) return null

  clearWebCookie(request, reply, 'secretReveal')
  const cipher = createCredentialsCipher(deps.config.credentialsKey)
  try {
    const parsed = JSON.parse(cipher.decrypt(revealBinding(viewer, channelId), Buffer.from(raw, 'base64url').toString('utf8'))) as Partial<SecretReveal>
    if (typeof parsed.secret !== 'string' || typeof parsed.added !== 'boolean' || typeof parsed.entered !== 'boolean') return null
    return { secret: parsed.secret, added: parsed.added, entered: parsed.entered }
  } catch {
    // A cookie of another session or channel fails authentication; it is dropped like a missing one.
    return null
  }
}
