import { BlockList, isIPv4, isIPv6 } from 'node:net'

// Addresses that are not reachable on the public internet, after the IANA special-purpose
// registries (RFC 6890 and its updates): loopback, private networks, link-local, shared address
// space, documentation ranges, multicast and reserved space.
const NON_PUBLIC = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4')
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6')
}

// IPv6 forms that carry an IPv4 address in their last 32 bits: IPv4-mapped (::ffff:0:0/96) and
// the NAT64 well-known prefix (64:ff9b::/96). The embedded address decides.
const EMBEDDED_IPV4 = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i

/** True when `address` (an IPv4 or IPv6 literal) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  if (isIPv4(address)) return !NON_PUBLIC.check(address, 'ipv4')
  if (!isIPv6(address)) return false

  const embedded = EMBEDDED_IPV4.exec(address)
  if (embedded !== null) return isPublicAddress(embedded[1] ?? hexPairToIpv4(embedded[2]!, embedded[3]!))

  return !NON_PUBLIC.check(address, 'ipv6')
}

function hexPairToIpv4(high: string, low: string): string {
  const value = (parseInt(high, 16) << 16) | parseInt(low, 16)
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.')
}
