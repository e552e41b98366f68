import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { GraphQLError } from 'graphql'
import mercurius from 'mercurius'
import type { AppDeps } from '../../deps.ts'
import type { GraphQLContext } from '../graphql/context.ts'
import { createErrorFormatter } from '../graphql/errors.ts'
import { QUERY_LIMITS, QueryLimitsRule } from '../graphql/query-limits.ts'
import { coerceVariables } from '../graphql/coerce-variables.ts'
import { loadSchemaSource } from '../graphql/load-schema.ts'
import { findBadVariableString, StorableStringsRule } from '../graphql/string-checks.ts'
import { createLoaders } from '../graphql/loaders.ts'
import { buildResolvers } from '../graphql/resolvers/index.ts'
import { RateLimiter } from '../../limits/rate-limiter.ts'
import { AuthFailureThrottle } from './auth-failure-throttle.ts'
import { createAuthenticateHook } from './authenticate.ts'
import { createRateLimitHook } from './rate-limit.ts'
import { registerWeb } from '../../web/routes.ts'
import type { Logger } from '../../logging/logger.ts'
import { createRequestIdGenerator } from '../../logging/request-ids.ts'
import { createRequestLogger } from '../../logging/request-logger.ts'

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
// Starts of JSON values that can never start a GraphQL document.
const JSON_VALUE_START = /^\s*(?:\{\s*"|\[|-?\d|"|true\b|false\b|null\b)/

/**
 * Builds the HTTP server: the GraphQL API on POST / and /graphql (Buffer's clients use both),
 * OPTIONS /graphql for reachability checks, and health probes. Nothing listens until the caller
 * calls `listen`.
 */
export async function buildServer(deps: AppDeps): Promise<FastifyInstance> {
  const nextRequestId = createRequestIdGenerator()
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Fastify passes its own wrapper of httpLog here, which carries its request serializers.
    childLoggerFactory: (logger, bindings, options) => createRequestLogger(logger as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id']
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : nextRequestId()
    },
    // Buffer's clients post to the root path too; a POST there is served as the GraphQL endpoint.
    rewriteUrl: (request) => {
      const url = request.url ?? '/'
      return request.method === 'POST' && (url === '/' || url.startsWith('/?')) ? `/graphql${url.slice(1)}` : url
    },
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    // request.ip and request.protocol follow X-Forwarded-* only from the proxies PIGEON_TRUST_PROXY names.
    trustProxy: deps.config.trustProxy,
  })
  app.decorateRequest('actor', null)
  // Set when the request arrives, so every response carries it, errors and 404s included.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })

  const limiter = new RateLimiter(deps.db, deps.log.child({ component: 'rate-limit' }), { syncIntervalMs: deps.config.rateLimits.syncIntervalMs, nowMs: deps.nowMs })
  limiter.start()
  app.addHook('onClose', async () => limiter.stop())
  const throttle = new AuthFailureThrottle(deps.config.rateLimits.authFailureLimit)

  registerHealthRoutes(app, deps)
  await app.register(async (api) => registerApi(api, deps, limiter, throttle))
  await app.register(async (web) => registerWeb(web, deps, limiter))

  // Unknown paths answer like the API: 401 without a valid key, 404 with one.
  const authenticate = createAuthenticateHook(deps, throttle)
  app.setNotFoundHandler({ preHandler: authenticate }, (request, reply) => {
    void reply.code(404).send({ errors: [{ message: `No route for ${request.method} ${request.url}; send GraphQL requests to POST /graphql.`, extensions: { code: 'NOT_FOUND' } }] })
  })

  return app
}

/** Liveness and readiness probes for operators; they need no API key. */
function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.db.kysely.selectFrom('accounts').select('id').limit(1).execute()
      return { status: 'ready' }
    } catch (error) {
      deps.log.error({ err: error }, 'readiness check failed')
      return reply.code(503).send({ status: 'unavailable', message: 'The database is not reachable.' })
    }
  })
}

/** The GraphQL API, in its own plugin scope so its hooks apply to API routes only. */
async function registerApi(api: FastifyInstance, deps: AppDeps, limiter: RateLimiter, throttle: AuthFailureThrottle): Promise<void> {
  const authenticate = createAuthenticateHook(deps, throttle)
  const rateLimit = createRateLimitHook(deps, limiter)
  // One hook, not two: each hook step costs a promise and a few calls on every request.
  api.addHook('onRequest', async (request, reply) => {
    await authenticate(request, reply)
    if (!reply.sent) await rateLimit(request, reply)
  })
  // Mercurius gives its route a response schema, so Fastify would serialize every response
  // through fast-json-stringify. With `data` typed as any object, that is several times slower
  // than JSON.stringify for Pigeon's replies, and it writes the numeric list indices of an
  // error's `path` as strings, where GraphQL's response format has numbers.
  api.setReplySerializer((payload) => JSON.stringify(payload))
  const schemaSource = loadSchemaSource()
  api.options('/graphql', async (_request, reply) => {
    return reply.code(204).header('allow', 'GET, POST, OPTIONS').send()
  })

  await api.register(mercurius, {
    schema: schemaSource,
    resolvers: buildResolvers(schemaSource) as never,
    path: '/graphql',
    jit: 1,
    graphiql: false,
    validationRules: [QueryLimitsRule, StorableStringsRule],
    graphql: { parseOptions: { maxTokens: QUERY_LIMITS.maxTokens } },
    errorFormatter: createErrorFormatter({ exposeErrors: deps.config.exposeErrors }) as never,
    context: (request, reply): GraphQLContext => {
      if (request.actor === null) throw new Error('GraphQL reached without an authenticated actor')
      return { deps, actor: request.actor, loaders: createLoaders(deps), reply }
    },
  })
  // Mercurius falls back to reading an unparseable query as a JSON-encoded AST. Pigeon's clients
  // send GraphQL text only, so a JSON value in `query` is reported as the syntax error it is.
  api.graphql.addHook('preParsing', async (_schema, source) => {
    if (typeof source !== 'string' || JSON_VALUE_START.test(source)) {
      throw new GraphQLError('Syntax Error: "query" must hold a GraphQL document as text, such as "{ account { id } }".')
    }
  })
  // NOTE: Mercurius does not pass the operation name to this hook, so a document holding several
  // operations runs without the pre-coercion (and graphql-jit's default-value gap applies there).
  api.graphql.addHook('preExecution', async (schema, document, _context, variables) => {
    const badString = findBadVariableString(variables)
    if (badString !== null) throw new GraphQLError(badString)
    const coerced = coerceVariables(schema, document, variables as Record<string, unknown> | undefined)
    return coerced === null ? undefined : { variables: coerced }
  })
}
