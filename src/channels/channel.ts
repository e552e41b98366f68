import type { MediaFetchConfig } from '../config/config.ts'

/** A media file of a post, as a URL the adapter downloads when it publishes. */
export interface PublishMedia {
  kind: 'image' | 'video' | 'document'
  url: string
  /** Alt text; empty when the author gave none. */
  altText: string
}

/** A link preview card, from `linkAttachment` metadata or a link asset. */
export interface PublishLink {
  url: string
  title: string | null
  description: string | null
  thumbnailUrl: string | null
}

/** One item a network publishes: the post itself, or one entry of its thread. */
export interface PublishItem {
  /** Position in the thread; 0 is the post itself. */
  index: number
  text: string
  media: PublishMedia[]
  link: PublishLink | null
}

/** What the network returned for an item it published. */
export interface PublishedItem {
  index: number
  /** A Mastodon status id or a Bluesky at:// URI. */
  remoteId: string
  /** The Bluesky record's CID, which replies reference; null on other networks. */
  remoteCid: string | null
  externalLink: string | null
}

/**
 * One attempt to publish a post through a native network adapter. Items already in `published`
 * came from earlier attempts; the adapter continues after them so a thread is never repeated.
 */
export interface PublishRequest {
  /** Pigeon's post id; adapters derive their idempotency and record keys from it. */
  postId: string
  items: PublishItem[]
  published: readonly PublishedItem[]
  /** Stores an item as published before the adapter moves on to the next one. */
  onPublished(item: PublishedItem): Promise<void>
  /**
   * True when an earlier attempt may have reached the network, so the adapter checks for what it
   * wrote then before writing again (Bluesky reads the record at its derived key).
   */
  isRepeat: boolean
  /** Content warning (Mastodon spoiler text), or null. */
  spoilerText: string | null
  signal: AbortSignal
  now: () => Date
}

/** Settings every native adapter receives from configuration. */
export interface AdapterOptions {
  /** Limit of one request to the network's API. */
  requestTimeoutMs: number
  media: MediaFetchConfig
}
