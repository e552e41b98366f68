import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { changeAccountProfile } from '../accounts/account-profile.ts'
import { changePassword } from '../auth/change-password.ts'
import { checkNewPassword } from '../auth/passwords.ts'
import { endAccountSessions } from '../auth/sessions.ts'
import type { AppDeps } from '../deps.ts'
import { setFlash } from './flash.ts'
import { confirmationProblem, field, formBody, problemsByField } from './form.ts'
import { renderPage } from './render.ts'
import { clearSessionCookie, setSessionCookie, viewerOf } from './viewer.ts'
import { listTimeZones } from './zoned-time.ts'

/** Registers Settings → Account: the name and timezone, the password, and sign-out on every browser. */
export function registerAccountRoutes(app: FastifyInstance, deps: AppDeps): void {
  function renderAccount(request: FastifyRequest, reply: FastifyReply, errors: Record<string, string>, profile?: { name: string; timezone: string }, status = 200) {
    const account = viewerOf(request).account
    const values = profile ?? { name: account.name ?? '', timezone: account.timezone }

    return renderPage(request, reply, 'account', { title: 'Account', section: 'settings', status }, { errors, profile: values, timeZones: listTimeZones() })
  }

  app.get('/settings/account', async (request, reply) => renderAccount(request, reply, {}))

  app.post('/settings/profile', async (request, reply) => {
    const form = formBody(request.body)
    const input = { name: field(form, 'name'), timezone: field(form, 'timezone') }
    const changed = await changeAccountProfile(deps, viewerOf(request).account.id, input)
    if (!changed.ok) {
      const errors = changed.error.code === 'INVALID_INPUT' ? problemsByField(changed.error.problems) : { timezone: changed.error.message }
      return renderAccount(request, reply, errors, input, 422)
    }

    setFlash(request, reply, { kind: 'success', text: `Profile saved. Pages now show times in ${changed.value.timezone}.` })
    return reply.redirect('/app/settings/account', 303)
  })

  app.post('/settings/password', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const newPassword = field(form, 'newPassword')
    const mismatch = confirmationProblem(newPassword, field(form, 'newPasswordConfirmation'), 'newPasswordConfirmation')
    if (mismatch !== null) {
      // The new password's own rules are reported too. The current password is checked only once the rest is valid.
      const checked = checkNewPassword(newPassword, viewer.account.email, 'newPassword')
      const problems = checked.ok ? [mismatch] : [checked.error, mismatch]
      return renderAccount(request, reply, problemsByField(problems), undefined, 422)
    }

    const result = await changePassword(deps, viewer.actor, { currentPassword: field(form, 'currentPassword'), newPassword, address: request.ip })
    if (!result.ok) {
      const error = result.error
      const errors = 'problems' in error ? problemsByField(error.problems) : { currentPassword: error.message }
      return renderAccount(request, reply, errors, undefined, error.code === 'SIGN_IN_THROTTLED' ? 429 : 422)
    }

    setSessionCookie(request, reply, result.value)
    setFlash(request, reply, { kind: 'success', text: 'Your password is changed. Every other browser signed in to this account has been signed out.' })
    return reply.redirect('/app/settings/account', 303)
  })

  app.post('/settings/sign-out-everywhere', async (request, reply) => {
    const viewer = viewerOf(request)
    await endAccountSessions(deps, viewer.account.id)
    clearSessionCookie(request, reply)
    setFlash(request, reply, { kind: 'info', text: 'You are signed out on every browser, this one included.' })
    return reply.redirect('/sign-in', 303)
  })
}
