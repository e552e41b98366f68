import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyView from '@fastify/view'
import { Eta } from 'eta'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isSetupOpen } from '../accounts/first-run-setup.ts'
import type { AppDeps } from '../deps.ts'
import type { RateLimiter } from '../limits/rate-limiter.ts'
import { registerAccountRoutes } from './account-routes.ts'
import { registerApiKeyRoutes } from './api-key-routes.ts'
import { registerAssets } from './assets.ts'
import { registerAuthRoutes } from './auth-routes.ts'
import { registerCalendarRoutes } from './calendar-routes.ts'
import { registerChannelRoutes } from './channel-routes.ts'
import { registerComposeRoutes } from './compose-routes.ts'
import { registerIdeaRoutes } from './idea-routes.ts'
import { CSRF_SECRET_KEY, loadCsrfSecret } from './csrf-secret.ts'
import { registerPostRoutes } from './post-routes.ts'
import { renderPage, setAssetUrls } from './render.ts'
import { registerScheduleRoutes } from './schedule-routes.ts'
import { applySecurityHeaders } from './security-headers.ts'
import { csrfUserInfo, loadViewer } from './viewer.ts'

const VIEWS_DIR = new URL('./views/', import.meta.url).pathname
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Maximum size of a form body; the composer's text is the largest field. */
const FORM_BODY_LIMIT = 512 * 1024

function isAppPath(url: string): boolean {
  return url === '/app' || url.startsWith('/app/') || url.startsWith('/app?')
}

function isAssetPath(url: string): boolean {
  return url.startsWith('/assets/')
}

/**
 * Registers the web app: server-rendered pages for setup, sign-in, channels, posting schedules,
 * queues, the calendar, the composer and settings. Pages under /app need a signed-in session;
 * every form post needs a CSRF token bound to the browser's session, and a cross-site Origin is
 * refused. Register inside its own plugin so its cookies, form parser and hooks stay off the API.
 * `limiter` is the API's rate limiter, which Settings → API reads to show each key's usage.
 */
export async function registerWeb(web: FastifyInstance, deps: AppDeps, limiter: RateLimiter): Promise<void> {
  await web.register(fastifyCookie)
  await web.register(fastifyFormbody, { bodyLimit: FORM_BODY_LIMIT })
  // A refused token is a client mistake, so the plugin logs it at info, as other 4xx responses are.
  await web.register(fastifyCsrf, { sessionPlugin: '@fastify/session', sessionKey: CSRF_SECRET_KEY, getUserInfo: csrfUserInfo, logLevel: 'info' })
  await web.register(fastifyView, {
    engine: { eta: new Eta({ autoEscape: true, useWith: false, varName: 'it' }) },
    templates: VIEWS_DIR,
    production: true,
  })
  web.decorateRequest('viewer', null)
  web.decorateRequest('session', null as never)
  setAssetUrls(registerAssets(web))

  web.addHook('onRequest', async (request, reply) => {
    request.session = loadCsrfSecret(request)
    request.viewer = isAssetPath(request.url) ? null : await loadViewer(deps, request, reply)
  })
  web.addHook('onSend', async (request, reply, payload) => {
    applySecurityHeaders(reply, { cacheable: isAssetPath(request.url) && reply.statusCode === 200 })
    return payload
  })
  web.addHook('preHandler', (request, reply, done) => {
    if (isAppPath(request.url) && request.viewer === null) {
      redirectToSignIn(request, reply)
      return
    }
    if (!UNSAFE_METHODS.has(request.method)) return done()
    if (!isSameOrigin(request)) {
      request.log.info({ origin: request.headers.origin }, 'cross-origin form post rejected')
      void reply.send(Object.assign(new Error('Cross-origin form post'), { statusCode: 403, code: 'PIGEON_CROSS_ORIGIN' }))
      return
    }
    web.csrfProtection(request, reply, done)
  })
  web.setErrorHandler(async (error: FastifyError, request, reply) => renderError(request, reply, error))

  web.get('/', async (request, reply) => {
    if (await isSetupOpen(deps)) return reply.redirect('/setup', 303)
    return reply.redirect(request.viewer === null ? '/sign-in' : '/app', 303)
  })
  registerAuthRoutes(web, deps)

  await web.register(
    async (app) => {
      app.setNotFoundHandler(async (request, reply) => renderPage(request, reply, 'error', { title: 'Page not found', status: 404 }, { heading: 'Page not found', message: 'There is no page at this address. Use the navigation to find your way.' }))
      app.get('/', async (_request, reply) => reply.redirect('/app/channels', 303))
      // The Settings link of the navigation opens the API keys; the bare address goes there too.
      app.get('/settings', async (_request, reply) => reply.redirect('/app/settings/api', 303))
      registerChannelRoutes(app, deps)
      registerScheduleRoutes(app, deps)
      registerPostRoutes(app, deps)
      registerComposeRoutes(app, deps)
      registerIdeaRoutes(app, deps)
      registerCalendarRoutes(app, deps)
      registerApiKeyRoutes(app, deps, limiter)
      registerAccountRoutes(app, deps)
    },
    { prefix: '/app' },
  )
}

function redirectToSignIn(request: FastifyRequest, reply: FastifyReply): void {
  const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : ''
  void reply.redirect(`/sign-in${next}`, 303)
}

/** True when the request has no Origin header (older browsers, curl) or its Origin is this server itself. */
function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin
  return origin === undefined || origin === `${request.protocol}://${request.host}`
}

async function renderError(request: FastifyRequest, reply: FastifyReply, error: FastifyError): Promise<FastifyReply> {
  const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
  const isForgery = error.code === 'PIGEON_CROSS_ORIGIN' || (error.code ?? '').startsWith('FST_CSRF')
  if (status >= 500) request.log.error({ err: error }, 'web request failed')
  else request.log.info({ code: error.code, statusCode: status }, 'web request rejected')

  const content = isForgery
    ? { heading: 'This form has expired', message: 'The form was opened before you signed in or out, or it was sent from another site. Go back, reload the page and send it again.' }
    : status >= 500
      ? { heading: 'Something went wrong', message: `Pigeon could not finish this request. Try again; if it keeps failing, look for request id ${request.id} in the server log.` }
      : { heading: 'The request could not be read', message: 'Go back, check the form and send it again.' }

  return renderPage(request, reply, 'error', { title: content.heading, status }, content)
}
