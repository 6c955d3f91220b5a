import { isIPv6 } from 'node:net'

/**
 * The key per-client limits (request rate, WebSocket connections) count under: the peer's IPv4
 * address, or the /64 prefix of an IPv6 one, since a single host usually holds a whole /64 and could
 * otherwise rotate through it. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) count as the IPv4 address.
 * Forwarding headers (`X-Forwarded-For`) are deliberately ignored: they are client-controlled unless a
 * trusted proxy sets them, and behind a proxy every client shares the proxy's address (limit there).
 */
export function clientAddressKey(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined || remoteAddress === '') return 'unknown'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress)
  if (mapped) return mapped[1]
  if (!isIPv6(remoteAddress)) return remoteAddress
  const groups = expandIPv6(remoteAddress)
  return `${groups.slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of an IPv6 address, lowercase and without leading zeros. */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0] // drop a zone id (fe80::1%eth0)
  const [head, tail] = bare.includes('::') ? bare.split('::') : [bare, undefined]
  const parse = (part: string | undefined) => (part ? part.split(':') : [])
  const left = parse(head)
  const right = parse(tail)
  // A trailing dotted quad (::ffff:1.2.3.4 handled above; e.g. 64:ff9b::1.2.3.4) fills the last two groups.
  const last = right.length > 0 ? right : left
  if (last.length > 0 && last[last.length - 1].includes('.')) {
    const octets = last.pop()!.split('.').map(Number)
    last.push(((octets[0] << 8) | octets[1]).toString(16), ((octets[2] << 8) | octets[3]).toString(16))
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16).toString(16))
}
