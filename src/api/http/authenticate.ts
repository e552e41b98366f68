import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Actor } from '../../auth/actor.ts'
import { verifyApiKey, type VerifyApiKeyFailure } from '../../auth/api-keys.ts'
import type { AppDeps } from '../../deps.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null
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
export function createAuthenticateHook(deps: AppDeps) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    request.actor = null
    if (request.method === 'OPTIONS') return

    const result = await verifyApiKey(deps, bearerToken(request.headers.authorization))
    if (result.ok) {
      request.actor = result.value
      request.log = request.log.child({ accountId: result.value.accountId, apiKeyId: result.value.apiKeyId })
      return
    }

    request.log.info({ reason: result.error }, 'request not authenticated')
    const message = result.error === 'missing' ? MISSING_MESSAGE : FAILURE_MESSAGES[result.error]
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="pigeon"')
      .send({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] })
  }
}
