import type { FastifyReply, FastifyRequest } from 'fastify'
import { clearWebCookie, readCookie, setWebCookie } from './cookies.ts'

/** A one-time notice shown on the page after a redirect. */
export interface Flash {
  kind: 'success' | 'error' | 'info'
  text: string
}

const MAX_FLASH_LENGTH = 600
const FLASH_MAX_AGE_SECONDS = 60

/** Stores a notice for the next page this browser loads. The text is shown escaped. */
export function setFlash(request: FastifyRequest, reply: FastifyReply, flash: Flash): void {
  const value = Buffer.from(JSON.stringify({ kind: flash.kind, text: flash.text.slice(0, MAX_FLASH_LENGTH) }), 'utf8').toString('base64url')
  setWebCookie(request, reply, 'flash', value, FLASH_MAX_AGE_SECONDS)
}

/** Returns the pending notice, if any, and clears it so it shows once. A malformed cookie is dropped. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = readCookie(request, 'flash')
  if (raw === undefined) return null

  clearWebCookie(request, reply, 'flash')
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { kind?: unknown; text?: unknown }
    const kind = parsed.kind === 'success' || parsed.kind === 'error' || parsed.kind === 'info' ? parsed.kind : null
    if (kind === null || typeof parsed.text !== 'string') return null
    return { kind, text: parsed.text.slice(0, MAX_FLASH_LENGTH) }
  } catch {
    return null
  }
}
