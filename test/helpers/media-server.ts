import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import { startLoopbackServer, type ReceivedRequest } from './fake-http.ts'

/** The 8-byte signature every PNG file starts with. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export interface MediaFile {
  contentType: string
  bytes: Buffer
  /** Status to respond with instead of the file. */
  status?: number
}

export interface MediaServer {
  url: string
  requests: ReceivedRequest[]
  /** Serves `file` at `path` and returns its full URL. */
  serve(path: string, file: MediaFile): string
}

/** Builds a PNG-typed file of `size` bytes: the PNG signature followed by random bytes. */
export function pngOfSize(size: number): MediaFile {
  return { contentType: 'image/png', bytes: Buffer.concat([PNG_SIGNATURE, randomBytes(Math.max(size - PNG_SIGNATURE.length, 0))]) }
}

/** Serves media files for posts from 127.0.0.1, where Pigeon fetches them only when allowed to. */
export async function startMediaServer(t: TestContext): Promise<MediaServer> {
  const files = new Map<string, MediaFile>()
  const requests: ReceivedRequest[] = []
  const url = await startLoopbackServer(
    t,
    async (request) => {
      const file = files.get(request.url.pathname)
      if (file === undefined) return { status: 404, body: { error: 'not found' } }
      if (file.status !== undefined) return { status: file.status, body: { error: `status ${file.status}` } }
      return { status: 200, body: file.bytes, headers: { 'content-type': file.contentType } }
    },
    requests,
  )

  return {
    url,
    requests,
    serve(path, file) {
      files.set(path, file)
      return `${url}${path}`
    },
  }
}
