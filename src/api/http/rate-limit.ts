import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../deps.ts'
import type { RateLimitDecision, RateLimiter } from '../../limits/rate-limiter.ts'

/**
 * Writes the IETF RateLimit and RateLimit-Policy fields, one line per window as Buffer sends them,
 * plus the legacy X-RateLimit-* fields of the window with the fewest requests left.
 */
export function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision, now: Date): void {
  reply.header('RateLimit', decision.windows.map((window) => `"${window.policyName}";r=${window.remaining};t=${window.resetSeconds}`))
  reply.header('RateLimit-Policy', decision.policyLines)

  const tightest = decision.windows.reduce((left, right) => (right.remaining < left.remaining ? right : left))
  reply.header('X-RateLimit-Limit', String(tightest.quota))
  reply.header('X-RateLimit-Remaining', String(tightest.remaining))
  reply.header('X-RateLimit-Reset', String(Math.ceil(now.getTime() / 1000) + tightest.resetSeconds))
}

/**
 * Builds the hook that counts each authenticated API request against its key's quotas and
 * answers 429 with Buffer's RATE_LIMIT_EXCEEDED body once a window is full.
 */
export function createRateLimitHook(deps: AppDeps, limiter: RateLimiter) {
  return async function rateLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const actor = request.actor
    if (actor === null || !deps.config.rateLimits.enabled) return

    const quotas = deps.config.rateLimits.quotas ?? actor.rateLimits
    const decision = await limiter.consume(`key:${actor.apiKeyId}`, quotas)
    setRateLimitHeaders(reply, decision, deps.now())
    if (decision.allowed) return

    const window = decision.exceeded!.window
    request.log.info({ window, retryAfter: decision.retryAfterSeconds }, 'rate limit exceeded')
    await reply
      .code(429)
      .header('Retry-After', String(decision.retryAfterSeconds))
      .send({
        errors: [
          {
            message: `Too many requests from this client. Please try again later: the ${decision.exceeded!.policyName} limit is used up; retry in ${decision.retryAfterSeconds} s.`,
            extensions: { code: 'RATE_LIMIT_EXCEEDED', window, retryAfter: decision.retryAfterSeconds, limitType: 'CLIENT_ACCOUNT' },
          },
        ],
      })
  }
}
