import type { FastifyInstance } from 'fastify'
import { changePassword } from '../auth/change-password.ts'
import { endAccountSessions } from '../auth/sessions.ts'
import type { AppDeps } from '../deps.ts'
import { setFlash } from './flash.ts'
import { field, formBody } from './form.ts'
import { renderPage } from './render.ts'
import { clearSessionCookie, setSessionCookie, viewerOf } from './viewer.ts'

/** Registers Settings → Account: change the password, and sign out on every browser. */
export function registerAccountRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/settings/account', async (request, reply) => {
    return renderPage(request, reply, 'account', { title: 'Account', section: 'settings' }, { errors: {} })
  })

  app.post('/settings/password', async (request, reply) => {
    const viewer = viewerOf(request)
    const form = formBody(request.body)
    const newPassword = field(form, 'newPassword')
    if (newPassword !== field(form, 'newPasswordConfirmation')) {
      return renderPage(request, reply, 'account', { title: 'Account', section: 'settings', status: 422 }, { errors: { newPasswordConfirmation: 'The two new passwords differ; type the same password twice.' } })
    }

    const result = await changePassword(deps, viewer.actor, { currentPassword: field(form, 'currentPassword'), newPassword, address: request.ip })
    if (!result.ok) {
      const key = result.error.code === 'INVALID_INPUT' ? 'newPassword' : 'currentPassword'
      const status = result.error.code === 'SIGN_IN_THROTTLED' ? 429 : 422
      return renderPage(request, reply, 'account', { title: 'Account', section: 'settings', status }, { errors: { [key]: result.error.message } })
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
