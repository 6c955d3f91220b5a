// Deploys the L1 side of the rollup (Rollup + DepositBridge) with viem, records where it went, and checks a
// recorded deployment against an L1 before it is trusted (a devnet's Anvil may have restarted empty).
//
//   const d = await deployL1Contracts({ l1RpcUrl, deployerKey, batcher, prover, genesisOutputRoot })
//   writeDeployments('data/deployments.json', d)
//   await checkDeployments({ l1RpcUrl, deployments: readDeployments('data/deployments.json')! })
//
// Also the EIP-712 definitions a prover signs with (`attestationTypes`, `disputeTypes`, `rollupDomain`); they
// must equal Rollup.sol's type strings, which contracts/deploy.test.ts proves against a real deployment.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hex,
  http,
  isAddress,
  type TypedDataDomain,
  zeroAddress,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { z } from 'zod'
import { BaseError } from '../core/errors/base.ts'
import { depositBridgeAbi, depositBridgeBytecode } from './generated/DepositBridge.ts'
import { rollupAbi, rollupBytecode } from './generated/Rollup.ts'

/** Where the rollup's L1 contracts live, and what they were deployed with. */
export interface L1Deployments {
  l1ChainId: number
  rollup: Address
  bridge: Address
  /** L1 block of the first deploy transaction (the rollup's): where event scans start. */
  deployBlock: bigint
  batcher: Address
  prover: Address | null
  genesisOutputRoot: Hex
}

/** EIP-712 types of a prover's attestation: `Attestation(uint256 batchIndex,bytes32 outputRoot,bytes32 dataHash)`. */
export const attestationTypes = {
  Attestation: [
    { name: 'batchIndex', type: 'uint256' },
    { name: 'outputRoot', type: 'bytes32' },
    { name: 'dataHash', type: 'bytes32' },
  ],
} as const

/** EIP-712 types of a prover's dispute: `Dispute(uint256 batchIndex,bytes32 claimedOutputRoot,bytes32 computedOutputRoot)`. */
export const disputeTypes = {
  Dispute: [
    { name: 'batchIndex', type: 'uint256' },
    { name: 'claimedOutputRoot', type: 'bytes32' },
    { name: 'computedOutputRoot', type: 'bytes32' },
  ],
} as const

/** The EIP-712 domain of the Rollup contract at `rollup` on chain `l1ChainId`. */
export function rollupDomain(l1ChainId: number, rollup: Address): TypedDataDomain {
  return { name: 'ParallelRollup', version: '1', chainId: l1ChainId, verifyingContract: rollup }
}

/** A deploy transaction was mined but reverted, or created no contract. */
export class DeployTransactionError extends BaseError {
  override name = 'DeployTransactionError' as const
  readonly contract: string
  readonly hash: Hex
  constructor({ contract, hash, status }: { contract: string; hash: Hex; status: string }) {
    super(`the ${contract} deploy transaction failed`, { details: `tx ${hash}, receipt status ${status}` })
    this.contract = contract
    this.hash = hash
  }
}

/** A deployments file exists but does not hold a valid L1Deployments. */
export class DeploymentsFileError extends BaseError {
  override name = 'DeploymentsFileError' as const
  readonly file: string
  readonly problems: string[]
  constructor({ file, problems, cause }: { file: string; problems: string[]; cause?: unknown }) {
    super(`malformed L1 deployments file ${file}`, {
      metaMessages: [...problems, 'Fix or remove the file to deploy again.'],
      cause,
    })
    this.file = file
    this.problems = problems
  }
}

/** A recorded deployment does not match the L1 it is checked against (another chain, or a fresh one). */
export class DeploymentsMismatchError extends BaseError {
  override name = 'DeploymentsMismatchError' as const
  readonly problems: string[]
  constructor({ problems }: { problems: string[] }) {
    super('the recorded L1 deployments do not match the L1 chain', {
      metaMessages: [...problems, 'Was the L1 restarted without its state? Remove the deployments file to redeploy.'],
    })
    this.problems = problems
  }
}

/** Options of deployL1Contracts. */
export interface DeployL1ContractsOptions {
  l1RpcUrl: string
  deployerKey: Hex
  /** the Rollup's admin; defaults to the deployer */
  owner?: Address
  batcher: Address
  /** a first registered prover; none when left out */
  prover?: Address
  genesisOutputRoot: Hex
}

/**
 * Deploys Rollup, then DepositBridge, from `deployerKey`, one transaction at a time: each receipt is awaited
 * (so it works with automine and with `--block-time`) and must have status success.
 */
