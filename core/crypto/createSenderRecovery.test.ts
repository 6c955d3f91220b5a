import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createSenderRecovery } from './createSenderRecovery.ts'

describe('createSenderRecovery', () => {
  it('recovers a burst of concurrent requests on its thread, each answer to its own request', async () => {
    const accounts = Array.from({ length: 5 }, (_, i) =>
      privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, '0')}`),
    )
    const signed = await Promise.all(
      Array.from({ length: 150 }, (_, k) =>
        accounts[k % 5].signTransaction({
          type: 'eip1559',
          chainId: 901901,
          nonce: k,
          maxFeePerGas: 10n,
          maxPriorityFeePerGas: 1n,
          gas: 21000n,
          to: accounts[(k + 1) % 5].address,
        }),
      ),
    )
    const recovery = createSenderRecovery({ threads: 2 })
    try {
      const garbage = hexToBytes('0x02c0')
      const got = await Promise.all([...signed.map((s) => recovery.recover(hexToBytes(s))), recovery.recover(garbage)])
      for (let k = 0; k < signed.length; k++)
        expect(bytesToHex(got[k]!.address)).toBe(accounts[k % 5].address.toLowerCase())
      expect(got[150]).toBeUndefined()
      // Later turns still answer (the thread is reused, then another one).
      expect(bytesToHex((await recovery.recover(hexToBytes(signed[7])))!.address)).toBe(
        accounts[2].address.toLowerCase(),
      )
    } finally {
      await recovery.close()
    }
    // Once closed, requests are declined (the caller recovers them itself), never left hanging.
    expect(await recovery.recover(hexToBytes(signed[0]))).toBeUndefined()
  })
})
