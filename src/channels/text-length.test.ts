import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  countDistinctLinks,
  countGraphemes,
  countHashtags,
  countMentions,
  countUtf8Bytes,
  mastodonLength,
  measureText,
  measureTextLimits,
  segmentGraphemes,
  threadsLength,
  xWeightedLength,
} from './text-length.ts'

const FAMILY = '👨‍👩‍👧‍👦' // man, woman, girl, boy joined by three ZWJ: 7 code points, 25 UTF-8 bytes
const THUMBS_UP_MEDIUM = '👍🏽' // thumbs up with a skin-tone modifier: 8 UTF-8 bytes
const FLAG_JP = '🇯🇵' // two regional indicators: 8 UTF-8 bytes
const RAINBOW_FLAG = '🏳️‍🌈' // white flag, VS16, ZWJ, rainbow: 14 UTF-8 bytes
const E_COMBINING = 'e\u0301' // e followed by a combining acute accent
const SHALOM = 'שָׁלוֹם' // Hebrew (RTL) with vowel points: 4 letters, 7 code points
const MARHABA = 'مرحبا' // Arabic (RTL), 5 letters of 2 UTF-8 bytes each
const LONG_URL = `https://example.com/${'p'.repeat(100)}` // 120 characters

describe('countGraphemes', () => {
  const cases: Array<[string, string, number]> = [
    ['ASCII', 'hello', 5],
    ['ZWJ family', FAMILY, 1],
    ['skin tone', THUMBS_UP_MEDIUM, 1],
    ['flag', FLAG_JP, 1],
    ['ZWJ flag', RAINBOW_FLAG, 1],
    ['combining mark', E_COMBINING, 1],
    ['CJK', '日本語', 3],
    ['Hebrew with points', SHALOM, 4],
    ['Arabic', MARHABA, 5],
    ['empty', '', 0],
  ]
  for (const [name, text, expected] of cases) {
    it(`counts ${name}`, () => {
      assert.equal(countGraphemes(text), expected)
    })
  }
})

describe('segmentGraphemes', () => {
  const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
  const wholePass = (text: string) => Array.from(segmenter.segment(text), (part) => part.segment)
  const cases: Array<[string, string]> = [
    ['flags across windows', `x${FLAG_JP.repeat(300)}`],
    ['families across windows', `${FAMILY} `.repeat(100)],
    ['mixed scripts', `${SHALOM} ${MARHABA} 日本語 ${E_COMBINING} ${THUMBS_UP_MEDIUM} ${RAINBOW_FLAG} `.repeat(40)],
    ['a long combining run', `a${'\u0301'.repeat(1000)}b`],
    ['a pair at the window edge', `${'a'.repeat(255)}${FLAG_JP}${FLAG_JP}`],
  ]
  for (const [name, text] of cases) {
    it(`matches one pass on ${name}`, () => {
      assert.deepEqual([...segmentGraphemes(text)], wholePass(text))
    })
  }

  it('splits 100,000 characters quickly', () => {
    const text = `${'word 日本 '.repeat(9_999)}${FAMILY}`.padEnd(100_000, 'a')
    const started = performance.now()

    const count = countGraphemes(text)

    assert.equal(count, 99_990)
    // A whole-text pass takes tens of seconds on Node 20.20, and windows take well under one.
    assert.ok(performance.now() - started < 5000, `took ${Math.round(performance.now() - started)} ms`)
  })
})

describe('countUtf8Bytes', () => {
  const cases: Array<[string, string, number]> = [
    ['ASCII', 'a', 1],
    ['precomposed é', 'é', 2],
    ['combining mark', E_COMBINING, 3],
    ['CJK', '日', 3],
    ['emoji', '👍', 4],
    ['ZWJ family', FAMILY, 25],
    ['Arabic', MARHABA, 10],
  ]
  for (const [name, text, expected] of cases) {
    it(`counts ${name}`, () => {
      assert.equal(countUtf8Bytes(text), expected)
    })
  }
})

describe('xWeightedLength', () => {
  const cases: Array<[string, string, number]> = [
    ['280 ASCII', 'a'.repeat(280), 280],
    ['long URL as 23', `${'a'.repeat(250)} ${LONG_URL}`, 274],
    ['CJK as 2', '日'.repeat(141), 282],
    ['ZWJ family as 2', FAMILY, 2],
    ['skin tone as 2', THUMBS_UP_MEDIUM, 2],
    ['combining mark as 1', E_COMBINING, 1],
    ['Arabic as 1', MARHABA, 5],
    ['Hebrew points', SHALOM, 7],
  ]
  for (const [name, text, expected] of cases) {
    it(`weighs ${name}`, () => {
      assert.equal(xWeightedLength(text), expected)
    })
  }
})

