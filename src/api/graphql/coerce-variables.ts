import { getOperationAST, getVariableValues, type DocumentNode, type GraphQLSchema } from 'graphql'

/**
 * Coerces request variables with graphql-js before a compiled (JIT) query runs. graphql-jit
 * 0.8.9 does not fill in default values of input-object fields (such as CreatePostInput.assets
 * = [] or needsApproval = false) and then rejects the omitted non-null field; graphql-js does.
 * Returns null when the operation declares no variables. Throws graphql-js's variable errors
 * (as an AggregateError) when coercion fails, because a compiled query would instead report the
 * omitted defaulted fields as missing.
 */
export function coerceVariables(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const operation = getOperationAST(document)
  if (operation === null || operation === undefined || (operation.variableDefinitions?.length ?? 0) === 0) return null

  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: 50 })
  if (coerced.errors !== undefined) throw new AggregateError(coerced.errors, 'Variable values are invalid')

  return coerced.coerced
}
