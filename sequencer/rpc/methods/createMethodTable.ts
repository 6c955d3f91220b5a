import { bytesToHex, hexToBytes } from '@ethereumjs/util'
import type { Hex } from 'viem'
import { keccak256 } from '../../../core/crypto/keccak256.ts'
import { createSimulator } from '../../../executor/simulate.ts'
import type { Node } from '../../node/createNode.ts'
import { hexDataSchema, parseParams } from '../params.ts'
import type { MethodTable } from '../types.ts'
import { chainMethods } from './chainMethods.ts'
import { feeMethods } from './feeMethods.ts'
import { logMethods } from './logMethods.ts'
import { rollupMethods } from './rollupMethods.ts'
import { stateMethods } from './stateMethods.ts'
import { txMethods } from './txMethods.ts'

/** Every JSON-RPC method the node serves, keyed by name. */
export function createMethodTable(node: Node, { pendingBaseFee }: { pendingBaseFee: () => bigint }) {
  const simulator = createSimulator({ common: node.common, blockHash: node.blockHash })
  const { close, ...logs } = logMethods(node)
  const methods: MethodTable = {
    ...chainMethods(node),
    ...stateMethods(node, simulator),
    ...feeMethods(node, pendingBaseFee),
    ...txMethods(node),
    ...logs,
    ...rollupMethods(node),
    web3_sha3: (params) => {
      const [data] = parseParams(params, [hexDataSchema], { minArgs: 1 })
      return bytesToHex(keccak256(hexToBytes(data as Hex)))
    },
  }
  return { methods, close }
}
