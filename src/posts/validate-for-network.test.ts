import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { NETWORK_RULES } from '../channels/network-rules.ts'
import { SERVICES } from '../channel-settings/channel-settings.ts'
import type { StoredAsset } from './post-input.ts'
import { validatePostForNetwork, type NetworkPostInput } from './validate-for-network.ts'

const FAMILY = '👨‍👩‍👧‍👦' // 1 grapheme, 11 UTF-16 code units, 25 UTF-8 bytes
const THUMBS_UP_MEDIUM = '👍🏽' // 1 grapheme, 4 UTF-16 code units, 8 UTF-8 bytes
const FLAG_JP = '🇯🇵'
const E_COMBINING = 'e\u0301'
const MARHABA = 'مرحبا' // Arabic, right to left
const URL_120 = `https://example.com/${'p'.repeat(100)}`

function image(url = 'https://cdn.example.com/photo.jpg'): StoredAsset {
  return { type: 'image', url, thumbnailUrl: null, altText: '', animatedThumbnail: null, userTags: [] }
}

function video(url = 'https://cdn.example.com/clip.mp4'): StoredAsset {
  return { type: 'video', url, thumbnailOffset: null, title: null }
}

const GIF = image('https://cdn.example.com/loop.gif')
const PDF: StoredAsset = { type: 'document', url: 'https://cdn.example.com/deck.pdf', thumbnailUrl: 'https://cdn.example.com/deck.png', title: 'Deck' }
const images = (count: number) => Array.from({ length: count }, () => image())

const INSTAGRAM = { instagram: { type: 'post', shouldShareToFeed: true } }
const PINTEREST = { pinterest: { boardServiceId: 'board-1' } }
const YOUTUBE = { youtube: { title: 'My video', categoryId: '22' } }

interface Case {
  name: string
  input: Omit<NetworkPostInput, 'assets' | 'metadata'> & Partial<Pick<NetworkPostInput, 'assets' | 'metadata'>>
  /** The field the error names; absent for a post that must pass. */
  field?: string
  message?: RegExp
}

