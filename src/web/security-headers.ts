import type { FastifyReply } from 'fastify'

/**
 * Content-Security-Policy of every page: scripts, styles, images and fetches only from Pigeon
 * itself, no inline script or style, no plugins, forms post only to Pigeon, and no framing.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Adds the headers every web response gets; pages and JSON are also marked uncacheable. */
export function applySecurityHeaders(reply: FastifyReply, options: { cacheable: boolean }): void {
  void reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
  void reply.header('x-content-type-options', 'nosniff')
  void reply.header('x-frame-options', 'DENY')
  void reply.header('referrer-policy', 'same-origin')
  void reply.header('cross-origin-opener-policy', 'same-origin')
  void reply.header('cross-origin-resource-policy', 'same-origin')
  // Pages can show an API key or webhook secret once, so no cache may keep a copy.
  if (!options.cacheable) void reply.header('cache-control', 'no-store')
}
