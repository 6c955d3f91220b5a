import { type Address, bytesToHex, type Hex } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'

/** The standard test mnemonic shared by Anvil, Hardhat and Foundry. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'

/** A funded development account. */
export type DevAccount = { address: Address; privateKey: Hex }

let cached: DevAccount[] | undefined

/** The first ten accounts of {@link DEV_MNEMONIC} (m/44'/60'/0'/0/i), as every Ethereum dev tool derives them. */
export function devAccounts(): DevAccount[] {
  if (!cached) {
    cached = Array.from({ length: 10 }, (_, i) => {
      const account = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: i })
      const key = account.getHdKey().privateKey
      if (!key) throw new Error('hd key without private key')
      return { address: account.address, privateKey: bytesToHex(key) }
    })
  }
  return cached
}