const CASES: Case[] = [
  { name: 'accepts 300 graphemes with a URL', input: { service: 'bluesky', text: `${'a'.repeat(179)} ${URL_120}` } },
  { name: 'rejects 301 graphemes with a URL', input: { service: 'bluesky', text: `${'a'.repeat(180)} ${URL_120}` }, field: 'text', message: /301 graphemes/ },
  { name: 'accepts 300 flags', input: { service: 'bluesky', text: FLAG_JP.repeat(300) } },
  { name: 'accepts 300 combining marks', input: { service: 'bluesky', text: E_COMBINING.repeat(300) } },
  { name: 'accepts 300 Arabic letters', input: { service: 'bluesky', text: MARHABA.repeat(60) } },
  { name: 'accepts 120 ZWJ families', input: { service: 'bluesky', text: FAMILY.repeat(120) } },
  { name: 'rejects 280 ZWJ families', input: { service: 'bluesky', text: FAMILY.repeat(280) }, field: 'text', message: /7000 UTF-8 bytes long; Bluesky allows 3000/ },
  { name: 'accepts 4 images', input: { service: 'bluesky', text: 'hi', assets: images(4) } },
  { name: 'rejects 5 images', input: { service: 'bluesky', text: 'hi', assets: images(5) }, field: 'assets', message: /5 images; Bluesky allows up to 4 images, or 1 video/ },
  { name: 'rejects image with video', input: { service: 'bluesky', text: 'hi', assets: [image(), video()] }, field: 'assets', message: /1 image and 1 video/ },
  { name: 'rejects a document', input: { service: 'bluesky', text: 'hi', assets: [PDF] }, field: 'assets[0]', message: /is a document/ },

  { name: 'accepts 63,206 characters', input: { service: 'facebook', text: 'a'.repeat(63_206) } },
  { name: 'rejects 63,207 characters', input: { service: 'facebook', text: 'a'.repeat(63_207) }, field: 'text', message: /63207 characters/ },
  { name: 'rejects 11 images', input: { service: 'facebook', text: 'hi', assets: images(11) }, field: 'assets' },
  { name: 'accepts a reel video', input: { service: 'facebook', text: 'hi', assets: [video()], metadata: { facebook: { type: 'reel' } } } },
  { name: 'rejects a reel image', input: { service: 'facebook', text: 'hi', assets: [image()], metadata: { facebook: { type: 'reel' } } }, field: 'assets[0]', message: /in one reel/ },
  { name: 'rejects a long first comment', input: { service: 'facebook', text: 'hi', metadata: { facebook: { type: 'post', firstComment: 'a'.repeat(5001) } } }, field: 'metadata.facebook.firstComment' },

  { name: 'accepts whats_new', input: { service: 'googlebusiness', text: 'Open late', metadata: { google: { type: 'whats_new', detailsWhatsNew: { button: 'learn_more' } } } } },
  { name: 'rejects missing type', input: { service: 'googlebusiness', text: 'Open late' }, field: 'metadata.google.type' },
  { name: 'rejects offer without details', input: { service: 'googlebusiness', text: 'Sale', metadata: { google: { type: 'offer' } } }, field: 'metadata.google.detailsOffer', message: /of type offer/ },
  { name: 'rejects event without title', input: { service: 'googlebusiness', text: 'Party', metadata: { google: { type: 'event', detailsEvent: { isFullDayEvent: true, startDate: '2030-01-01T10:00:00Z', endDate: '2030-01-01T12:00:00Z' } } } }, field: 'metadata.google.detailsEvent.title' },
  {
    name: 'rejects event ending first',
    input: { service: 'googlebusiness', text: 'Party', metadata: { google: { type: 'event', detailsEvent: { title: 'Party', isFullDayEvent: false, startDate: new Date('2030-01-02T10:00:00Z'), endDate: '2030-01-01T10:00:00Z' } } } },
    field: 'metadata.google.detailsEvent.endDate',
    message: /must be after/,
  },
  { name: 'rejects a 59-character title', input: { service: 'googlebusiness', text: 'Party', metadata: { google: { type: 'event', detailsEvent: { title: 'a'.repeat(59), isFullDayEvent: true, startDate: '2030-01-01T10:00:00Z', endDate: '2030-01-02T10:00:00Z' } } } }, field: 'metadata.google.detailsEvent.title' },
  { name: 'rejects 1,501 characters', input: { service: 'googlebusiness', text: 'a'.repeat(1501), metadata: { google: { type: 'whats_new', detailsWhatsNew: {} } } }, field: 'text' },
  { name: 'rejects a video', input: { service: 'googlebusiness', text: 'hi', assets: [video()], metadata: { google: { type: 'whats_new', detailsWhatsNew: {} } } }, field: 'assets[0]' },

  { name: 'accepts an image post', input: { service: 'instagram', text: `Hello ${THUMBS_UP_MEDIUM}`, assets: [image()], metadata: INSTAGRAM } },
  { name: 'rejects text only', input: { service: 'instagram', text: 'Hello', metadata: INSTAGRAM }, field: 'assets', message: /Instagram requires media/ },
  { name: 'rejects missing shouldShareToFeed', input: { service: 'instagram', text: 'Hi', assets: [image()], metadata: { instagram: { type: 'post' } } }, field: 'metadata.instagram.shouldShareToFeed' },
  { name: 'rejects missing metadata', input: { service: 'instagram', text: 'Hi', assets: [image()] }, field: 'metadata.instagram.type' },
  { name: 'rejects a loopback URL', input: { service: 'instagram', text: 'Hi', assets: [image('http://127.0.0.1:8080/a.jpg')], metadata: INSTAGRAM }, field: 'assets[0].image.url', message: /use a public URL/ },
  { name: 'rejects a private IP URL', input: { service: 'instagram', text: 'Hi', assets: [image('https://192.168.1.20/a.jpg')], metadata: INSTAGRAM }, field: 'assets[0].image.url' },
  { name: 'rejects a localhost URL', input: { service: 'instagram', text: 'Hi', assets: [video('http://localhost:3000/a.mp4')], metadata: INSTAGRAM }, field: 'assets[0].video.url' },
  { name: 'rejects an IPv6 loopback URL', input: { service: 'instagram', text: 'Hi', assets: [image('http://[::1]/a.jpg')], metadata: INSTAGRAM }, field: 'assets[0].image.url' },
  { name: 'rejects 11 items', input: { service: 'instagram', text: 'Hi', assets: images(11), metadata: INSTAGRAM }, field: 'assets' },
  { name: 'rejects a one-item carousel', input: { service: 'instagram', text: 'Hi', assets: images(1), metadata: { instagram: { type: 'carousel', shouldShareToFeed: true } } }, field: 'assets', message: /2 to 10 images or videos in one carousel/ },
  { name: 'accepts a mixed carousel', input: { service: 'instagram', text: 'Hi', assets: [image(), video()], metadata: { instagram: { type: 'carousel', shouldShareToFeed: true } } } },
  { name: 'rejects 31 hashtags', input: { service: 'instagram', text: Array.from({ length: 31 }, (_, index) => `#tag${index}`).join(' '), assets: [image()], metadata: INSTAGRAM }, field: 'text', message: /31 hashtags/ },
  { name: 'rejects 1,101 emoji', input: { service: 'instagram', text: '👍'.repeat(1101), assets: [image()], metadata: INSTAGRAM }, field: 'text', message: /2202 characters/ },

  { name: 'accepts 3,000 characters', input: { service: 'linkedin', text: 'a'.repeat(3000) } },
  { name: 'rejects 3,001 characters', input: { service: 'linkedin', text: 'a'.repeat(3001) }, field: 'text' },
  { name: 'accepts a document', input: { service: 'linkedin', text: 'Deck', assets: [PDF] } },
  { name: 'rejects document with image', input: { service: 'linkedin', text: 'Deck', assets: [PDF, image()] }, field: 'assets' },
  { name: 'rejects a long first comment', input: { service: 'linkedin', text: 'hi', metadata: { linkedin: { firstComment: 'a'.repeat(1251) } } }, field: 'metadata.linkedin.firstComment' },

  { name: 'accepts 500 characters', input: { service: 'mastodon', text: 'a'.repeat(500) } },
  { name: 'rejects 501 characters', input: { service: 'mastodon', text: 'a'.repeat(501) }, field: 'text', message: /501 characters long; Mastodon allows 500/ },
  { name: 'counts a URL as 23', input: { service: 'mastodon', text: `${'a'.repeat(476)} ${URL_120}` } },
  { name: 'counts a remote mention short', input: { service: 'mastodon', text: `${'a'.repeat(488)} @alice@a-very-long-instance-name.example.org` } },
  { name: 'counts the content warning', input: { service: 'mastodon', text: 'a'.repeat(490), metadata: { mastodon: { spoilerText: 'b'.repeat(11) } } }, field: 'text', message: /content warning/ },
  { name: 'uses the instance limit', input: { service: 'mastodon', text: 'a'.repeat(800), channelLimits: { maxCharacters: 1000 } } },
  { name: 'uses the instance URL length', input: { service: 'mastodon', text: `${'a'.repeat(476)} ${URL_120}`, channelLimits: { charactersReservedPerUrl: 30 } }, field: 'text', message: /507 characters/ },
  { name: 'rejects 5 images', input: { service: 'mastodon', text: 'hi', assets: images(5) }, field: 'assets' },
  { name: 'uses the instance media limit', input: { service: 'mastodon', text: 'hi', assets: images(6), channelLimits: { maxMediaAttachments: 6 } } },
  { name: 'rejects video with image', input: { service: 'mastodon', text: 'hi', assets: [video(), image()] }, field: 'assets' },

  { name: 'accepts an image pin', input: { service: 'pinterest', text: 'Pin', assets: [image()], metadata: PINTEREST } },
  { name: 'rejects a missing board', input: { service: 'pinterest', text: 'Pin', assets: [image()] }, field: 'metadata.pinterest.boardServiceId' },
  { name: 'rejects text only', input: { service: 'pinterest', text: 'Pin', metadata: PINTEREST }, field: 'assets', message: /Pinterest requires media/ },
  { name: 'rejects a 101-character title', input: { service: 'pinterest', text: 'Pin', assets: [image()], metadata: { pinterest: { boardServiceId: 'b', title: 'a'.repeat(101) } } }, field: 'metadata.pinterest.title' },
  { name: 'rejects 501 characters', input: { service: 'pinterest', text: 'a'.repeat(501), assets: [image()], metadata: PINTEREST }, field: 'text' },

  { name: 'accepts 10,000 characters', input: { service: 'startPage', text: 'a'.repeat(10_000) } },
  { name: 'rejects 10,001 characters', input: { service: 'startPage', text: 'a'.repeat(10_001) }, field: 'text' },

  { name: 'accepts 125 emoji', input: { service: 'threads', text: '👍'.repeat(125) } },
  { name: 'rejects 126 emoji', input: { service: 'threads', text: '👍'.repeat(126) }, field: 'text', message: /504 characters long; Threads allows 500/ },
  { name: 'accepts 500 CJK characters', input: { service: 'threads', text: '日'.repeat(500) } },
  { name: 'rejects 6 links', input: { service: 'threads', text: [1, 2, 3, 4, 5, 6].map((n) => `https://site${n}.example.com`).join(' ') }, field: 'text', message: /6 distinct links/ },
  { name: 'accepts 20 images', input: { service: 'threads', text: 'hi', assets: images(20) } },
  { name: 'rejects 21 images', input: { service: 'threads', text: 'hi', assets: images(21) }, field: 'assets' },
  { name: 'rejects a private URL', input: { service: 'threads', text: 'hi', assets: [image('http://10.0.0.5/a.jpg')] }, field: 'assets[0].image.url' },

  { name: 'accepts a 2,200 caption', input: { service: 'tiktok', text: 'a'.repeat(2200), assets: [video()] } },
  { name: 'rejects a 2,201 caption', input: { service: 'tiktok', text: 'a'.repeat(2201), assets: [video()] }, field: 'text', message: /TikTok allows 2200/ },
  { name: 'accepts a 4,000 photo text', input: { service: 'tiktok', text: 'a'.repeat(4000), assets: images(2) } },
  { name: 'rejects a 4,001 photo text', input: { service: 'tiktok', text: 'a'.repeat(4001), assets: images(2) }, field: 'text', message: /TikTok allows 4000/ },
  { name: 'rejects text only', input: { service: 'tiktok', text: 'hi' }, field: 'assets', message: /TikTok requires media/ },
  { name: 'rejects a 91-character title', input: { service: 'tiktok', text: 'hi', assets: [video()], metadata: { tiktok: { title: 'a'.repeat(91) } } }, field: 'metadata.tiktok.title' },

  { name: 'accepts 280 characters', input: { service: 'twitter', text: 'a'.repeat(280) } },
  { name: 'rejects 281 characters', input: { service: 'twitter', text: 'a'.repeat(281) }, field: 'text', message: /281 weighted characters/ },
  { name: 'counts a long URL as 23', input: { service: 'twitter', text: `${'a'.repeat(250)} ${URL_120}` } },
  { name: 'rejects 141 CJK characters', input: { service: 'twitter', text: '日'.repeat(141) }, field: 'text', message: /282 weighted characters/ },
  { name: 'accepts 140 emoji', input: { service: 'twitter', text: THUMBS_UP_MEDIUM.repeat(140) } },
  { name: 'accepts 280 combining marks', input: { service: 'twitter', text: E_COMBINING.repeat(280) } },
  { name: 'accepts 280 Arabic letters', input: { service: 'twitter', text: MARHABA.repeat(56) } },
  { name: 'accepts one GIF', input: { service: 'twitter', text: 'hi', assets: [GIF] } },
  { name: 'rejects GIF with image', input: { service: 'twitter', text: 'hi', assets: [GIF, image()] }, field: 'assets', message: /1 GIF and 1 image/ },
  { name: 'rejects 5 images', input: { service: 'twitter', text: 'hi', assets: images(5) }, field: 'assets' },
  { name: 'accepts a thread', input: { service: 'twitter', text: 'one', metadata: { twitter: { thread: [{ text: 'one' }, { text: 'two', assets: [{ image: { url: 'https://cdn.example.com/a.jpg' } }] }] } } } },
  { name: 'rejects a long thread item', input: { service: 'twitter', text: 'one', metadata: { twitter: { thread: [{ text: 'one' }, { text: '日'.repeat(141) }] } } }, field: 'metadata.twitter.thread[1].text' },
  { name: 'rejects an empty thread item', input: { service: 'twitter', text: 'one', metadata: { twitter: { thread: [{ text: 'one' }, { text: ' ' }] } } }, field: 'metadata.twitter.thread[1]' },
  { name: 'rejects thread item media', input: { service: 'twitter', text: 'one', metadata: { twitter: { thread: [{ text: 'one' }, { text: 'two', assets: [{ image: { url: 'https://cdn.example.com/a.jpg' } }, { video: { url: 'https://cdn.example.com/a.mp4' } }] }] } } }, field: 'metadata.twitter.thread[1].assets' },

  { name: 'accepts a video', input: { service: 'youtube', text: 'Description', assets: [video()], metadata: YOUTUBE } },
  { name: 'rejects no video', input: { service: 'youtube', text: 'Description', metadata: YOUTUBE }, field: 'assets', message: /YouTube requires media: add 1 video/ },
  { name: 'rejects an image', input: { service: 'youtube', text: 'Description', assets: [image()], metadata: YOUTUBE }, field: 'assets[0]' },
  { name: 'rejects a missing title', input: { service: 'youtube', text: 'Description', assets: [video()], metadata: { youtube: { categoryId: '22' } } }, field: 'metadata.youtube.title' },
  { name: 'rejects a missing category', input: { service: 'youtube', text: 'Description', assets: [video()], metadata: { youtube: { title: 'Video' } } }, field: 'metadata.youtube.categoryId' },
  { name: 'rejects angle brackets', input: { service: 'youtube', text: 'a <b> tag', assets: [video()], metadata: YOUTUBE }, field: 'text', message: /contains "<"/ },
  { name: 'rejects a 5,001-byte description', input: { service: 'youtube', text: '日'.repeat(1667), assets: [video()], metadata: YOUTUBE }, field: 'text', message: /5001 UTF-8 bytes/ },
  { name: 'rejects a 101-character title', input: { service: 'youtube', text: 'd', assets: [video()], metadata: { youtube: { title: 'a'.repeat(101), categoryId: '22' } } }, field: 'metadata.youtube.title' },

  { name: 'accepts 10,000 characters', input: { service: 'substack', text: 'a'.repeat(10_000) } },
  { name: 'rejects 10,001 characters', input: { service: 'substack', text: 'a'.repeat(10_001) }, field: 'text' },
  { name: 'rejects a video', input: { service: 'substack', text: 'hi', assets: [video()] }, field: 'assets[0]' },

  { name: 'accepts 4,096 characters', input: { service: 'whatsapp', text: 'a'.repeat(4096) } },
  { name: 'rejects 4,097 characters', input: { service: 'whatsapp', text: 'a'.repeat(4097) }, field: 'text' },
  { name: 'accepts a 1,024 caption', input: { service: 'whatsapp', text: 'a'.repeat(1024), assets: [image()] } },
  { name: 'rejects a 1,025 caption', input: { service: 'whatsapp', text: 'a'.repeat(1025), assets: [image()] }, field: 'text', message: /WhatsApp allows 1024/ },
  { name: 'rejects 2 images', input: { service: 'whatsapp', text: 'hi', assets: images(2) }, field: 'assets' },
]

