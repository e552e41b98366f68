import { normalizeAssets, type AssetInput } from '../../../posts/post-input.ts'
import { presentAssets } from './assets.ts'

type Input = Record<string, unknown>

/** Key of a service's entry in PostInputMetaData; Google Business is the one that differs. */
export function metadataKeyOf(service: string): string {
  return service === 'googlebusiness' ? 'google' : service
}

function presentLinkAttachment(value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object') return null
  const link = value as { url?: string; title?: string | null; description?: string | null; thumbnail?: { url?: string } | null }
  const thumbnail = link.thumbnail?.url ?? null

  return { url: link.url ?? '', expandedUrl: link.url ?? null, title: link.title ?? '', text: link.description ?? '', thumbnail, thumbnails: thumbnail === null ? [] : [thumbnail] }
}

function presentThread(value: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(value)) return []

  return value.map((item: { text?: string | null; assets?: AssetInput[]; metadata?: { bluesky?: { linkAttachment?: unknown }; threads?: { linkAttachment?: unknown } } | null }) => {
    const assets = normalizeAssets(item.assets ?? [])
    return {
      text: item.text ?? '',
      assets: assets.ok ? presentAssets(assets.value) : [],
      linkAttachment: null,
      metadata: item.metadata
        ? { bluesky: item.metadata.bluesky ? { linkAttachment: presentLinkAttachment(item.metadata.bluesky.linkAttachment) } : null, threads: item.metadata.threads ? { linkAttachment: presentLinkAttachment(item.metadata.threads.linkAttachment) } : null }
        : null,
    }
  })
}

function threaded(input: Input): { thread: Array<Record<string, unknown>>; threadCount: number; type: string } {
  const thread = presentThread(input.thread)
  return { thread, threadCount: thread.length, type: typeof input.type === 'string' ? input.type : thread.length > 1 ? 'thread' : 'post' }
}

function postType(input: Input): string {
  return typeof input.type === 'string' ? input.type : 'post'
}

/**
 * Presents the stored metadata of the channel's service as the matching PostMetadata member, or
 * null for services without one. Fields the input never set get Buffer's empty values.
 */
export function presentPostMetadata(service: string, metadata: Record<string, unknown> | null): Record<string, unknown> | null {
  const input = ((metadata ?? {})[metadataKeyOf(service)] ?? {}) as Input
  const common = { annotations: [] }
  const str = (key: string) => (typeof input[key] === 'string' ? input[key] : null)
  const bool = (key: string, fallback: boolean) => (typeof input[key] === 'boolean' ? input[key] : fallback)

  switch (service) {
    case 'instagram':
      return { __typename: 'InstagramPostMetadata', ...common, type: postType(input), firstComment: str('firstComment'), geolocation: input.geolocation ?? null, isAiGenerated: bool('isAiGenerated', false), link: str('link'), shouldShareToFeed: bool('shouldShareToFeed', true), stickerFields: input.stickerFields ?? null }
    case 'facebook':
      return { __typename: 'FacebookPostMetadata', ...common, type: postType(input), firstComment: str('firstComment'), linkAttachment: presentLinkAttachment(input.linkAttachment), title: null }
    case 'linkedin':
      return { __typename: 'LinkedInPostMetadata', ...common, type: 'post', firstComment: str('firstComment'), linkAttachment: presentLinkAttachment(input.linkAttachment) }
    case 'twitter':
      return { __typename: 'TwitterPostMetadata', ...common, ...threaded(input), isAiGenerated: bool('isAiGenerated', false), retweet: null }
    case 'pinterest':
      return { __typename: 'PinterestPostMetadata', ...common, type: 'post', title: str('title'), url: str('url'), board: typeof input.boardServiceId === 'string' ? { id: input.boardServiceId, serviceId: input.boardServiceId, name: input.boardServiceId, url: '', avatar: null, description: null } : null }
    case 'googlebusiness':
      return { __typename: 'GoogleBusinessPostMetadata', ...common, type: postType(input), title: str('title'), details: null }
    case 'youtube':
      return { __typename: 'YoutubePostMetadata', ...common, type: 'post', title: str('title'), category: typeof input.categoryId === 'string' ? { categoryId: input.categoryId, title: input.categoryId } : null, embeddable: bool('embeddable', true), isAiGenerated: bool('isAiGenerated', false), license: input.license ?? null, madeForKids: bool('madeForKids', false), notifySubscribers: bool('notifySubscribers', true), privacy: input.privacy ?? null }
    case 'mastodon':
      return { __typename: 'MastodonPostMetadata', ...common, ...threaded(input), spoilerText: str('spoilerText') }
    case 'tiktok':
      return { __typename: 'TiktokPostMetadata', ...common, type: 'post', isAiGenerated: bool('isAiGenerated', false), title: str('title') }
    case 'threads':
      return { __typename: 'ThreadsPostMetadata', ...common, ...threaded(input), linkAttachment: presentLinkAttachment(input.linkAttachment), locationId: str('locationId'), locationName: str('locationName'), topic: str('topic') }
    case 'bluesky':
      return { __typename: 'BlueskyPostMetadata', ...common, ...threaded(input), linkAttachment: presentLinkAttachment(input.linkAttachment) }
    case 'substack':
      return { __typename: 'SubstackPostMetadata', ...common, type: 'post', linkAttachment: presentLinkAttachment(input.linkAttachment) }
    default:
      return null
  }
}
