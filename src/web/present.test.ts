import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ChannelRecord } from '../storage/channels-repo.ts'
import { channelState, safeHref } from './present.ts'

function buildChannelRecord(overrides: Partial<ChannelRecord>): ChannelRecord {
  return {
    id: '0'.repeat(24), organizationId: '1'.repeat(24), service: 'mastodon', serviceId: 'x', type: 'profile', name: 'Channel', displayName: null, avatar: null, timezone: 'UTC',
    postingSchedule: [], isQueuePaused: false, isDisconnected: false, isLocked: false, deliveryMethod: 'webhook', webhookUrl: 'http://127.0.0.1:9/', webhookSecret: 'whsec_x',
    serverUrl: null, remoteUsername: null, networkLimits: null, rateLimitedUntil: null, createdAt: 0, updatedAt: 0,
    ...overrides,
  }
}

describe('safeHref', () => {
  it('keeps http and https addresses', () => {
    assert.equal(safeHref('https://social.example/posts/1'), 'https://social.example/posts/1')
    assert.equal(safeHref('http://127.0.0.1:8080/a?b=c'), 'http://127.0.0.1:8080/a?b=c')
  })

  it('drops other schemes and garbage', () => {
    assert.equal(safeHref('javascript:alert(1)'), null)
    assert.equal(safeHref(' JavaScript:alert(1)'), null)
    assert.equal(safeHref('data:text/html,<script>alert(1)</script>'), null)
    assert.equal(safeHref('not a url'), null)
    assert.equal(safeHref(null), null)
  })
})

describe('channelState', () => {
  it('names the most pressing state', () => {
    assert.equal(channelState(buildChannelRecord({})).key, 'connected')
    assert.equal(channelState(buildChannelRecord({ isQueuePaused: true })).key, 'paused')
    assert.equal(channelState(buildChannelRecord({ deliveryMethod: null, isQueuePaused: true })).key, 'not-connected')
    assert.equal(channelState(buildChannelRecord({ isDisconnected: true, isQueuePaused: true })).key, 'disconnected')
  })
})
