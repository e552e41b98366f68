import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** Cookies the web app sets, by role. */
export type WebCookie = 'session' | 'csrf' | 'flash' | 'secretReveal'

const BASE_NAMES: Record<WebCookie, string> = {
  session: 'pigeon_session',
  csrf: 'pigeon_csrf',
  flash: 'pigeon_flash',
  secretReveal: 'pigeon_secret_reveal',
}

/**
 * Name of a web cookie for this request. Over HTTPS it carries the `__Host-` prefix, which makes
 * browsers accept it only with Secure, Path=/ and no Domain, so no other host or plain-HTTP page
 * can set or shadow it. Over plain HTTP (such as http://127.0.0.1:3000, the default listen
 * address) browsers refuse Secure and `__Host-` cookies, so the cookie goes without both; that is
 * only as safe as the connection, which is why Pigeon listens on loopback by default.
 *
 * The protocol is `request.protocol`: the connection's, or `X-Forwarded-Proto` when the peer is a
 * proxy that PIGEON_TRUST_PROXY names.
 *
 * @remarks Limitation: behind a proxy that ends TLS and is not named in PIGEON_TRUST_PROXY, Pigeon
 * receives plain HTTP and sets the plain cookie.
 */
export function cookieName(request: FastifyRequest, cookie: WebCookie): string {
  return isHttps(request) ? `__Host-${BASE_NAMES[cookie]}` : BASE_NAMES[cookie]
}

export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https'
}

/** HttpOnly, SameSite=Lax, Path=/, and Secure over HTTPS; `maxAgeSeconds` omitted gives a browser-session cookie. */
export function cookieOptions(request: FastifyRequest, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: isHttps(request),
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  }
}

/** Reads a web cookie under the name this request's protocol uses; the other name is ignored. */
export function readCookie(request: FastifyRequest, cookie: WebCookie): string | undefined {
  const value = request.cookies[cookieName(request, cookie)]
  return value === undefined || value === '' ? undefined : value
}

export function setWebCookie(request: FastifyRequest, reply: FastifyReply, cookie: WebCookie, value: string, maxAgeSeconds?: number): void {
  void reply.setCookie(cookieName(request, cookie), value, cookieOptions(request, maxAgeSeconds))
}

export function clearWebCookie(request: FastifyRequest, reply: FastifyReply, cookie: WebCookie): void {
  void reply.clearCookie(cookieName(request, cookie), cookieOptions(request))
}
