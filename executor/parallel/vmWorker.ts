import { parentPort } from 'node:worker_threads'
import { createTxFromRLP } from '@ethereumjs/tx'
import { Address, hexToBytes } from '@ethereumjs/util'
import { runTx } from '@ethereumjs/vm'
import type { Hex } from 'viem'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { keccak256 } from '../../core/crypto/keccak256.ts'
import { recoverSender } from '../../core/crypto/recoverSender.ts'
import { orderedTrieRoot } from '../../core/trie/orderedTrieRoot.ts'
import { createExecutionVm } from '../createExecutionVm.ts'
import { tryFastTransfer } from '../fastTransfer.ts'
import { toEjsBlock } from '../sequential.ts'
import { createDiffView, createFlatState, type DiffView, type FlatState, pruneNoopWrites } from '../state/diffView.ts'
import { decodeTrustedTx } from '../trustedTx.ts'
import { type FromWorker, type ToWorker, type TxOutcome, unpackItems } from './messages.ts'

// A VM worker: keeps a replica of the head state (seeded once, then one diff per block) and runs
// lanes of transactions speculatively, each lane from the block's pre-state, recording what each
// tx read and wrote. It never decides anything: the main thread validates and merges.

const port = parentPort!
let state: FlatState | undefined
let version = ''
let vmPromise: ReturnType<typeof setup> | undefined
let blockHashes = new Map<bigint, Uint8Array>()
let session: { run: number; base: DiffView; lanes: Map<number, DiffView> } | undefined

async function setup(chainId: number, hardfork: string) {
  const common = createChainCommon({ chainId, hardfork })
  const { vm, overlay } = await createExecutionVm({ common, blockHash: (n) => blockHashes.get(n), trackDepth: true })
  return { common, vm, overlay }
}

const post = (m: FromWorker) => port.postMessage(m)

// Messages are handled one at a time, in order: a block's runLanes messages share lane views, and a
// handler must not start while an earlier one is still awaiting.
let queue: Promise<void> = Promise.resolve()
port.on('message', (msg: ToWorker) => {
  queue = queue.then(() => handle(msg))
})

