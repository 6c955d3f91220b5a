import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { privateKeysOf, readConfig } from '../config/config.ts'
import { BaseError } from '../errors/base.ts'
import { createLogger } from './logger.ts'

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' // BATCHER_PRIVATE_KEY's default
const BODY = KEY.slice(2)

/** A logger writing into an array of lines. */
function capture(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  const log = createLogger({ level: 'trace', ...options, destination })
  return { log, text: () => lines.join('') }
}

describe('createLogger', () => {
  it('default', () => {
    const { log, text } = capture()
    log.info({ block: 5n, txs: 2 }, 'sealed block')
    expect(JSON.parse(text())).toMatchObject({ name: 'parallel-rollup', block: '5', txs: 2, msg: 'sealed block' })
  })

  it('behavior: logging the whole configuration never prints a private key', () => {
    const config = readConfig({})
    const { log, text } = capture()
    log.info({ config }, 'config')
    log.info(config, 'config, flat')
    log.child({ component: 'x' }).warn({ options: { config } }, 'nested')
    for (const k of privateKeysOf(config)) expect(text().toLowerCase()).not.toContain(k.slice(2).toLowerCase())
    expect(JSON.parse(text().split('\n')[0]).config.BATCHER_PRIVATE_KEY).toBe('[redacted]')
    expect(JSON.parse(text().split('\n')[0]).config.CHAIN_ID).toBe(901901) // the rest stays readable
  })

  it('behavior: key fields are censored under any of their names, in errors too', () => {
    const { log, text } = capture()
    const err = Object.assign(new BaseError('signing failed'), { privateKey: KEY })
    log.error({ err, account: { privateKey: KEY }, batcherKey: KEY, key: KEY }, 'post failed')
    expect(text()).not.toContain(BODY)
    expect(JSON.parse(text())).toMatchObject({
      err: { privateKey: '[redacted]', message: 'signing failed' },
      account: { privateKey: '[redacted]' },
      batcherKey: '[redacted]',
      key: '[redacted]',
    })
  })

  it('behavior: configured secrets are scrubbed from every line, with or without 0x, in any case', () => {
    const { log, text } = capture({ secrets: privateKeysOf(readConfig({})) })
    log.error({ err: new BaseError(`cannot use key ${KEY}`) }, 'failed')
    log.warn(`msg ${BODY.toUpperCase()}`)
    log.child({ url: `http://x/?k=${BODY}` }).info('child binding')
    expect(text().toLowerCase()).not.toContain(BODY)
    expect(text()).toContain('cannot use key 0x[redacted]')
    expect(text().split('\n').filter(Boolean)).toHaveLength(3)
  })

  it('behavior: values too short to be keys are not used for scrubbing', () => {
    const { log, text } = capture({ secrets: ['0x1', 'abc'] })
    log.info({ n: '0x1' }, 'abc')
    expect(JSON.parse(text())).toMatchObject({ n: '0x1', msg: 'abc' })
  })
})
