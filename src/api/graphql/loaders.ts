import type { AppDeps } from '../../deps.ts'
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
  channel: (id: string) => Promise<ChannelRecord | undefined>
  account: (id: string) => Promise<AccountRecord | undefined>
  postTags: (postId: string) => Promise<TagRecord[] | undefined>
}

export function createLoaders(deps: AppDeps): Loaders {
  const db = deps.db.kysely

  return {
    channel: createBatchLoader(async (ids) => new Map((await findChannelsByIds(db, ids)).map((channel) => [channel.id, channel]))),
    account: createBatchLoader(async (ids) => {
      const accounts = await Promise.all(ids.map((id) => findAccountById(db, id)))
      return new Map(accounts.filter((account) => account !== undefined).map((account) => [account.id, account]))
    }),
    postTags: createBatchLoader(async (postIds) => {
      const tagIdsByPost = await findTagIdsForPosts(db, postIds)
      const tags = await findTagsByIds(db, [...new Set([...tagIdsByPost.values()].flat())])
      const byId = new Map(tags.map((tag) => [tag.id, tag]))
      return new Map(postIds.map((postId) => [postId, (tagIdsByPost.get(postId) ?? []).map((id) => byId.get(id)).filter((tag) => tag !== undefined)]))
    }),
  }
}
