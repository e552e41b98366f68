import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiKeyActor } from '../../auth/actor.ts'
import { verifyApiKey, type VerifyApiKeyFailure } from '../../auth/api-keys.ts'
import type { AppDeps } from '../../deps.ts'
import { AuthFailureThrottle } from './auth-failure-throttle.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key's account on API routes; web pages use their own session instead. */
    actor: ApiKeyActor | null
  }
}

// Buffer's gateway sends this exact message when no credential is present.
const MISSING_MESSAGE = 'An authentication JWT or Access Token is required'

const FAILURE_MESSAGES: Record<Exclude<VerifyApiKeyFailure, 'missing'>, string> = {
  malformed: 'The Authorization header does not hold a valid Pigeon API key (pgn_…); check that the whole key was copied.',
  unknown: 'This API key is not recognised; create a key with `pigeon keys create` and send it as "Authorization: Bearer <key>".',
  revoked: 'This API key was revoked; create a new key and use that instead.',
  expired: 'This API key has expired; create a new key and use that instead.',
}

/** Reads the bearer token of an Authorization header; the scheme is matched case-insensitively. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)

  return match?.[1] ?? ''
}

/**
 * Builds the hook that resolves the caller of an API request. CORS preflights pass without a
 * key; any other request without a valid key gets 401 with Buffer's UNAUTHENTICATED body, before
 * GraphQL parsing runs.
 */
export function createAuthenticateHook(deps: AppDeps, throttle = new AuthFailureThrottle(deps.config.rateLimits.authFailureLimit)) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.actor = null
    if (request.method === 'OPTIONS') return

    const token = bearerToken(request.headers.authorization)
    const now = deps.nowMs()
    const wait = token === undefined ? 0 : throttle.blockedFor(request.ip, now)
    if (wait > 0) {
      request.log.info({ address: request.ip, retryAfter: wait }, 'key attempts throttled')
      await sendUnauthenticated(reply, `Too many failed API key attempts from this address; no key is checked for the next ${wait} s. Check the key you send, then retry.`, wait)
      return
    }

    if (token === '') {
      throttle.recordFailure(request.ip, now)
      await sendUnauthenticated(reply, 'The Authorization header must have the form "Bearer <key>", with a key from `pigeon keys create`.', null)
      return
    }

    const result = await verifyApiKey(deps, token)
    if (result.ok) {
      request.actor = result.value
      // setBindings adds the ids to the request's logger without creating a second child logger.
      ;(request.log as unknown as { setBindings(bindings: Record<string, string>): void }).setBindings({ accountId: result.value.accountId, apiKeyId: result.value.apiKeyId })
      return
    }

    request.log.info({ reason: result.error }, 'request not authenticated')
    if (result.error !== 'missing') throttle.recordFailure(request.ip, now)
    await sendUnauthenticated(reply, result.error === 'missing' ? MISSING_MESSAGE : FAILURE_MESSAGES[result.error], null)
  }
}

async function sendUnauthenticated(reply: FastifyReply, message: string, retryAfterSeconds: number | null): Promise<void> {
  reply.code(401).header('www-authenticate', 'Bearer realm="pigeon"')
  if (retryAfterSeconds !== null) reply.header('retry-after', String(retryAfterSeconds))
  await reply.send({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] })
}
