/**
 * Scopes a restricted API key can be limited to. They use the names of Buffer's OAuth scopes, so
 * a key and an OAuth token that allow the same thing read the same.
 */
export const SCOPES = ['account:read', 'posts:read', 'posts:write', 'ideas:read', 'ideas:write'] as const
export type Scope = (typeof SCOPES)[number]

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value)
}

/** Checks a requested scope list; returns the unknown entries, or the deduplicated list. */
export function parseScopes(values: readonly string[]): { ok: true; scopes: Scope[] } | { ok: false; unknown: string[] } {
  const unknown = values.filter((value) => !isScope(value))
  if (unknown.length > 0) return { ok: false, unknown }

  return { ok: true, scopes: [...new Set(values as Scope[])] }
}
