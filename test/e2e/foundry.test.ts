// Foundry against the target: `forge create` an OpenZeppelin ERC-20, `cast send`/`cast call`/`cast balance`
// with exact values, and `forge script` deploying through the CREATE2 deployer at the predicted address.
//
// Everything runs offline: forge compiles through contracts/tools/solc-forge.mjs (npm solc), HOME points to a
// temp dir (no ~/.foundry reads/writes), and the broadcast logs go to a temp dir (FOUNDRY_BROADCAST).
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  type Address,
  createPublicClient,
  getAddress,
  getContractAddress,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  toBytes,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTRACTS_DIR, devAccounts, foundryBin, type RunningTarget, SOLC_FORGE, startTarget } from './harness.ts'

const execFileP = promisify(execFile)

/** keccak256('parallel-rollup/e2e/create2'), the SALT constant in contracts/script/Create2Deploy.s.sol */
const SALT = keccak256(toBytes('parallel-rollup/e2e/create2'))
const CREATE2_DEPLOYER: Address = '0x4e59b44847b379578588920ca78fbf26c0b4956c'
/** runtime code of the deterministic-deployment-proxy (Arachnid) that forge expects at CREATE2_DEPLOYER */
const CREATE2_DEPLOYER_CODE =
  '0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3'

const SUPPLY = 1_000_000n * 10n ** 18n

let t: RunningTarget
let pub: PublicClient
let scratch: string
let buildOutput = ''
const deployer = devAccounts[0]

async function foundry(tool: 'forge' | 'cast', args: string[], timeoutMs = 120_000) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: path.join(scratch, 'home'), // no global ~/.foundry config or caches
    FOUNDRY_BROADCAST: path.join(scratch, 'broadcast'),
    NO_COLOR: '1',
    FOUNDRY_DISABLE_NIGHTLY_WARNING: '1',
  }
  delete env.ETH_RPC_URL
  delete env.FOUNDRY_PROFILE
  try {
    return await execFileP(foundryBin(tool), args, {
      cwd: CONTRACTS_DIR,
      env,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string; code?: unknown; signal?: unknown }
    throw new Error(
      `${tool} ${args.join(' ')} failed (code=${String(err.code)} signal=${String(err.signal)})\n` +
        `--- stdout ---\n${err.stdout ?? ''}\n--- stderr ---\n${err.stderr ?? ''}\n--- target logs ---\n${t.logs().slice(-4000)}`,
    )
  }
}

const rpcArgs = (pk: Hex = deployer.privateKey) => ['--rpc-url', t.url, '--private-key', pk]

async function castCallUint(to: Address, sig: string, ...args: string[]): Promise<bigint> {
  const { stdout } = await foundry('cast', ['call', to, sig, ...args, '--rpc-url', t.url, '--json'])
  const out = JSON.parse(stdout) as string[]
  return BigInt(out[0])
}

async function castBalance(addr: Address): Promise<bigint> {
  const { stdout } = await foundry('cast', ['balance', addr, '--rpc-url', t.url])
  return BigInt(stdout.trim())
}

/** forge create --json pretty-prints one object; take the last top-level `{ ... }` block of stdout */
function lastJsonObject(stdout: string): unknown {
  const text = stdout.trim()
  const start = text.startsWith('{') ? 0 : text.lastIndexOf('\n{') + 1
  return JSON.parse(text.slice(start))
}

function artifact(file: string, name: string): { bytecode: Hex; deployedBytecode: Hex } {
  const json = JSON.parse(readFileSync(path.join(CONTRACTS_DIR, 'out', file, `${name}.json`), 'utf8'))
  return { bytecode: json.bytecode.object, deployedBytecode: json.deployedBytecode.object }
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'foundry-e2e-'))
  t = await startTarget({ client: 'foundry' })
  pub = createPublicClient({ transport: http(t.url) })
  // compile everything once (forge create / script only compile what they need)
  buildOutput = (await foundry('forge', ['build', '--use', SOLC_FORGE, '--offline'], 180_000)).stdout
})

