import { GraphQLError } from 'graphql'
import type { FastifyReply } from 'fastify'
import { coerceError } from '../../errors/app-error.ts'
import { QUERY_LIMITS, QueryLimitError } from './query-limits.ts'

/** `extensions.code` values of top-level errors, as Buffer's API sends them. */
export type ClientErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'UNAUTHORIZED'

/**
 * An expected failure of a query field (a missing object, bad arguments). It reaches the client
 * with its message and code; anything else thrown from a resolver is masked.
 */
export class ClientGraphQLError extends Error {
  readonly code: ClientErrorCode

  constructor(code: ClientErrorCode, message: string) {
    super(message)
    this.name = 'ClientGraphQLError'
    this.code = code
  }
}

interface FormattedError {
  message: string
  locations?: ReadonlyArray<{ line: number; column: number }>
  path?: ReadonlyArray<string | number>
  extensions?: Record<string, unknown>
}

interface Execution {
  data?: unknown
  errors: readonly GraphQLError[]
}

interface FormatterContext {
  reply?: FastifyReply
  app?: { log: { error: (...args: unknown[]) => void } }
}

const SYNTAX_ERROR = /^Syntax Error/
// graphql 16 spells this message "more that"; accept the corrected spelling too.
const TOKEN_LIMIT_ERROR = /^Syntax Error: Document contains more th(?:at|an) \d+ tokens/
const VARIABLE_ERROR = /^Variable "\$/

/** HTTP status and `extensions.code` for a request that failed before execution. */
function classifyRequestError(error: GraphQLError | Error): { status: number; code: string } {
  const original = (error as GraphQLError).originalError ?? error
  const fastifyCode = (original as { code?: string }).code
  const statusCode = (original as { statusCode?: number }).statusCode

  if (SYNTAX_ERROR.test(error.message)) return { status: 400, code: 'GRAPHQL_PARSE_FAILED' }
  if (VARIABLE_ERROR.test(error.message)) return { status: 400, code: 'BAD_USER_INPUT' }
  if (fastifyCode === 'MER_ERR_METHOD_NOT_ALLOWED') return { status: 405, code: 'METHOD_NOT_ALLOWED' }
  if (fastifyCode?.startsWith('FST_') && statusCode !== undefined && statusCode < 500) return { status: statusCode, code: 'BAD_REQUEST' }
  if (fastifyCode === 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND') return { status: 400, code: 'BAD_REQUEST' }

  return { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' }
}

function flattenRequestErrors(errors: readonly GraphQLError[]): Array<GraphQLError | Error> {
  return errors.flatMap((error) => {
    // Mercurius puts the reason for a 405 in a nested error; the outer code is what matters.
    if ((error.originalError as { code?: string } | undefined)?.code === 'MER_ERR_METHOD_NOT_ALLOWED') return [error]
    const nested = (error.originalError as { errors?: unknown } | undefined)?.errors
    return Array.isArray(nested) ? (nested as Array<GraphQLError | Error>) : [error]
  })
}

function locationsOf(error: GraphQLError | Error): FormattedError['locations'] {
  const locations = (error as GraphQLError).locations
  return locations === undefined || locations.length === 0 ? undefined : locations
}

function requestMessage(error: GraphQLError | Error, code: string): string {
  if (code === 'BAD_REQUEST' && (error as { code?: string }).code === 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND') {
    return 'The request body must hold a GraphQL document in "query".'
  }
  if ((error as GraphQLError).originalError?.message === 'Unknown query') return 'The request body must hold a GraphQL document in "query".'
  if (code === 'METHOD_NOT_ALLOWED') return 'Mutations cannot be sent with GET; send them with POST.'
  const original = (error as GraphQLError).originalError ?? error
  const fastifyCode = (original as { code?: string }).code
  if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return `${error.message}. Send the request as JSON with Content-Type: application/json.`
  }
  if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is larger than 1 MiB, the most Pigeon accepts.'
  if (code === 'BAD_REQUEST' && /^body\b/.test(error.message)) {
    return `Invalid request body (${error.message}). Send a JSON object such as {"query": "{ account { id } }", "variables": {}} with Content-Type: application/json.`
  }

  return error.message
}

/**
 * Builds Mercurius's error formatter. Requests that fail before execution get 400 with
 * GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED or BAD_USER_INPUT; field errors keep HTTP 200;
 * expected field failures keep their code and message; bugs are logged with their stack and
 * reach the client only as "Unexpected error." with code UNEXPECTED and the request id.
 */
export function createErrorFormatter(options: { exposeErrors: boolean }) {
  return (execution: Execution, context: FormatterContext): { statusCode: number; response: { data: unknown; errors: FormattedError[] } } => {
    const executed = execution.data !== undefined && execution.data !== null
    const hasPath = execution.errors.some((error) => error.path !== undefined)
    if (!executed && !hasPath) return formatRequestErrors(execution)

    const reqId = context.reply?.request.id
    const log = context.reply?.request.log
    const errors = execution.errors.map((error): FormattedError => {
      const original = error.originalError
      const base = { ...(error.locations && { locations: error.locations }), ...(error.path && { path: error.path }) }
      if (original instanceof ClientGraphQLError) return { message: original.message, ...base, extensions: { code: original.code } }
      if (original === undefined && VARIABLE_ERROR.test(error.message)) return { message: error.message, ...base, extensions: { code: 'BAD_USER_INPUT' } }

      log?.error({ err: coerceError(original ?? error), path: error.path }, 'graphql resolver failed')
      const message = options.exposeErrors ? `Unexpected error: ${error.message}` : 'Unexpected error.'
      return { message, ...base, extensions: { code: 'UNEXPECTED', reqId } }
    })

    return { statusCode: 200, response: { data: execution.data ?? null, errors } }
  }
}

// Like Apollo Server, which Buffer's error bodies match, a request that never executed has no
// "data" key at all.
function formatRequestErrors(execution: Execution): { statusCode: number; response: { data: unknown; errors: FormattedError[] } } {
  const flattened = flattenRequestErrors(execution.errors)
  let status = 400
  const errors = flattened.map((error): FormattedError => {
    // Like Buffer's, a query over a size limit gets a plain error without a code.
    if (error instanceof QueryLimitError) return { message: error.message }
    if (TOKEN_LIMIT_ERROR.test(error.message)) return { message: `Query has more than ${QUERY_LIMITS.maxTokens} tokens, the maximum. Please simplify your query.` }
    const { status: errorStatus, code } = classifyRequestError(error)
    status = Math.max(status, errorStatus)
    const locations = locationsOf(error)
    return { message: requestMessage(error, code), ...(locations && { locations }), extensions: { code } }
  })

  return { statusCode: status, response: { data: undefined, errors } }
}
