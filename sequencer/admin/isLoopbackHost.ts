import { isIPv4, isIPv6 } from 'node:net'

/**
 * Whether `host` (a bind address or a Host header's name) only reaches this machine: `localhost` (and
 * `*.localhost`, RFC 6761), 127.0.0.0/8, ::1, and IPv4-mapped 127.0.0.0/8. Other names are not resolved:
 * what a name points at can change, so only these count.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (isIPv4(h)) return h.startsWith('127.')
  if (!isIPv6(h)) return false
  // the URL parser writes an IPv6 address in one canonical form: ::1, ::ffff:7f00:1 for ::ffff:127.0.0.1
  const canonical = new URL(`http://[${h}]/`).hostname
  return canonical === '[::1]' || canonical.startsWith('[::ffff:7f')
}
