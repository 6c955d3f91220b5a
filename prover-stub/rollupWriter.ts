import {
  type Address,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  type TypedDataDomain,
  BaseError as ViemError,
  type WalletClient,
} from 'viem'
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts'
import { rollupDomain } from '../contracts/deploy.ts'
import { rollupAbi } from '../contracts/generated/Rollup.ts'
import { BaseError } from '../core/errors/base.ts'

/** The prover's hands on L1: reads, and `attest` / `dispute` calls signed with its key. */
export type RollupWriter = {
  l1: PublicClient
  account: PrivateKeyAccount
  rollup: Address
  /** The rollup's EIP-712 domain (asks the L1 for its chain id once). */
  domain(): Promise<TypedDataDomain>
  /** Sends `functionName(args)` to the rollup from the prover's account and waits for its receipt. */
  send(call: RollupCall): Promise<{ txHash: Hex; status: 'success' | 'reverted' }>
}

/** A state-changing call a prover makes. */
export type RollupCall =
  | { functionName: 'attest'; args: readonly [bigint, Hex, Hex] }
  | { functionName: 'dispute'; args: readonly [bigint, Hex, Hex] }

/** Parameters for {@link createRollupWriter}. */
export type CreateRollupWriterParameters = {
  l1RpcUrl: string
  rollup: Address
  proverKey: Hex
  /** How long to wait for a receipt before the job is retried (default 60 s). */
  receiptTimeoutMs?: number
}

/** The L1 did not mine a prover's call within the timeout. */
export class ReceiptTimeoutError extends BaseError {
  override name = 'ReceiptTimeoutError' as const
  constructor({ txHash, cause }: { txHash: Hex; cause: unknown }) {
    super(`transaction ${txHash} was not mined in time`, { cause, retryable: true })
  }
}

/** The custom error a rollup call reverted with (`AttestationOutOfOrder`, …), if that is why it failed. */
export function revertName(err: unknown): string | undefined {
  if (!(err instanceof ViemError)) return undefined
  const r = err.walk((e) => e instanceof ContractFunctionRevertedError)
  return r instanceof ContractFunctionRevertedError ? (r.data?.errorName ?? r.reason) : undefined
}

/** Creates the prover's L1 clients. Nothing is sent until `send`. */
export function createRollupWriter(p: CreateRollupWriterParameters): RollupWriter {
  const transport = http(p.l1RpcUrl, { retryCount: 0, timeout: 15_000 })
  const l1 = createPublicClient({ transport, pollingInterval: 250, cacheTime: 0 }) as PublicClient
  const account = privateKeyToAccount(p.proverKey)
  const wallet: WalletClient = createWalletClient({ account, transport })
  let chainId: number | undefined
  return {
    l1,
    account,
    rollup: p.rollup,
    async domain() {
      chainId ??= await l1.getChainId()
      return rollupDomain(chainId, p.rollup)
    },
    async send(call) {
      chainId ??= await l1.getChainId()
      // Estimating the gas runs the call: a revert surfaces here, with the contract's error name.
      const txHash = await wallet.writeContract({
        address: p.rollup,
        abi: rollupAbi,
        functionName: call.functionName,
        args: call.args,
        account,
        chain: null,
      })
      try {
        const r = await l1.waitForTransactionReceipt({ hash: txHash, timeout: p.receiptTimeoutMs ?? 60_000 })
        return { txHash, status: r.status }
      } catch (cause) {
        throw new ReceiptTimeoutError({ txHash, cause })
      }
    },
  }
}
