import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devAccounts } from '../../../core/chain/devAccounts.ts'
import { readConfig } from '../../../core/config/config.ts'
import { createLogger } from '../../../core/log/logger.ts'
import { createNode, type Node } from '../../node/createNode.ts'
import { createDispatcher, type Dispatcher } from '../dispatch.ts'
import { createMethodTable } from './createMethodTable.ts'

let dir: string
let node: Node
let close: () => void
let dispatcher: Dispatcher
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'state-methods-'))
  const log = createLogger({ level: 'silent' })
  node = await createNode({ config: readConfig({ DATA_DIR: dir, EXECUTOR_WORKERS: '0' }), log })
  const table = createMethodTable(node, { pendingBaseFee: () => 1_000_000n })
  close = table.close
  dispatcher = createDispatcher({ methods: table.methods, log })
})
afterAll(async () => {
  close()
  await node.close()
  rmSync(dir, { recursive: true, force: true })
})

const rpc = async (method: string, params: unknown[]) =>
  JSON.parse((await dispatcher.handle(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })))!)

describe('eth_call / eth_estimateGas / eth_createAccessList fee checks (found by dispatch.fuzz.test.ts)', () => {
  const call = { from: devAccounts()[0].address, to: devAccounts()[1].address, value: '0x1' }

  it('default: a call with consistent fees runs', async () => {
    const ok = { ...call, maxFeePerGas: '0x77359400', maxPriorityFeePerGas: '0x1' }
    expect((await rpc('eth_estimateGas', [ok, 'latest'])).result).toBe('0x5208')
  })

  it('error: maxFeePerGas below maxPriorityFeePerGas is -32000 with geth’s message, not an internal error', async () => {
    for (const method of ['eth_call', 'eth_estimateGas', 'eth_createAccessList'])
      expect(
        (await rpc(method, [{ ...call, maxFeePerGas: '0x0', maxPriorityFeePerGas: '0x1' }, 'latest'])).error,
      ).toEqual({ code: -32000, message: 'maxFeePerGas (0x0) < maxPriorityFeePerGas (0x1)' })
  })

  it('error: gasPrice together with EIP-1559 fees is -32000 (geth)', async () => {
    expect((await rpc('eth_call', [{ ...call, gasPrice: '0x1', maxFeePerGas: '0x2' }, 'latest'])).error).toEqual({
      code: -32000,
      message: 'both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified',
    })
  })
})