afterAll(async () => {
  await t?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

describe('foundry (forge + cast)', () => {
  let token: Address

  it('forge build works offline through the npm-solc wrapper', () => {
    expect(buildOutput).toMatch(/Compiler run successful|No files changed/)
    expect(artifact('Emitter.sol', 'Emitter').bytecode).toMatch(/^0x6080/)
    expect(artifact('TestToken.sol', 'TestToken').bytecode).toMatch(/^0x6080/)
  })

  it('cast reads chain id and block number', async () => {
    const { stdout: id } = await foundry('cast', ['chain-id', '--rpc-url', t.url])
    expect(Number(id.trim())).toBe(t.chainId)
    const { stdout: bn } = await foundry('cast', ['block-number', '--rpc-url', t.url])
    expect(BigInt(bn.trim())).toBe(await pub.getBlockNumber())
  })

  it('forge create deploys the OpenZeppelin ERC-20 at the CREATE address', async () => {
    const nonce = await pub.getTransactionCount({ address: deployer.address })
    const { stdout } = await foundry(
      'forge',
      [
        'create',
        'src/TestToken.sol:TestToken',
        '--broadcast',
        ...rpcArgs(),
        '--use',
        SOLC_FORGE,
        '--offline',
        '--json',
        // variadic: must come last
        '--constructor-args',
        SUPPLY.toString(),
      ],
      180_000,
    )
    const out = lastJsonObject(stdout) as {
      deployer: Address
      deployedTo: Address
      transactionHash: Hex
    }
    expect(out.deployer).toBe(deployer.address)
    expect(out.deployedTo).toBe(getContractAddress({ from: deployer.address, nonce: BigInt(nonce) }))
    token = out.deployedTo
    const receipt = await pub.getTransactionReceipt({ hash: out.transactionHash })
    expect(receipt.status).toBe('success')
    expect(getAddress(receipt.contractAddress!)).toBe(token)
    expect(await pub.getCode({ address: token })).toBe(artifact('TestToken.sol', 'TestToken').deployedBytecode)
    expect(await castCallUint(token, 'totalSupply()(uint256)')).toBe(SUPPLY)
    expect(await castCallUint(token, 'balanceOf(address)(uint256)', deployer.address)).toBe(SUPPLY)
  })

  it('cast send transfer(address,uint256) moves exact token amounts and charges exact gas', async () => {
    const to = privateKeyToAccount(generatePrivateKey()).address
    const amount = 123_456_789_000_000_000_000n
    const ethBefore = await castBalance(deployer.address)
    const { stdout } = await foundry('cast', [
      'send',
      token,
      'transfer(address,uint256)',
      to,
      amount.toString(),
      ...rpcArgs(),
      '--json',
    ])
    const receipt = JSON.parse(stdout) as {
      status: Hex
      gasUsed: Hex
      effectiveGasPrice: Hex
      logs: Array<{ address: string; topics: Hex[] }>
      transactionHash: Hex
    }
    expect(receipt.status).toBe('0x1')
    expect(receipt.logs).toHaveLength(1)
    expect(getAddress(receipt.logs[0].address)).toBe(token)
    expect(await castCallUint(token, 'balanceOf(address)(uint256)', to)).toBe(amount)
    expect(await castCallUint(token, 'balanceOf(address)(uint256)', deployer.address)).toBe(SUPPLY - amount)
    expect(await castBalance(to)).toBe(0n)
    const fee = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)
    expect(ethBefore - (await castBalance(deployer.address))).toBe(fee)
    const viaViem = await pub.getTransactionReceipt({ hash: receipt.transactionHash })
    expect(viaViem.gasUsed).toBe(BigInt(receipt.gasUsed))
  })

  it('cast send --value transfers exact wei; cast balance agrees', async () => {
    const from = devAccounts[1]
    const to = privateKeyToAccount(generatePrivateKey()).address
    const before = await castBalance(from.address)
    const { stdout } = await foundry('cast', ['send', to, '--value', '1234567', ...rpcArgs(from.privateKey), '--json'])
    const r = JSON.parse(stdout) as { status: Hex; gasUsed: Hex; effectiveGasPrice: Hex }
    expect(r.status).toBe('0x1')
    expect(BigInt(r.gasUsed)).toBe(21_000n)
    expect(await castBalance(to)).toBe(1_234_567n)
    expect(before - (await castBalance(from.address))).toBe(1_234_567n + 21_000n * BigInt(r.effectiveGasPrice))
  })

  it('forge script deploys Emitter through the CREATE2 deployer at the predicted address', async () => {
    const { stdout: proxyCode } = await foundry('cast', ['code', CREATE2_DEPLOYER, '--rpc-url', t.url])
    expect(proxyCode.trim(), 'the CREATE2 deployer must be predeployed at genesis').toBe(CREATE2_DEPLOYER_CODE)

    const emitter = artifact('Emitter.sol', 'Emitter')
    const predicted = getContractAddress({
      opcode: 'CREATE2',
      from: CREATE2_DEPLOYER,
      salt: SALT,
      bytecode: emitter.bytecode,
    })
    const { stdout: before } = await foundry('cast', ['code', predicted, '--rpc-url', t.url])
    expect(before.trim()).toBe('0x')

    const { stdout } = await foundry(
      'forge',
      [
        'script',
        'script/Create2Deploy.s.sol:Create2Deploy',
        '--broadcast',
        ...rpcArgs(devAccounts[2].privateKey),
        '--use',
        SOLC_FORGE,
        '--offline',
        '--json',
      ],
      180_000,
    )
    const lines = stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    const result = lines.find((l) => 'returns' in l) as { returns: { emitter: { value: string } }; success: boolean }
    expect(result.success).toBe(true)
    expect(getAddress(result.returns.emitter.value)).toBe(predicted)
    const txs = lines.filter((l) => 'tx_hash' in l) as Array<{ status: string; tx_hash: Hex; contract_name: string }>
    expect(txs).toHaveLength(1)
    expect(txs[0].status).toBe('success')
    const done = lines.find((l) => 'transactions' in l && l.status === 'success') as { transactions: string }
    expect(done.transactions.startsWith(path.join(scratch, 'broadcast'))).toBe(true)
    expect(existsSync(done.transactions)).toBe(true)
    expect(existsSync(path.join(CONTRACTS_DIR, 'broadcast'))).toBe(false)

    const { stdout: code } = await foundry('cast', ['code', predicted, '--rpc-url', t.url])
    expect(code.trim()).toBe(emitter.deployedBytecode)

    const tx = await pub.getTransaction({ hash: txs[0].tx_hash })
    expect(tx.to).toBe(CREATE2_DEPLOYER)
    expect(tx.from).toBe(devAccounts[2].address.toLowerCase())
    expect(tx.input.slice(0, 66)).toBe(SALT) // proxy calldata = salt ++ initcode
    expect(`0x${tx.input.slice(66)}`).toBe(emitter.bytecode)
    const receipt = await pub.getTransactionReceipt({ hash: txs[0].tx_hash })
    expect(receipt.status).toBe('success')
    expect(receipt.contractAddress).toBeNull() // a CALL to the proxy, not a CREATE tx
    expect(await castCallUint(predicted, 'count()(uint256)')).toBe(0n)
  })
})
