/** A response of the web app, read as text, with redirects left unfollowed. */
export interface WebResponse {
  status: number
  headers: Headers
  html: string
  location: string | null
}

/** One Set-Cookie header, parsed. */
export interface SetCookie {
  name: string
  value: string
  attributes: string[]
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
  const separator = pair.indexOf('=')

  return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes }
}

/**
 * A browser stand-in for route tests: real HTTP against the test server, a cookie jar, and the
 * CSRF token of the last page it loaded. It follows no redirect by itself.
 */
export class WebClient {
  readonly cookies = new Map<string, string>()
  /** The `_csrf` value of the last HTML page loaded. */
  csrfToken = ''
  /** Set-Cookie headers of the last response. */
  lastSetCookies: SetCookie[] = []

  /** `headers` go with every request, such as the X-Forwarded-* fields a reverse proxy adds. */
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  private async send(path: string, init: RequestInit): Promise<WebResponse> {
    const headers = new Headers({ ...this.headers, ...(init.headers as Record<string, string> | undefined) })
    if (this.cookies.size > 0) headers.set('cookie', this.cookieHeader())
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' })
    this.lastSetCookies = response.headers.getSetCookie().map(parseSetCookie)
    for (const cookie of this.lastSetCookies) {
      const expired = cookie.attributes.some((attribute) => /^max-age=0$/i.test(attribute) || /^expires=Thu, 01 Jan 1970/i.test(attribute))
      if (expired || cookie.value === '') this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
    const html = await response.text()
    const token = /name="_csrf" value="([^"]+)"/.exec(html)
    if (token !== null) this.csrfToken = token[1]!

    return { status: response.status, headers: response.headers, html, location: response.headers.get('location') }
  }

  async get(path: string): Promise<WebResponse> {
    return this.send(path, { method: 'GET' })
  }

  /** Posts a urlencoded form; the CSRF token of the last page is added unless `csrf` is false or given. */
  async post(path: string, fields: Record<string, string | string[]>, options: { csrf?: string | false; origin?: string } = {}): Promise<WebResponse> {
    const body = new URLSearchParams()
    const token = options.csrf === undefined ? this.csrfToken : options.csrf
    if (token !== false) body.append('_csrf', token)
    for (const [name, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(name, item)
    }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
    if (options.origin !== undefined) headers.origin = options.origin

    return this.send(path, { method: 'POST', headers, body: body.toString() })
  }

  /** Loads `pagePath` for a fresh CSRF token, then posts the form to `action`. */
  async submit(pagePath: string, action: string, fields: Record<string, string | string[]>): Promise<WebResponse> {
    await this.get(pagePath)
    return this.post(action, fields)
  }

  async postJson(path: string, body: unknown, csrfToken: string): Promise<{ status: number; body: any }> {
    const headers = new Headers({ ...this.headers, 'content-type': 'application/json', 'x-csrf-token': csrfToken })
    if (this.cookies.size > 0) headers.set('cookie', this.cookieHeader())
    const response = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body), redirect: 'manual' })

    return { status: response.status, body: await response.json().catch(() => null) }
  }
}

/** Returns the text of an HTML page with tags removed and whitespace collapsed, for readable asserts. */
export function pageText(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\s+/g, ' ').trim()
}