export async function deployL1Contracts(opts: DeployL1ContractsOptions): Promise<L1Deployments> {
  const account = privateKeyToAccount(opts.deployerKey)
  const transport = http(opts.l1RpcUrl)
  const publicClient = createPublicClient({ transport, pollingInterval: 250 })
  const walletClient = createWalletClient({ account, transport })
  const l1ChainId = await publicClient.getChainId()
  const chain = null // signing uses the chain id the node reports; no viem chain definition is needed

  const deploy = async (contract: string, send: () => Promise<Hex>) => {
    const hash = await send()
    const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 120_000 })
    if (receipt.status !== 'success' || !receipt.contractAddress)
      throw new DeployTransactionError({ contract, hash, status: receipt.status })
    return { address: getAddress(receipt.contractAddress), block: receipt.blockNumber }
  }

  const batcher = getAddress(opts.batcher)
  const prover = opts.prover ? getAddress(opts.prover) : null
  const rollup = await deploy('Rollup', () =>
    walletClient.deployContract({
      chain,
      abi: rollupAbi,
      bytecode: rollupBytecode,
      args: [opts.owner ?? account.address, batcher, prover ?? zeroAddress, opts.genesisOutputRoot],
    }),
  )
  const bridge = await deploy('DepositBridge', () =>
    walletClient.deployContract({ chain, abi: depositBridgeAbi, bytecode: depositBridgeBytecode }),
  )
  return {
    l1ChainId,
    rollup: rollup.address,
    bridge: bridge.address,
    deployBlock: rollup.block,
    batcher,
    prover,
    genesisOutputRoot: opts.genesisOutputRoot,
  }
}

/** Writes `d` as JSON (deployBlock as a decimal string), creating the directory; atomic (temp file + rename). */
export function writeDeployments(file: string, d: L1Deployments): void {
  mkdirSync(path.dirname(file), { recursive: true })
  const json = { ...d, deployBlock: d.deployBlock.toString() }
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(json, null, 2)}\n`)
  renameSync(tmp, file)
}

const address = z.string().refine((s) => isAddress(s, { strict: false }), 'expected a 20-byte hex address')
const deploymentsSchema = z.object({
  l1ChainId: z.number().int().positive(),
  rollup: address,
  bridge: address,
  deployBlock: z.string().regex(/^\d+$/, 'expected a decimal block number'),
  batcher: address,
  prover: address.nullable(),
  genesisOutputRoot: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hex hash'),
})

/** Reads a file written by writeDeployments: undefined if there is none, DeploymentsFileError if malformed. */
export function readDeployments(file: string): L1Deployments | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new DeploymentsFileError({ file, problems: [`not JSON: ${(err as Error).message}`], cause: err })
  }
  const parsed = deploymentsSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new DeploymentsFileError({ file, problems })
  }
  const d = parsed.data
  return {
    l1ChainId: d.l1ChainId,
    rollup: getAddress(d.rollup),
    bridge: getAddress(d.bridge),
    deployBlock: BigInt(d.deployBlock),
    batcher: getAddress(d.batcher),
    prover: d.prover === null ? null : getAddress(d.prover),
    genesisOutputRoot: d.genesisOutputRoot as Hex,
  }
}

/** Options of checkDeployments. */
export interface CheckDeploymentsOptions {
  l1RpcUrl: string
  deployments: L1Deployments
}

/**
 * Throws DeploymentsMismatchError, listing every problem, unless the L1 at `l1RpcUrl` has the recorded chain id,
 * code at the rollup and the bridge, and a rollup whose genesis output root is the recorded one (a fresh L1 that
 * got a new deployment from the same deployer nonce has code at the same addresses, but not the same genesis).
 */
export async function checkDeployments({ l1RpcUrl, deployments: d }: CheckDeploymentsOptions): Promise<void> {
  const client = createPublicClient({ transport: http(l1RpcUrl) })
  const problems: string[] = []
  const chainId = await client.getChainId()
  if (chainId !== d.l1ChainId) problems.push(`chain id: recorded ${d.l1ChainId}, the L1 reports ${chainId}`)
  const [rollupCode, bridgeCode] = await Promise.all([
    client.getCode({ address: d.rollup }),
    client.getCode({ address: d.bridge }),
  ])
  if (!bridgeCode || bridgeCode === '0x') problems.push(`no code at the bridge address ${d.bridge}`)
  if (!rollupCode || rollupCode === '0x') problems.push(`no code at the rollup address ${d.rollup}`)
  else {
    const genesis = await client
      .readContract({ address: d.rollup, abi: rollupAbi, functionName: 'genesisOutputRoot' })
      .catch(() => undefined)
    if (genesis === undefined) problems.push(`the contract at ${d.rollup} is not a Rollup`)
    else if (genesis.toLowerCase() !== d.genesisOutputRoot.toLowerCase())
      problems.push(`genesis output root: recorded ${d.genesisOutputRoot}, the rollup has ${genesis}`)
  }
  if (problems.length > 0) throw new DeploymentsMismatchError({ problems })
}
