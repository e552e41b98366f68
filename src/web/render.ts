import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AssetUrls } from './assets.ts'
import { takeFlash, type Flash } from './flash.ts'
import { csrfUserInfo } from './viewer.ts'

/** Sections of the signed-in navigation; the layout marks the current one. */
export type Section = 'channels' | 'calendar' | 'compose' | 'ideas' | 'drafts' | 'sent' | 'failed' | 'settings' | 'none'

export interface PageOptions {
  title: string
  section?: Section
  status?: number
  /** A notice to show on this page, in place of a pending flash message. */
  notice?: Flash | null
}

let assetUrls: AssetUrls = { css: '/assets/app.css', js: '/assets/app.js', icon: '/assets/icon.svg' }

/** Remembers the asset URLs the layout links to; set once when the web routes are registered. */
export function setAssetUrls(urls: AssetUrls): void {
  assetUrls = urls
}

/**
 * Renders a page template inside the layout. Every page gets a fresh CSRF token for its forms,
 * the signed-in viewer (or null), the pending flash message and the asset URLs. Templates escape
 * every `<%= %>` value.
 */
export async function renderPage(request: FastifyRequest, reply: FastifyReply, template: string, options: PageOptions, data: Record<string, unknown> = {}): Promise<FastifyReply> {
  const csrfToken = reply.generateCsrf({ userInfo: csrfUserInfo(request) })
  request.session.persist(request, reply)
  const viewer = request.viewer === null ? null : { email: request.viewer.account.email, name: request.viewer.account.name, timezone: request.viewer.account.timezone }
  const notice = options.notice ?? takeFlash(request, reply)

  const html = await reply.viewAsync(template, {
    ...data,
    page: { title: options.title, section: options.section ?? 'none', csrfToken, viewer, notice, assets: assetUrls },
  })

  return reply.code(options.status ?? 200).type('text/html; charset=utf-8').send(html)
}
