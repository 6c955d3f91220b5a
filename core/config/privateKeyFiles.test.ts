import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type ConfigError, privateKeysOf, readConfig } from './config.ts'

const dir = mkdtempSync(join(tmpdir(), 'keyfiles-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6' // Anvil account 3

let n = 0
function keyFile(contents: string, mode = 0o600): string {
  const path = join(dir, `key-${n++}`)
  writeFileSync(path, contents)
  chmodSync(path, mode)
  return path
}

function configError(env: Record<string, string>): ConfigError {
  try {
    readConfig(env)
  } catch (err) {
    return err as ConfigError
  }
  throw new Error('expected a configuration error')
}

describe('private keys from files (<NAME>_FILE)', () => {
  it('default', () => {
    const config = readConfig({ BATCHER_PRIVATE_KEY_FILE: keyFile(`${KEY}\n`) })
    expect(config.BATCHER_PRIVATE_KEY).toBe(KEY)
  })

  it('behavior: every key variable has a _FILE twin; a bare hex key without 0x is accepted', () => {
    const file = keyFile(KEY.slice(2))
    const config = readConfig({
      DEPLOYER_PRIVATE_KEY_FILE: file,
      BATCHER_PRIVATE_KEY_FILE: file,
      PROVER_PRIVATE_KEY_FILE: file,
    })
    expect(privateKeysOf(config)).toEqual([KEY, KEY, KEY])
  })

  it('behavior: stricter modes than 0600 are fine', () => {
    expect(readConfig({ PROVER_PRIVATE_KEY_FILE: keyFile(KEY, 0o400) }).PROVER_PRIVATE_KEY).toBe(KEY)
  })

  it.skipIf(process.platform === 'win32')(
    'error: a key file others may read is refused, and the message never shows the key',
    () => {
      const err = configError({ BATCHER_PRIVATE_KEY_FILE: keyFile(KEY, 0o644) })
      expect(err.issues).toEqual([expect.stringMatching(/^BATCHER_PRIVATE_KEY_FILE: .* \(mode 644\); chmod 600 it$/)])
      expect(err.message).not.toContain(KEY.slice(2))
    },
  )

  it('error: a key and its file together are ambiguous', () => {
    const err = configError({ BATCHER_PRIVATE_KEY: KEY, BATCHER_PRIVATE_KEY_FILE: keyFile(KEY) })
    expect(err.issues).toEqual([
      'BATCHER_PRIVATE_KEY_FILE: set BATCHER_PRIVATE_KEY or BATCHER_PRIVATE_KEY_FILE, not both',
    ])
  })

  it('error: a missing file, and a file that holds no key, are reported with every other problem at once', () => {
    const garbage = `${KEY.slice(0, 40)}zz`
    const err = configError({
      DEPLOYER_PRIVATE_KEY_FILE: join(dir, 'missing'),
      PROVER_PRIVATE_KEY_FILE: keyFile(garbage),
      CHAIN_ID: 'x',
    })
    expect(err.issues).toEqual([
      expect.stringMatching(/^DEPLOYER_PRIVATE_KEY_FILE: cannot read .*missing \(ENOENT\)$/),
      expect.stringMatching(/^CHAIN_ID: /),
      'PROVER_PRIVATE_KEY: expected a 32-byte hex private key',
    ])
    expect(err.message).not.toContain(garbage)
  })
})