async function handle(msg: ToWorker): Promise<void> {
  try {
    if (msg.type === 'init') {
      state = createFlatState(msg.snapshot)
      session = undefined
      version = msg.version
      vmPromise = setup(msg.chainId, msg.hardfork)
      await vmPromise
      post({ type: 'ready', version })
    } else if (msg.type === 'applyDiff') {
      state!.applyDiff(msg.diff)
      session = undefined
      version = msg.version
    } else if (msg.type === 'recover') {
      const { common } = await vmPromise!
      const addresses = new Uint8Array(msg.txs.length * 20)
      const publicKeys = new Uint8Array(msg.txs.length * 64)
      const failed: number[] = []
      msg.txs.forEach(([offset, length], i) => {
        const raw = msg.raw.subarray(offset, offset + length)
        // Straight from the bytes when it can (no tx object); else ethereumjs, which may throw.
        const fast = recoverSender(raw)
        if (fast) {
          publicKeys.set(fast.publicKey, i * 64)
          addresses.set(fast.address, i * 20)
          return
        }
        try {
          const tx = createTxFromRLP(raw, { common })
          const pub = tx.getSenderPublicKey()
          publicKeys.set(pub, i * 64)
          addresses.set(keccak256(pub).subarray(12), i * 20)
        } catch {
          failed.push(i)
        }
      })
      post({ type: 'recovered', id: msg.id, addresses, publicKeys, failed })
    } else if (msg.type === 'orderedRoots') {
      post({ type: 'orderedRoots', id: msg.id, roots: msg.lists.map((list) => orderedTrieRoot(unpackItems(list))) })
    } else if (msg.type === 'runLanes') {
      if (msg.version !== version) throw new Error(`replica at ${version}, block wants ${msg.version}`)
      const t0 = performance.now()
      const { common, vm, overlay } = await vmPromise!
      blockHashes = new Map(msg.blockHashes)
      const block = toEjsBlock(common, msg.env)
      const coinbase = msg.env.coinbase.toLowerCase() as Hex
      // Lane views live for one block execution (`run`), across its messages: a block's txs may come in
      // several, as their senders are recovered. Each tx runs on its own lane's view of the pre-state.
      if (session?.run !== msg.run)
        session = { run: msg.run, base: createDiffView(state!, msg.systemDiff), lanes: new Map() }
      const { base, lanes } = session
      let outcomes: TxOutcome[] = []
      const send = (out: TxOutcome) => {
        outcomes.push(out)
        if (outcomes.length < PROGRESS_EVERY) return
        post({ type: 'lanesProgress', id: msg.id, outcomes })
        outcomes = []
      }
      for (const entry of msg.txs) {
        const lane = entry[4]
        let laneView = lanes.get(lane)
        if (!laneView) lanes.set(lane, (laneView = createDiffView(base)))
        const [index, offset, length, sender] = entry
        // the main thread holds the tx these bytes came from, decoded and validated there: no second validation
        const tx = decodeTrustedTx(msg.raw.subarray(offset, offset + length), common)
        const from = new Address(hexToBytes(sender))
        Object.defineProperty(tx, 'getSenderAddress', { value: () => from })
        overlay.reset(laneView)
        overlay.reads = new Set()
        overlay.coinbase = coinbase
        overlay.execDepth = 0
        overlay.coinbaseTouched = sender === coinbase || tx.to?.toString() === coinbase
        let out: TxOutcome
        const fast = tryFastTransfer(tx, sender, overlay, msg.env, coinbase)
        if (fast) {
          const writes = overlay.takeDiff()
          out =
            'invalid' in fast
              ? { ...NO_EFFECT, index, invalid: fast.invalid, reads: [...overlay.reads], writes: emptyDiff() }
              : {
                  ...NO_EFFECT,
                  index,
                  status: 1,
                  gasUsed: fast.gasUsed,
                  minerValue: fast.minerValue,
                  reads: [...overlay.reads],
                  writes,
                }
          if (!('invalid' in fast)) laneView.apply(writes)
          send(out)
          continue
        }
        try {
          const r = await runTx(vm, { tx, block, blockGasUsed: 0n })
          const writes = overlay.takeDiff()
          if (!overlay.coinbaseTouched) writes.accounts.delete(coinbase)
          pruneNoopWrites(writes, laneView)
          out = {
            index,
            status: (r.receipt as { status: 0 | 1 }).status,
            gasUsed: r.totalGasSpent,
            logs: r.receipt.logs as TxOutcome['logs'],
            bloom: r.bloom.bitvector,
            createdAddress: r.createdAddress ? (r.createdAddress.toString() as Hex) : null,
            minerValue: r.minerValue,
            reads: [...overlay.reads],
            writes,
            coinbaseTouched: overlay.coinbaseTouched,
          }
          laneView.apply(writes)
        } catch (err) {
          overlay.takeDiff()
          out = {
            index,
            invalid: (err as Error).message,
            status: 0,
            gasUsed: 0n,
            logs: [],
            bloom: new Uint8Array(256),
            createdAddress: null,
            minerValue: 0n,
            reads: [...overlay.reads],
            writes: { accounts: new Map(), storage: new Map(), code: new Map() },
            coinbaseTouched: overlay.coinbaseTouched,
          }
        }
        send(out)
      }
      overlay.reads = undefined
      post({ type: 'lanesDone', id: msg.id, outcomes, ms: performance.now() - t0 })
    }
  } catch (err) {
    post({
      type: 'error',
      id: (msg as { id?: number }).id,
      message: (err as Error).message,
      stack: (err as Error).stack,
    })
  }
}

/** Outcomes per progress message: ~30-60 ms of ERC-20 transfers, so that the merge trails closely. */
const PROGRESS_EVERY = 128
const ZERO_BLOOM = new Uint8Array(256)
const emptyDiff = () => ({ accounts: new Map(), storage: new Map(), code: new Map() })
const NO_EFFECT = {
  status: 0 as 0 | 1,
  gasUsed: 0n,
  logs: [] as TxOutcome['logs'],
  bloom: ZERO_BLOOM,
  createdAddress: null,
  minerValue: 0n,
  coinbaseTouched: false,
}
