import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql'

/**
 * Strings Pigeon cannot store faithfully: PostgreSQL text refuses NUL, and a lone UTF-16
 * surrogate has no UTF-8 form, so the driver would silently replace it.
 */
export function describeBadString(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000)'
  if (!value.isWellFormed()) return 'contains an unpaired UTF-16 surrogate'

  return null
}

/** Validation rule that rejects string literals in the document that Pigeon cannot store. */
export function StorableStringsRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      const problem = describeBadString(node.value)
      if (problem !== null) context.reportError(new GraphQLError(`String value ${problem}; send valid Unicode text without NUL characters.`, { nodes: node }))
    },
  }
}

/** Finds the first unstorable string in request variables; returns a message naming its path. */
export function findBadVariableString(variables: unknown, path = '$'): string | null {
  if (typeof variables === 'string') {
    const problem = describeBadString(variables)
    return problem === null ? null : `Variable "${path}" ${problem}; send valid Unicode text without NUL characters.`
  }
  if (Array.isArray(variables)) {
    for (const [index, item] of variables.entries()) {
      const found = findBadVariableString(item, `${path}[${index}]`)
      if (found !== null) return found
    }
    return null
  }
  if (variables !== null && typeof variables === 'object') {
    for (const [key, value] of Object.entries(variables)) {
      const found = findBadVariableString(value, path === '$' ? `$${key}` : `${path}.${key}`)
      if (found !== null) return found
    }
  }

  return null
}
