import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'

interface Asset {
  body: string
  contentType: string
  /** Short content hash; it goes into the URL so a changed file gets a new address. */
  version: string
}

const ASSET_FILES: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
}

function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const [name, contentType] of Object.entries(ASSET_FILES)) {
    const body = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8')
    assets.set(name, { body, contentType, version: createHash('sha256').update(body).digest('hex').slice(0, 12) })
  }

  return assets
}

/** URLs of the stylesheet, script and icon, with their content hash, for the page layout. */
export interface AssetUrls {
  css: string
  js: string
  icon: string
}

/** Serves the stylesheet, script and icon under /assets/, cached for a year because each URL carries its hash. */
export function registerAssets(web: FastifyInstance): AssetUrls {
  const assets = loadAssets()
  web.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name)
    if (asset === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('Not found')

    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(asset.contentType).send(asset.body)
  })

  return {
    css: `/assets/app.css?v=${assets.get('app.css')!.version}`,
    js: `/assets/app.js?v=${assets.get('app.js')!.version}`,
    icon: `/assets/icon.svg?v=${assets.get('icon.svg')!.version}`,
  }
}
