import type { Kysely } from 'kysely'
import type { AppDeps } from '../../deps.ts'
import type { Database } from '../../storage/schema.ts'
import { findAccountById, type AccountRecord } from '../../storage/accounts-repo.ts'
import { findChannelsByIds, type ChannelRecord } from '../../storage/channels-repo.ts'
import { findTagIdsForPosts } from '../../storage/posts-repo.ts'
import { findTagsByIds, type TagRecord } from '../../storage/tags-repo.ts'

/**
 * Collects the keys asked for in one tick and loads them with one call, caching results for the
 * rest of the request, so listing 100 posts reads their channels once, not 100 times.
 */
export function createBatchLoader<K, V>(loadMany: (keys: readonly K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  const cache = new Map<K, Promise<V | undefined>>()
  let pending: Array<{ key: K; resolve: (value: V | undefined) => void; reject: (error: unknown) => void }> = []

  const flush = () => {
    const batch = pending
    pending = []
    loadMany([...new Set(batch.map((entry) => entry.key))]).then(
      (values) => batch.forEach((entry) => entry.resolve(values.get(entry.key))),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    )
  }

  return (key) => {
    const cached = cache.get(key)
    if (cached !== undefined) return cached

    const promise = new Promise<V | undefined>((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(flush)
      pending.push({ key, resolve, reject })
    })
    cache.set(key, promise)
    return promise
  }
}

export interface Loaders {
  readonly channel: (id: string) => Promise<ChannelRecord | undefined>
  readonly account: (id: string) => Promise<AccountRecord | undefined>
  readonly postTags: (postId: string) => Promise<TagRecord[] | undefined>
}

async function loadChannels(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, ChannelRecord>> {
  return new Map((await findChannelsByIds(db, ids)).map((channel) => [channel.id, channel]))
}

async function loadAccounts(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, AccountRecord>> {
  const accounts = await Promise.all(ids.map((id) => findAccountById(db, id)))
  return new Map(accounts.filter((account) => account !== undefined).map((account) => [account.id, account]))
}

async function loadPostTags(db: Kysely<Database>, postIds: readonly string[]): Promise<Map<string, TagRecord[]>> {
  const tagIdsByPost = await findTagIdsForPosts(db, postIds)
  const tags = await findTagsByIds(db, [...new Set([...tagIdsByPost.values()].flat())])
  const byId = new Map(tags.map((tag) => [tag.id, tag]))
  return new Map(postIds.map((postId) => [postId, (tagIdsByPost.get(postId) ?? []).map((id) => byId.get(id)).filter((tag) => tag !== undefined)]))
}

/**
 * The loaders of one request, each created on first use: most requests need none or one, and
 * creating a loader costs a few closures.
 */
class RequestLoaders implements Loaders {
  private channelLoader: Loaders['channel'] | null = null
  private accountLoader: Loaders['account'] | null = null
  private postTagsLoader: Loaders['postTags'] | null = null

  constructor(private readonly db: Kysely<Database>) {}

  get channel(): Loaders['channel'] {
    return (this.channelLoader ??= createBatchLoader((ids) => loadChannels(this.db, ids)))
  }

  get account(): Loaders['account'] {
    return (this.accountLoader ??= createBatchLoader((ids) => loadAccounts(this.db, ids)))
  }

  get postTags(): Loaders['postTags'] {
    return (this.postTagsLoader ??= createBatchLoader((postIds) => loadPostTags(this.db, postIds)))
  }
}

export function createLoaders(deps: AppDeps): Loaders {
  return new RequestLoaders(deps.db.kysely)
}
