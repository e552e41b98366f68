import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestContext } from 'node:test'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium, which `.ci/run` installs. */
export const CHROMIUM_PATH = '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
/** Where screenshots go; the folder is in .gitignore. */
export const ARTIFACTS_DIR = new URL('../../../test-artifacts/web/', import.meta.url).pathname

export function isChromiumInstalled(): boolean {
  return fs.existsSync(CHROMIUM_PATH)
}

export interface BrowserSession {
  context: BrowserContext
  page: Page
  /** Console errors and uncaught page errors, such as Content-Security-Policy violations. */
  problems: string[]
  /** Saves a full-page screenshot as test-artifacts/web/<folder>/<name>.png. */
  screenshot(name: string): Promise<void>
}

/**
 * Launches headless Chromium with a fresh profile folder and opens one page. The browser is
 * closed and the profile deleted when the test ends. Playwright takes the profile folder as the
 * persistent context's argument rather than as --user-data-dir.
 */
export async function openBrowser(t: TestContext, options: { folder: string; timezoneId: string }): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pigeon-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 30_000,
    viewport: { width: 1280, height: 900 },
    timezoneId: options.timezoneId,
    locale: 'en-GB',
    permissions: ['clipboard-read', 'clipboard-write'],
  })
  t.after(async () => {
    await context.close()
    fs.rmSync(profile, { recursive: true, force: true })
  })
  context.setDefaultTimeout(15_000)
  context.setDefaultNavigationTimeout(15_000)

  const page = context.pages()[0] ?? (await context.newPage())
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  const directory = path.join(ARTIFACTS_DIR, options.folder)
  fs.mkdirSync(directory, { recursive: true })

  return {
    context,
    page,
    problems,
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(directory, `${name}.png`), fullPage: true })
    },
  }
}
