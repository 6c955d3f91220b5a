import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readConfig } from '../../../core/config/config.ts'
import { createLogger } from '../../../core/log/logger.ts'
import { createNode, type Node } from '../../node/createNode.ts'
import { createMethodTable } from './createMethodTable.ts'

let dir: string
let node: Node
let table: ReturnType<typeof createMethodTable>
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'methods-'))
  node = await createNode({
    config: readConfig({ DATA_DIR: dir, EXECUTOR_WORKERS: '0' }),
    log: createLogger({ level: 'silent' }),
  })
  table = createMethodTable(node, { pendingBaseFee: () => 1n })
})
afterAll(async () => {
  table.close()
  await node.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('createMethodTable', () => {
  it('behavior: the public table serves only the public namespaces (eth, net, web3, txpool, rollup)', () => {
    const names = Object.keys(table.methods)
    expect(names.length).toBeGreaterThan(40)
    const namespaces = new Set(names.map((n) => n.split('_')[0]))
    expect([...namespaces].sort()).toEqual(['eth', 'net', 'rollup', 'txpool', 'web3'])
  })

  it('behavior: no operator method is public (admin, debug, miner, personal, engine, and dev-node namespaces)', () => {
    const operator = /^(admin|debug|miner|personal|engine|clique|les|evm|anvil|hardhat|ganache|trace)_/
    expect(Object.keys(table.methods).filter((n) => operator.test(n))).toEqual([])
    // txpool_* is public in geth too, but only the read-only views: nothing that changes the pool besides
    // eth_sendRawTransaction (no eth_sendTransaction / eth_sign*: the node holds no user keys).
    expect(Object.keys(table.methods).filter((n) => n.startsWith('txpool_'))).toEqual([
      'txpool_status',
      'txpool_content',
    ])
    for (const name of ['eth_sendTransaction', 'eth_sign', 'eth_signTransaction', 'eth_signTypedData_v4'])
      expect(table.methods, name).not.toHaveProperty(name)
  })
})
