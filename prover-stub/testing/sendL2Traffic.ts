// L2 traffic for the prover tests: ETH transfers, a contract deployment, and calls that write storage
// and emit logs, sent through a running node's JSON-RPC.
import { createPublicClient, createWalletClient, type Hex, http, keccak256, parseEther, toHex } from 'viem'
import { compileContractFiles } from '../../contracts/compile.ts'
import { chainOf, devAccounts, type RunningTarget } from '../../test/e2e/harness.ts'

let emitter: ReturnType<typeof compileContractFiles>['Emitter'] | undefined

/** Sends `transfers` transfers (dev accounts 3..8), deploys Emitter and calls it; returns the last block that included one. */
export async function sendL2Traffic(
  node: RunningTarget,
  { transfers = 6 }: { transfers?: number } = {},
): Promise<bigint> {
  emitter ??= compileContractFiles(['src/Emitter.sol']).Emitter
  const chain = chainOf(node)
  const transport = http(node.url)
  const l2 = createPublicClient({ chain, transport, pollingInterval: 50 })
  const hashes: Hex[] = []
  for (let i = 0; i < transfers; i++) {
    const from = devAccounts[3 + (i % 6)]
    const wallet = createWalletClient({ chain, account: from.account, transport })
    hashes.push(await wallet.sendTransaction({ to: devAccounts[9].address, value: parseEther('0.001') }))
  }
  const deployer = createWalletClient({ chain, account: devAccounts[2].account, transport })
  const deploy = await deployer.deployContract({ abi: emitter.abi, bytecode: emitter.bytecode })
  const created = await l2.waitForTransactionReceipt({ hash: deploy, timeout: 30_000 })
  if (created.status !== 'success' || !created.contractAddress) throw new Error('Emitter deployment failed')
  const address = created.contractAddress
  hashes.push(deploy)
  hashes.push(
    await deployer.writeContract({ address, abi: emitter.abi, functionName: 'set', args: [7n, 42n] }),
    await deployer.writeContract({
      address,
      abi: emitter.abi,
      functionName: 'note',
      args: [keccak256(toHex('derive')), 'rebuilt from L1 alone'],
    }),
  )
  let last = 0n
  for (const hash of hashes) {
    const r = await l2.waitForTransactionReceipt({ hash, timeout: 30_000 })
    if (r.status !== 'success') throw new Error(`L2 tx ${hash} failed`)
    if (r.blockNumber > last) last = r.blockNumber
  }
  return last
}