describe('mastodonLength', () => {
  const defaults = { charactersReservedPerUrl: 23 }

  it('counts plain text in graphemes', () => {
    assert.equal(mastodonLength(`${FAMILY}${E_COMBINING}${MARHABA}`, defaults), 7)
  })

  it('counts a URL as 23', () => {
    assert.equal(mastodonLength(`see ${LONG_URL}`, defaults), 27)
  })

  it('uses the instance URL length', () => {
    assert.equal(mastodonLength(`see ${LONG_URL}`, { charactersReservedPerUrl: 10 }), 14)
  })

  it('counts a URL without scheme in full', () => {
    assert.equal(mastodonLength('see example.com/page', defaults), 20)
  })

  it('counts a remote mention as @user', () => {
    assert.equal(mastodonLength('hi @alice@social.example.org', defaults), 9)
  })

  it('counts a local mention in full', () => {
    assert.equal(mastodonLength('hi @alice', defaults), 9)
  })

  it('leaves e-mail addresses whole', () => {
    assert.equal(mastodonLength('bob@example.com', defaults), 15)
  })

  it('counts a profile URL as a URL', () => {
    assert.equal(mastodonLength('https://social.example.org/@alice', defaults), 23)
  })

  it('adds the content warning', () => {
    assert.equal(mastodonLength('body', { ...defaults, spoilerText: 'spoiler' }), 11)
  })

  it('counts blank text as 0', () => {
    assert.equal(mastodonLength('   ', defaults), 0)
  })
})

describe('threadsLength', () => {
  const cases: Array<[string, string, number]> = [
    ['ASCII', 'hello', 5],
    ['emoji as 4 bytes', '👍', 4],
    ['skin tone as 8 bytes', THUMBS_UP_MEDIUM, 8],
    ['ZWJ family as 25 bytes', FAMILY, 25],
    ['flag as 8 bytes', FLAG_JP, 8],
    ['VS16 heart as 6 bytes', '❤️', 6],
    ['text-style © as 1', '©', 1],
    ['CJK as 1', '日本', 2],
    ['combining mark as 1', E_COMBINING, 1],
    ['Arabic as 1', MARHABA, 5],
  ]
  for (const [name, text, expected] of cases) {
    it(`counts ${name}`, () => {
      assert.equal(threadsLength(text), expected)
    })
  }
})

describe('entity counts', () => {
  it('counts hashtags', () => {
    assert.equal(countHashtags('#one #two and #日本'), 3)
  })

  it('counts mentions', () => {
    assert.equal(countMentions('@one and @two, not mail@example.com'), 2)
  })

  it('counts distinct links', () => {
    assert.equal(countDistinctLinks('https://a.example.com www.facebook.com https://a.example.com'), 2)
  })
})

describe('measureText', () => {
  it('measures Bluesky graphemes', () => {
    assert.deepEqual(measureText('bluesky', 'hello'), { length: 5, limit: 300, unit: 'graphemes' })
  })

  it('picks Bluesky bytes when closer', () => {
    assert.deepEqual(measureText('bluesky', FAMILY.repeat(200)), { length: 5000, limit: 3000, unit: 'utf8Bytes' })
  })

  it('returns both Bluesky limits', () => {
    assert.deepEqual(measureTextLimits('bluesky', FAMILY), [
      { length: 1, limit: 300, unit: 'graphemes' },
      { length: 25, limit: 3000, unit: 'utf8Bytes' },
    ])
  })

  it('measures X weighted length', () => {
    assert.deepEqual(measureText('twitter', '日本'), { length: 4, limit: 280, unit: 'xWeighted' })
  })

  it('applies Mastodon instance limits', () => {
    const measured = measureText('mastodon', `read ${LONG_URL}`, { mastodon: { maxCharacters: 1000, charactersReservedPerUrl: 30 } })

    assert.deepEqual(measured, { length: 35, limit: 1000, unit: 'mastodon' })
  })

  it('defaults Mastodon to 500', () => {
    assert.deepEqual(measureText('mastodon', `read ${LONG_URL}`), { length: 28, limit: 500, unit: 'mastodon' })
  })

  it('counts the Mastodon content warning', () => {
    assert.deepEqual(measureText('mastodon', 'body', { spoilerText: 'cw' }), { length: 6, limit: 500, unit: 'mastodon' })
  })

  it('uses the TikTok photo limit', () => {
    assert.deepEqual(measureText('tiktok', 'caption', { mediaKind: 'image' }), { length: 7, limit: 4000, unit: 'utf16CodeUnits' })
  })

  it('uses the TikTok video limit', () => {
    assert.deepEqual(measureText('tiktok', 'caption', { mediaKind: 'video' }), { length: 7, limit: 2200, unit: 'utf16CodeUnits' })
  })

  it('counts Threads emoji as bytes', () => {
    assert.deepEqual(measureText('threads', FAMILY), { length: 25, limit: 500, unit: 'threads' })
  })
})
