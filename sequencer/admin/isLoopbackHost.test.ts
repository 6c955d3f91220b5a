import { describe, expect, test } from 'vitest'
import { isLoopbackHost } from './isLoopbackHost.ts'

describe('isLoopbackHost', () => {
  test('default', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]'])
      expect(isLoopbackHost(h), h).toBe(true)
  })

  test('behavior: IPv6 spellings of loopback', () => {
    for (const h of ['0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::ffff:7f00:1]']) expect(isLoopbackHost(h), h).toBe(true)
  })

  test('behavior: anything else is not loopback', () => {
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      '192.168.1.2',
      'example.com',
      'localhost.example.com',
      '::2',
      '::ffff:10.0.0.1',
      '',
    ])
      expect(isLoopbackHost(h), h).toBe(false)
  })
})
