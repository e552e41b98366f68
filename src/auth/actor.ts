/** Who is making a request: an account acting through one of its API keys. */
export interface Actor {
  readonly kind: 'apiKey'
  readonly accountId: string
  readonly apiKeyId: string
  /** Organizations the account belonged to when the key was verified. */
  readonly organizationIds: readonly string[]
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
