import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SessionActor } from '../auth/actor.ts'
import { resolveSession, SESSION_LIFETIME_MS, type StartedSession } from '../auth/sessions.ts'
import type { AppDeps } from '../deps.ts'
import type { AccountRecord } from '../storage/accounts-repo.ts'
import { clearWebCookie, readCookie, setWebCookie } from './cookies.ts'
import type { CsrfSecretHolder } from './csrf-secret.ts'

/** The signed-in account behind a web request. */
export interface Viewer {
  actor: SessionActor
  account: AccountRecord
  sessionId: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account, or null for a visitor without a valid session. Web routes only. */
    viewer: Viewer | null
    /** Holder of the CSRF secret that @fastify/csrf-protection reads. Web routes only. */
    session: CsrfSecretHolder
  }
}

/** Resolves the session cookie of a request; an unknown or expired session's cookie is cleared. */
export async function loadViewer(deps: AppDeps, request: FastifyRequest, reply: FastifyReply): Promise<Viewer | null> {
  const token = readCookie(request, 'session')
  if (token === undefined) return null

  const resolved = await resolveSession(deps, token)
  if (!resolved.ok) {
    request.log.info({ reason: resolved.error }, 'web session rejected')
    clearWebCookie(request, reply, 'session')
    return null
  }

  return { actor: resolved.value.actor, account: resolved.value.account, sessionId: resolved.value.session.id }
}

/** Sets the cookie of a newly started session and gives the browser a fresh CSRF secret. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, started: StartedSession): void {
  setWebCookie(request, reply, 'session', started.token, Math.floor(SESSION_LIFETIME_MS / 1000))
  request.session.reset()
  request.session.persist(request, reply)
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  clearWebCookie(request, reply, 'session')
  request.session.reset()
  request.session.persist(request, reply)
}

/** Returns the viewer of a route that requires sign-in, where the sign-in guard has already run. */
export function viewerOf(request: FastifyRequest): Viewer {
  if (request.viewer === null) throw new Error(`${request.method} ${request.url} reached a signed-in route without a session`)
  return request.viewer
}

/** Binds CSRF tokens to the session, so a token from before sign-in or from another session is refused. */
export function csrfUserInfo(request: FastifyRequest): string {
  return request.viewer?.sessionId ?? 'signed-out'
}

// A path on this server: one leading slash, then printable ASCII without backslashes. Browsers
// drop tabs and newlines from URLs and read `\` as `/`, so "/\t/evil.example" or "/\\evil.example"
// would otherwise become the off-site address "//evil.example".
const LOCAL_PATH = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/

/** Returns the local path to go to after sign-in, or /app when `next` is missing or points off-site. */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 500 || !LOCAL_PATH.test(next)) return '/app'
  return next
}
