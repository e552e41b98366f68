import type { AppBskyRichtextFacet, Facet, RichText as RichTextClass } from '@atproto/api'

// Loading @atproto/api grows a `pigeon serve` process by about 15 MB of resident memory (measured
// on Node 20), so it is loaded on the first Bluesky post and never in processes that post none.
let richTextClass: Promise<typeof RichTextClass> | undefined

/** Resolves a handle to its DID, or null when it cannot be resolved. */
export type HandleResolver = (handle: string) => Promise<string | null>

/**
 * Finds the links, mentions and hashtags in `text` as app.bsky.richtext.facet entries, with
 * byte offsets into the UTF-8 encoding of the text as the lexicon requires. Detection is
 * @atproto/api's RichText; mentions are then resolved to DIDs with `resolveHandle`, and a mention
 * whose handle does not resolve stays plain text.
 */
export async function detectFacets(text: string, resolveHandle: HandleResolver): Promise<Facet[]> {
  richTextClass ??= import('@atproto/api').then((atproto) => atproto.RichText)
  const RichText = await richTextClass
  const rich = new RichText({ text })
  rich.detectFacetsWithoutResolution()
  const facets: Facet[] = []

  for (const facet of rich.facets ?? []) {
    const features: Facet['features'] = []
    for (const feature of facet.features) {
      if (feature.$type !== 'app.bsky.richtext.facet#mention') {
        features.push(feature)
        continue
      }
      // Without resolution the mention feature contains the handle where its DID belongs.
      const mention = feature as AppBskyRichtextFacet.Mention
      const did = await resolveHandle(mention.did)
      if (did !== null) features.push({ ...mention, $type: 'app.bsky.richtext.facet#mention', did })
    }
    if (features.length > 0) facets.push({ ...facet, features })
  }

  return facets
}
