import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '../../deps.ts'
import { apiKeyPartition, type RateLimitDecision, type RateLimiter } from '../../limits/rate-limiter.ts'

/**
 * Writes the IETF RateLimit and RateLimit-Policy fields, one line per window as Buffer sends them,
 * plus the legacy X-RateLimit-* fields of the window with the fewest requests left.
 */
export function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision, nowMs: number): void {
  reply.header('RateLimit', decision.windows.map((window) => `"${window.policyName}";r=${window.remaining};t=${window.resetSeconds}`))
  reply.header('RateLimit-Policy', decision.policyLines)

  const tightest = decision.windows.reduce((left, right) => (right.remaining < left.remaining ? right : left))
  reply.header('X-RateLimit-Limit', String(tightest.quota))
  reply.header('X-RateLimit-Remaining', String(tightest.remaining))
  reply.header('X-RateLimit-Reset', String(Math.ceil(nowMs / 1000) + tightest.resetSeconds))
}

/**
 * Builds the hook that counts each authenticated API request against its key's quotas and
 * replies 429 with Buffer's RATE_LIMIT_EXCEEDED body once a window is full. The hook returns
 * something to await only when it must wait: for the key's stored counts, or for the 429 to be sent.
 */
export function createRateLimitHook(deps: AppDeps, limiter: RateLimiter) {
  const limits = deps.config.rateLimits

  return function rateLimit(request: FastifyRequest, reply: FastifyReply): Promise<unknown> | FastifyReply | undefined {
    const actor = request.actor
    if (actor === null || !limits.enabled) return undefined

    const quotas = limits.quotas ?? actor.rateLimits
    const partition = apiKeyPartition(actor.apiKeyId)
    const decision = limiter.consumeLoaded(partition, quotas)
    if (decision !== null) return answer(request, reply, decision)

    return limiter.consume(partition, quotas).then((loaded) => answer(request, reply, loaded))
  }

  function answer(request: FastifyRequest, reply: FastifyReply, decision: RateLimitDecision): FastifyReply | undefined {
    setRateLimitHeaders(reply, decision, deps.nowMs())
    if (decision.allowed) return undefined

    const window = decision.exceeded!.window
    request.log.info({ window, retryAfter: decision.retryAfterSeconds }, 'rate limit exceeded')
    return reply
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
