import type { FastifyReply, FastifyRequest } from 'fastify'
import { clearWebCookie, readCookie, setWebCookie } from './cookies.ts'

/** Key under which @fastify/csrf-protection reads and writes the secret in `request.session`. */
export const CSRF_SECRET_KEY = '_csrf'

/**
 * The per-browser CSRF secret, kept in its own cookie and handed to @fastify/csrf-protection
 * through the `request.session` object its '@fastify/session' mode reads. Pigeon does not use
 * @fastify/session; this holder exists so the secret's cookie can take the protocol's name
 * (`__Host-` over HTTPS), which the plugin's own cookie mode cannot do.
 */
export class CsrfSecretHolder {
  private secret: string | undefined
  private changed = false

  constructor(secret: string | undefined) {
    this.secret = secret
  }

  get _csrf(): string | undefined {
    return this.secret
  }

  set _csrf(value: string | undefined) {
    this.secret = value
    this.changed = true
  }

  /** Replaces the secret on the next token request, for example after sign-in or sign-out. */
  reset(): void {
    this.secret = undefined
    this.changed = true
  }

  /** Writes or clears the secret's cookie when the secret changed during this request. */
  persist(request: FastifyRequest, reply: FastifyReply): void {
    if (!this.changed) return
    if (this.secret === undefined) clearWebCookie(request, reply, 'csrf')
    else setWebCookie(request, reply, 'csrf', this.secret)
    this.changed = false
  }
}

export function loadCsrfSecret(request: FastifyRequest): CsrfSecretHolder {
  return new CsrfSecretHolder(readCookie(request, 'csrf'))
}