describe('validatePostForNetwork', () => {
  for (const testCase of CASES) {
    it(`${testCase.input.service} ${testCase.name}`, () => {
      const result = validatePostForNetwork({ assets: [], metadata: null, ...testCase.input })

      if (testCase.field === undefined) {
        assert.equal(result.ok, true, result.ok ? '' : result.error.message)
        return
      }
      assert.equal(result.ok, false, 'the post was accepted')
      if (result.ok) return
      assert.equal(result.error.code, 'INVALID_INPUT')
      assert.equal('field' in result.error ? result.error.field : null, testCase.field, result.error.message)
      if (testCase.message !== undefined) assert.match(result.error.message, testCase.message)
    })
  }

  it('covers every service both ways', () => {
    const passing = new Set(CASES.filter((testCase) => testCase.field === undefined).map((testCase) => testCase.input.service))
    const failing = new Set(CASES.filter((testCase) => testCase.field !== undefined).map((testCase) => testCase.input.service))

    assert.deepEqual([...passing].sort(), [...SERVICES].sort())
    assert.deepEqual([...failing].sort(), [...SERVICES].sort())
  })

  it('explains a Bluesky overrun', () => {
    const result = validatePostForNetwork({ service: 'bluesky', text: 'a'.repeat(301), assets: [], metadata: null })

    assert.deepEqual(result, {
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'text', message: 'text is 301 graphemes long; Bluesky allows 300 (counted as user-perceived characters).', rule: 'NETWORK_TEXT_RULE' },
    })
  })

  it('ignores metadata of other services', () => {
    const result = validatePostForNetwork({ service: 'twitter', text: 'hi', assets: [], metadata: { youtube: { title: 'a'.repeat(500) } } })

    assert.equal(result.ok, true)
  })

  it('ignores link assets as media', () => {
    const link: StoredAsset = { type: 'link', url: 'https://example.com', title: null, description: null, thumbnailUrl: null }

    const result = validatePostForNetwork({ service: 'youtube', text: 'd', assets: [link], metadata: YOUTUBE })

    assert.equal(result.ok, false)
  })

  it('throws on an unknown service', () => {
    assert.throws(() => validatePostForNetwork({ service: 'myspace', text: 'hi', assets: [], metadata: null }), /No posting rules for service "myspace"/)
  })
})

describe('NETWORK_RULES', () => {
  it('has one entry per service', () => {
    assert.deepEqual(Object.keys(NETWORK_RULES).sort(), [...SERVICES].sort())
  })

  it('has positive text limits', () => {
    const limits = Object.values(NETWORK_RULES).flatMap((rules) => [...rules.text, ...Object.values(rules.textByMediaKind ?? {}).flat()])

    assert.ok(limits.every((limit) => Number.isInteger(limit.limit) && limit.limit > 0))
  })
})
