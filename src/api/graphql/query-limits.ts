import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql'

/** Buffer's documented query limits. */
export const QUERY_LIMITS = {
  maxComplexity: 175_000,
  maxDepth: 25,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 15_000,
} as const

/**
 * A query rejected for its size. Like Buffer's, the error carries no `extensions.code`; its
 * message names the limit.
 */
export class QueryLimitError extends GraphQLError {
  constructor(message: string) {
    super(message)
    this.name = 'QueryLimitError'
  }
}

interface Measure {
  complexity: number
  depth: number
}

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>

// Cost model: a leaf (scalar) field costs 1 and a field with a selection costs 2, times 1.5 for
// each level of nesting below the root. Fragments are expanded where they are spread.
function measureSelection(selectionSet: SelectionSetNode, level: number, fragments: Fragments, visiting: Set<string>): Measure {
  let complexity = 0
  let depth = level
  for (const selection of selectionSet.selections) {
    let inner: Measure | null = null
    if (selection.kind === Kind.FIELD) {
      complexity += (selection.selectionSet ? 2 : 1) * 1.5 ** (level - 1)
      if (selection.selectionSet) inner = measureSelection(selection.selectionSet, level + 1, fragments, visiting)
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      inner = measureSelection(selection.selectionSet, level, fragments, visiting)
    } else {
      const name = selection.name.value
      const fragment = fragments.get(name)
      // A missing or cyclic fragment is reported by graphql's own rules; skip it here.
      if (fragment === undefined || visiting.has(name)) continue
      visiting.add(name)
      inner = measureSelection(fragment.selectionSet, level, fragments, visiting)
      visiting.delete(name)
    }
    if (inner !== null) {
      complexity += inner.complexity
      depth = Math.max(depth, inner.depth)
    }
    if (complexity > QUERY_LIMITS.maxComplexity * 10) break
  }

  return { complexity, depth }
}

/** Validation rule that rejects documents over the complexity, depth, alias or directive limits. */
export function QueryLimitsRule(context: ValidationContext): ASTVisitor {
  let aliases = 0
  let directives = 0

  return {
    Field(node) {
      if (node.alias !== undefined) aliases++
    },
    Directive() {
      directives++
    },
    Document: {
      leave(document) {
        // Mercurius also accepts a pre-parsed AST; a malformed one is left to graphql's checks.
        if (!Array.isArray(document.definitions)) return
        if (aliases > QUERY_LIMITS.maxAliases) {
          context.reportError(new QueryLimitError(`Query uses ${aliases} aliases; the maximum is ${QUERY_LIMITS.maxAliases}. Please simplify your query.`))
        }
        if (directives > QUERY_LIMITS.maxDirectives) {
          context.reportError(new QueryLimitError(`Query uses ${directives} directives; the maximum is ${QUERY_LIMITS.maxDirectives}. Please simplify your query.`))
        }

        const fragments = new Map<string, FragmentDefinitionNode>()
        for (const definition of document.definitions) {
          if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
        }
        for (const definition of document.definitions) {
          if (definition.kind !== Kind.OPERATION_DEFINITION) continue
          const { complexity, depth } = measureSelection(definition.selectionSet, 1, fragments, new Set())
          if (depth > QUERY_LIMITS.maxDepth) {
            context.reportError(new QueryLimitError(`Query is nested ${depth} levels deep; the maximum depth is ${QUERY_LIMITS.maxDepth}. Please simplify your query.`))
          }
          if (complexity > QUERY_LIMITS.maxComplexity) {
            context.reportError(new QueryLimitError(`Query exceeds maximum allowed complexity (${Math.round(complexity)} points, limit ${QUERY_LIMITS.maxComplexity}). Please simplify your query.`))
          }
        }
      },
    },
  }
}
