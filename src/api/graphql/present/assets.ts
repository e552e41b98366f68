import type { StoredAsset } from '../../../posts/post-input.ts'

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  pdf: 'application/pdf',
}

/** Guesses a MIME type from the URL's file extension; Pigeon does not fetch media to look. */
function guessMimeType(url: string, fallback: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase()
  return (extension !== undefined && MIME_BY_EXTENSION[extension]) || fallback
}

/**
 * Presents stored assets as Buffer's Asset types. Dimensions and durations are 0 because Pigeon
 * does not download media; link assets are left out, since no Asset type describes them.
 */
export function presentAssets(assets: readonly unknown[]): Array<Record<string, unknown>> {
  return (assets as StoredAsset[]).flatMap((asset): Array<Record<string, unknown>> => {
    if (asset.type === 'image') {
      return [{
        __typename: 'ImageAsset',
        id: null,
        type: 'image',
        source: asset.url,
        thumbnail: asset.thumbnailUrl ?? asset.url,
        mimeType: guessMimeType(asset.url, 'image/jpeg'),
        image: { altText: asset.altText, animatedThumbnail: asset.animatedThumbnail, width: 0, height: 0, isAnimated: asset.url.toLowerCase().endsWith('.gif'), userTags: asset.userTags },
      }]
    }
    if (asset.type === 'video') {
      return [{
        __typename: 'VideoAsset',
        id: null,
        type: 'video',
        source: asset.url,
        thumbnail: '',
        mimeType: guessMimeType(asset.url, 'video/mp4'),
        video: { durationMs: 0, width: 0, height: 0, isTranscodingRequired: false, isVideoProcessing: false, thumbnailOffset: asset.thumbnailOffset, title: asset.title },
      }]
    }
    if (asset.type === 'document') {
      return [{
        __typename: 'DocumentAsset',
        id: null,
        type: 'document',
        source: asset.url,
        thumbnail: asset.thumbnailUrl,
        mimeType: guessMimeType(asset.url, 'application/pdf'),
        document: { title: asset.title, numPages: 0, thumbnails: [asset.thumbnailUrl], filesize: null },
      }]
    }

    return []
  })
}
