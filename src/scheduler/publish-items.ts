import type { PublishItem, PublishLink, PublishMedia } from '../channels/channel.ts'
import { normalizeAssets, type AssetInput, type StoredAsset } from '../posts/post-input.ts'
import type { PostRecord } from '../storage/posts-repo.ts'

/** Content a native adapter publishes for a post: its items in thread order and its content warning. */
export interface PublishContent {
  items: PublishItem[]
  spoilerText: string | null
}

interface LinkAttachmentInput {
  url?: unknown
  title?: unknown
  description?: unknown
  thumbnail?: { url?: unknown } | null
}

interface ThreadItemInput {
  text?: string | null
  assets?: AssetInput[]
  metadata?: Record<string, { linkAttachment?: LinkAttachmentInput | null } | null> | null
}

/**
 * Turns a stored post into the items a network publishes. Without `metadata.<service>.thread`
 * the post is one item. With a thread, item 0 is the post (its text, which the API requires to
 * equal the thread's first text, and its assets, or else the first thread entry's assets) and
 * every further thread entry is a reply. A link card comes from `linkAttachment` metadata or a
 * link asset.
 */
export function buildPublishContent(post: PostRecord, service: string): PublishContent {
  const metadata = (post.metadata?.[service] ?? {}) as { thread?: unknown; linkAttachment?: LinkAttachmentInput | null; spoilerText?: unknown }
  const thread = Array.isArray(metadata.thread) ? (metadata.thread as ThreadItemInput[]) : []
  const first = thread[0]
  const firstAssets = post.assets.length > 0 ? (post.assets as StoredAsset[]) : storedAssetsOf(first)

  const items: PublishItem[] = [
    {
      index: 0,
      text: post.text,
      media: mediaOf(firstAssets),
      link: toLink(metadata.linkAttachment) ?? linkAssetOf(firstAssets) ?? toLink(first?.metadata?.[service]?.linkAttachment),
    },
  ]
  for (const [index, entry] of thread.entries()) {
    if (index === 0) continue
    const assets = storedAssetsOf(entry)
    items.push({ index, text: entry.text ?? '', media: mediaOf(assets), link: toLink(entry.metadata?.[service]?.linkAttachment) ?? linkAssetOf(assets) })
  }

  return { items, spoilerText: typeof metadata.spoilerText === 'string' && metadata.spoilerText.trim() !== '' ? metadata.spoilerText : null }
}

function storedAssetsOf(entry: ThreadItemInput | undefined): StoredAsset[] {
  // The API validated these assets when the post was created, so normalizing cannot fail here.
  // An entry that fails anyway is published without media rather than not at all.
  const normalized = normalizeAssets(entry?.assets ?? [])
  return normalized.ok ? normalized.value : []
}

function mediaOf(assets: readonly StoredAsset[]): PublishMedia[] {
  const media: PublishMedia[] = []
  for (const asset of assets) {
    if (asset.type === 'image') media.push({ kind: 'image', url: asset.url, altText: asset.altText })
    else if (asset.type === 'video') media.push({ kind: 'video', url: asset.url, altText: '' })
    else if (asset.type === 'document') media.push({ kind: 'document', url: asset.url, altText: asset.title })
  }

  return media
}

function linkAssetOf(assets: readonly StoredAsset[]): PublishLink | null {
  const link = assets.find((asset) => asset.type === 'link')
  if (link === undefined || link.type !== 'link') return null

  return { url: link.url, title: link.title, description: link.description, thumbnailUrl: link.thumbnailUrl }
}

function toLink(input: LinkAttachmentInput | null | undefined): PublishLink | null {
  if (input === null || input === undefined || typeof input.url !== 'string' || input.url === '') return null
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)

  return { url: input.url, title: text(input.title), description: text(input.description), thumbnailUrl: text(input.thumbnail?.url) }
}
