import { describe, expect, it } from 'vitest'
import { clientAddressKey } from './clientAddress.ts'

describe('clientAddressKey', () => {
  it('default', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7')
  })

  it('behavior: an IPv4-mapped IPv6 address counts as the IPv4 address', () => {
    expect(clientAddressKey('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(clientAddressKey('::FFFF:10.1.2.3')).toBe('10.1.2.3')
  })

  it('behavior: IPv6 addresses of one /64 share a key', () => {
    const a = clientAddressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')
    expect(a).toBe('2001:db8:1:2::/64')
    expect(clientAddressKey('2001:0db8:0001:0002::1')).toBe(a)
    expect(clientAddressKey('2001:db8:1:3::1')).not.toBe(a)
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64')
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(clientAddressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64')
  })

  it('behavior: a missing address has one shared key', () => {
    expect(clientAddressKey(undefined)).toBe('unknown')
    expect(clientAddressKey('')).toBe('unknown')
  })
})
