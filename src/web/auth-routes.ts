import type { FastifyInstance } from 'fastify'
import { checkFirstRunSetup, isSetupOpen, runFirstRunSetup } from '../accounts/first-run-setup.ts'
import type { FieldProblem } from '../accounts/setup-account.ts'
import { checkNewPassword } from '../auth/passwords.ts'
import { endSession } from '../auth/sessions.ts'
import { setPasswordWithApiKey } from '../auth/set-password-with-api-key.ts'
import { signIn, type SignInError } from '../auth/sign-in.ts'
import type { AppDeps } from '../deps.ts'
import { setFlash } from './flash.ts'
import { confirmationProblem, field, formBody, problemsByField } from './form.ts'
import { renderPage } from './render.ts'
import { clearSessionCookie, safeNextPath, setSessionCookie } from './viewer.ts'
import { listTimeZones } from './zoned-time.ts'

/** HTTP status of the sign-in page after each kind of failed sign-in. */
const SIGN_IN_FAILURE_STATUS: Record<SignInError['code'], number> = { INVALID_INPUT: 422, INVALID_CREDENTIALS: 401, SIGN_IN_THROTTLED: 429 }

/** First-run setup, sign-in, sign-out and setting a first password with an API key. */
export function registerAuthRoutes(web: FastifyInstance, deps: AppDeps): void {
  web.get('/setup', async (request, reply) => {
    if (!(await isSetupOpen(deps))) return reply.redirect('/sign-in', 303)
    return renderPage(request, reply, 'setup', { title: 'Set up Pigeon' }, { values: { timezone: 'UTC' }, errors: {}, timeZones: listTimeZones() })
  })

  web.post('/setup', async (request, reply) => {
    const form = formBody(request.body)
    const values = {
      name: field(form, 'name'),
      email: field(form, 'email'),
      organizationName: field(form, 'organizationName'),
      timezone: field(form, 'timezone').trim(),
    }
    const input = { ...values, name: values.name.trim() || null, password: field(form, 'password') }
    const renderProblems = (problems: FieldProblem[]) => {
      return renderPage(request, reply, 'setup', { title: 'Set up Pigeon', status: 422 }, { values, errors: problemsByField(problems), timeZones: listTimeZones() })
    }
    // Every field is checked before the form goes back, so one submit shows all its errors.
    const mismatch = confirmationProblem(input.password, field(form, 'passwordConfirmation'))
    if (mismatch !== null) return renderProblems([...checkFirstRunSetup(input), mismatch])

    const result = await runFirstRunSetup(deps, input)
    if (!result.ok) {
      const error = result.error
      if (error.code === 'SETUP_CLOSED') {
        setFlash(request, reply, { kind: 'info', text: error.message })
        return reply.redirect('/sign-in', 303)
      }
      return renderProblems(error.code === 'INVALID_INPUT' ? error.problems : [{ field: 'email', message: error.message }])
    }

    setSessionCookie(request, reply, result.value)
    setFlash(request, reply, { kind: 'success', text: 'Pigeon is set up and you are signed in. Add a channel to start scheduling posts.' })
    return reply.redirect('/app/channels/new', 303)
  })

  web.get<{ Querystring: { next?: string } }>('/sign-in', async (request, reply) => {
    if (await isSetupOpen(deps)) return reply.redirect('/setup', 303)
    if (request.viewer !== null) return reply.redirect(safeNextPath(request.query.next), 303)
    return renderPage(request, reply, 'sign-in', { title: 'Sign in' }, { email: '', next: safeNextPath(request.query.next), error: null, errors: {} })
  })

  web.post('/sign-in', async (request, reply) => {
    const form = formBody(request.body)
    const email = field(form, 'email')
    const next = safeNextPath(field(form, 'next'))

    const result = await signIn(deps, { email, password: field(form, 'password'), address: request.ip })
    if (!result.ok) {
      const error = result.error
      if (error.code === 'SIGN_IN_THROTTLED') void reply.header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)))
      const status = SIGN_IN_FAILURE_STATUS[error.code]
      const errors = error.code === 'INVALID_INPUT' ? problemsByField(error.problems) : {}
      return renderPage(request, reply, 'sign-in', { title: 'Sign in', status }, { email, next, error: error.message, errors })
    }

    // A session this browser already had ends, so only the new token works from here on.
    if (request.viewer !== null) await endSession(deps, { id: request.viewer.sessionId, accountId: request.viewer.account.id })
    setSessionCookie(request, reply, result.value)
    return reply.redirect(next, 303)
  })

  web.post('/sign-out', async (request, reply) => {
    if (request.viewer !== null) await endSession(deps, { id: request.viewer.sessionId, accountId: request.viewer.account.id })
    clearSessionCookie(request, reply)
    setFlash(request, reply, { kind: 'info', text: 'You are signed out.' })
    return reply.redirect('/sign-in', 303)
  })

  web.get('/set-password', async (request, reply) => {
    return renderPage(request, reply, 'set-password', { title: 'Set a password with an API key' }, { email: '', errors: {} })
  })

  web.post('/set-password', async (request, reply) => {
    const form = formBody(request.body)
    const email = field(form, 'email')
    const password = field(form, 'password')
    const mismatch = confirmationProblem(password, field(form, 'passwordConfirmation'))
    if (mismatch !== null) {
      // The password's own rules are reported too, so a second submit does not reveal a new error.
      const checked = checkNewPassword(password, email)
      const problems = checked.ok ? [mismatch] : [checked.error, mismatch]
      return renderPage(request, reply, 'set-password', { title: 'Set a password with an API key', status: 422 }, { email, errors: problemsByField(problems) })
    }

    const result = await setPasswordWithApiKey(deps, { email, apiKey: field(form, 'apiKey'), password })
    if (!result.ok) {
      const key = result.error.code === 'INVALID_INPUT' ? 'password' : 'apiKey'
      return renderPage(request, reply, 'set-password', { title: 'Set a password with an API key', status: 422 }, { email, errors: { [key]: result.error.message } })
    }

    setSessionCookie(request, reply, result.value)
    setFlash(request, reply, { kind: 'success', text: 'Your password is set and you are signed in.' })
    return reply.redirect('/app', 303)
  })
}
