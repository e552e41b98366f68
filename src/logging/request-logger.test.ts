import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LogCapture } from '../../test/helpers/log-capture.ts'
import { createLogger } from './logger.ts'
import { createRequestLogger } from './request-logger.ts'

function setup(level: string) {
  const lines = new LogCapture()
  const root = createLogger({ level, role: 'test', version: 'test', destination: lines as never })
  let children = 0
  const parent = new Proxy(root, {
    get(target, property, receiver) {
      if (property === 'child') {
        return (...args: Parameters<typeof root.child>) => {
          children++
          return target.child(...args)
        }
      }
      return Reflect.get(target, property, receiver) as unknown
    },
  })

  return { lines, parent, childCount: () => children }
}

test('request logger keeps early bindings', () => {
  const { lines, parent } = setup('info')
  const log = createRequestLogger(parent, { reqId: 'r-1' }, {})
  log.setBindings({ accountId: 'a-1' })
  log.info({ step: 1 }, 'first')
  log.setBindings({ apiKeyId: 'k-1' })
  log.warn('second')

  const [first, second] = lines.entries
  assert.equal(first?.reqId, 'r-1')
  assert.equal(first?.accountId, 'a-1')
  assert.equal(first?.step, 1)
  assert.equal(first?.msg, 'first')
  assert.equal(second?.apiKeyId, 'k-1')
  assert.equal(second?.accountId, 'a-1')
  assert.equal(second?.level, 40)
})

test('request logger defers its child', () => {
  const { lines, parent, childCount } = setup('warn')
  const log = createRequestLogger(parent, { reqId: 'r-2' }, {})
  log.setBindings({ accountId: 'a-2' })
  log.info('skipped')
  log.debug('skipped too')

  assert.equal(childCount(), 0)
  assert.equal(lines.raw.length, 0)
  assert.equal(log.isLevelEnabled('info'), false)
  assert.deepEqual({ reqId: log.bindings().reqId, accountId: log.bindings().accountId }, { reqId: 'r-2', accountId: 'a-2' })

  log.error('written')
  assert.equal(childCount(), 1)
  assert.equal(lines.entries[0]?.reqId, 'r-2')
  assert.equal(lines.entries[0]?.accountId, 'a-2')
})

test('request logger follows route level', () => {
  const { lines, parent } = setup('warn')
  const log = createRequestLogger(parent, { reqId: 'r-3' }, { level: 'debug' })
  log.debug('route-level line')

  assert.equal(log.level, 'debug')
  assert.equal(lines.entries[0]?.msg, 'route-level line')
})

test('request logger redacts secrets', () => {
  const { lines, parent } = setup('info')
  const log = createRequestLogger(parent, { reqId: 'r-4' }, {})
  log.setBindings({ token: 'pgn_secret' })
  log.info({ password: 'hunter2' }, 'line')

  assert.doesNotMatch(lines.raw.join('\n'), /pgn_secret|hunter2/)
})
