import { isIP } from 'node:net'
import { err, ok, type Result } from '../errors/result.ts'

/**
 * Peers whose X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host headers Pigeon believes:
 * none (`false`), every peer (`true`), or a comma-separated list of addresses, CIDR ranges and
 * range names. The value is Fastify's `trustProxy` option as is.
 */
export type TrustProxy = boolean | string

/**
 * Range names that @fastify/proxy-addr expands: loopback is 127.0.0.1/8 and ::1, linklocal is
 * 169.254.0.0/16 and fe80::/10, uniquelocal is 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and fc00::/7.
 */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

const ACCEPTED = 'true, false, or a comma-separated list of proxy addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8'

/**
 * Parses PIGEON_TRUST_PROXY. Accepts `true`, `false`, and lists of IPv4 or IPv6 addresses, CIDR
 * ranges with a prefix length, and the names loopback, linklocal and uniquelocal. Returns a
 * message naming the variable, the value and the accepted forms for anything else.
 *
 * @remarks Limitation: hop counts, which Fastify 4 accepted, are rejected. Fastify 5 ignores them
 * because a hop count cannot tell a proxy from a client that connects directly.
 */
export function parseTrustProxy(raw: string): Result<TrustProxy, string> {
  const value = raw.trim()
  if (value === 'false') return ok(false)
  if (value === 'true') return ok(true)
  if (/^\d+$/.test(value)) {
    return err(`PIGEON_TRUST_PROXY is "${value}", but hop counts are not supported because they trust whoever connects directly; list the proxy's addresses instead, such as 127.0.0.1 or 10.0.0.0/8`)
  }

  const entries = value.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    const problem = entryProblem(entry)
    if (problem !== null) return err(`PIGEON_TRUST_PROXY is "${raw}": ${problem}; use ${ACCEPTED}`)
  }

  return ok(entries.join(','))
}

/** Names what is wrong with one list entry, or returns null when proxy-addr accepts it. */
function entryProblem(entry: string): string | null {
  if (entry === '') return 'the list has an empty entry'
  if (RANGE_NAMES.has(entry)) return null

  const slash = entry.indexOf('/')
  const address = slash === -1 ? entry : entry.slice(0, slash)
  const version = isIP(address)
  // A zone index such as fe80::1%eth0 names a local interface, which proxy-addr cannot match.
  if (version === 0 || address.includes('%')) return `"${address}" is not an IP address`
  if (slash === -1) return null

  const prefix = entry.slice(slash + 1)
  const maxPrefix = version === 4 ? 32 : 128
  // proxy-addr rejects a prefix of 0; trusting every address is what `true` is for.
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) < 1 || Number(prefix) > maxPrefix) {
    return `"${entry}" needs a prefix length from 1 to ${maxPrefix} after the slash`
  }

  return null
}
