import type { RateLimitQuotas } from '../accounts/plans.ts'
import type { Scope } from './scopes.ts'

/** An account acting through one of its API keys. */
export interface ApiKeyActor {
  readonly kind: 'apiKey'
  readonly accountId: string
  readonly apiKeyId: string
  /**
   * Organizations the key may act in: the account's organizations when the key was verified,
   * or just one for a key restricted to an organization.
   */
  readonly organizationIds: readonly string[]
  /** Scopes the key is limited to; null means every scope (Buffer's unrestricted keys). */
  readonly scopes: readonly Scope[] | null
  /** Request quotas of the key, from the most generous plan among its organizations. */
  readonly rateLimits: RateLimitQuotas
}

/** An account acting through a signed-in browser session of the web app. */
export interface SessionActor {
  readonly kind: 'session'
  readonly accountId: string
  readonly sessionId: string
  /** Organizations the account belonged to when the session was resolved for this request. */
  readonly organizationIds: readonly string[]
}

/** Caller of a request: an account acting through an API key or a web session. */
export type Actor = ApiKeyActor | SessionActor

/** True when the actor allows the scope; web sessions and unrestricted keys allow every scope. */
export function hasScope(actor: Actor, scope: Scope): boolean {
  return actor.kind !== 'apiKey' || actor.scopes === null || actor.scopes.includes(scope)
}

/** True when the actor may act in the organization. */
export function canAccessOrganization(actor: Actor, organizationId: string): boolean {
  return actor.organizationIds.includes(organizationId)
}

/** The local operator, using the CLI on the server itself, who may act in every organization. */
export interface Operator {
  readonly kind: 'operator'
}

export type Caller = Actor | Operator

export const OPERATOR: Operator = Object.freeze({ kind: 'operator' })

export function callerCanAccess(caller: Caller, organizationId: string): boolean {
  return caller.kind === 'operator' || canAccessOrganization(caller, organizationId)
}
