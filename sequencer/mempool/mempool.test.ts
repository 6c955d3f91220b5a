import { pino } from 'pino'
import { type Address, type Hex, hexToBytes } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { createChainCommon } from '../../core/chain/createChainCommon.ts'
import { BaseError } from '../../core/errors/base.ts'
import { decodeRawTransaction, type IntakeRules } from './decodeRawTransaction.ts'
import { createMempool, type MempoolDeps } from './mempool.ts'
import type { PooledTx } from './pooledTx.ts'

const CHAIN_ID = 901901
const GWEI = 10n ** 9n
const ETH = 10n ** 18n
const TO = '0x000000000000000000000000000000000000dead' as Address

const KEYS = [
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
] as const
const accounts = KEYS.map((k) => privateKeyToAccount(k))
const addr = (i: number) => accounts[i].address.toLowerCase() as Address

const rules: IntakeRules = {
  common: createChainCommon({ chainId: CHAIN_ID }),
  chainId: BigInt(CHAIN_ID),
  blockGasLimit: 30_000_000n,
  minBaseFee: 1_000_000n,
}

let seq = 0
type TxOpts = {
  from?: number
  nonce?: number
  feeCap?: bigint
  tip?: bigint
  gas?: bigint
  value?: bigint
  legacy?: boolean
}

/** A pool tx from a viem-signed tx, decoded the way the node decodes it. */
async function ptx({
  from = 0,
  nonce = 0,
  feeCap = 10n * GWEI,
  tip = GWEI,
  gas = 21_000n,
  value = 0n,
  legacy,
}: TxOpts = {}): Promise<PooledTx> {
  const raw = legacy
    ? await accounts[from].signTransaction({
        type: 'legacy',
        chainId: CHAIN_ID,
        nonce,
        to: TO,
        value,
        gas,
        gasPrice: feeCap,
      })
    : await accounts[from].signTransaction({
        type: 'eip1559',
        chainId: CHAIN_ID,
        nonce,
        to: TO,
        value,
        gas,
        maxFeePerGas: feeCap,
        maxPriorityFeePerGas: tip,
      })
  return decodeRawTransaction(hexToBytes(raw as Hex), rules, seq++)
}

/** A fake head state: every sender at nonce 0 with 100 ETH unless set. */
function fakeState() {
  const nonces = new Map<Address, bigint>()
  const balances = new Map<Address, bigint>()
  return {
    nonces,
    balances,
    reader: {
      nonce: (a: Address) => nonces.get(a.toLowerCase() as Address) ?? 0n,
      balance: (a: Address) => balances.get(a.toLowerCase() as Address) ?? 100n * ETH,
    },
  }
}

function setup(over: Partial<MempoolDeps> = {}) {
  const state = fakeState()
  const evicted: PooledTx[] = []
  const pool = createMempool({
    state: state.reader,
    log: pino({ level: 'silent' }),
    maxTxs: 100,
    maxPerSender: 16,
    maxNonceGap: 64,
    priceBumpPercent: 10,
    onEvict: (tx) => evicted.push(tx),
    ...over,
  })
  return { pool, state, evicted }
}

/** The error `fn` throws (fails the test if none). */
function rejection(fn: () => unknown): BaseError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(BaseError)
    return err as BaseError
  }
  throw new Error('expected a rejection')
}

const hashes = (txs: PooledTx[]) => txs.map((t) => t.hash)
const nonces = (txs: PooledTx[]) => txs.map((t) => `${t.sender.slice(0, 6)}:${t.nonce}`)

describe('createMempool', () => {
  it('default', async () => {
    const { pool } = setup()
    const tx = await ptx()
    expect(pool.add(tx)).toEqual({})
    expect(pool.size()).toBe(1)
    expect(pool.has(tx.hash)).toBe(true)
    expect(pool.get(tx.hash)).toBe(tx)
    expect(pool.pendingNonce(addr(0))).toBe(1n)
    expect(pool.content()).toEqual({ pending: [tx], queued: [] })
    expect(pool.hasExecutable(GWEI)).toBe(true)
    expect(pool.select({ baseFee: GWEI, maxGas: 30_000_000n, maxTxs: 10 }).txs).toEqual([tx])
  })

  describe('pending and queued', () => {
    it('behavior: a nonce gap queues the later txs', async () => {
      const { pool } = setup()
      const t0 = await ptx({ nonce: 0 })
      const t2 = await ptx({ nonce: 2 })
      const t3 = await ptx({ nonce: 3 })
      pool.add(t3)
      pool.add(t0)
      pool.add(t2)
      expect(pool.content()).toEqual({ pending: [t0], queued: [t2, t3] })
      expect(pool.pendingNonce(addr(0))).toBe(1n)
      expect(pool.select({ baseFee: GWEI, maxGas: 30_000_000n, maxTxs: 10 }).txs).toEqual([t0])
    })

    it('behavior: filling the gap promotes every queued tx after it', async () => {
      const { pool } = setup()
      const t0 = await ptx({ nonce: 0 })
      const t1 = await ptx({ nonce: 1 })
      const t2 = await ptx({ nonce: 2 })
      const t3 = await ptx({ nonce: 3 })
      pool.add(t0)
      pool.add(t2)
      pool.add(t3)
      expect(pool.content().queued).toEqual([t2, t3])
      pool.add(t1)
      expect(pool.content()).toEqual({ pending: [t0, t1, t2, t3], queued: [] })
      expect(pool.pendingNonce(addr(0))).toBe(4n)
      expect(pool.select({ baseFee: GWEI, maxGas: 30_000_000n, maxTxs: 10 }).txs).toEqual([t0, t1, t2, t3])
    })

    it('behavior: txs whose sender has no tx at the state nonce are all queued and not executable', async () => {
      const { pool, state } = setup()
      state.nonces.set(addr(1), 5n)
      const t6 = await ptx({ from: 1, nonce: 6 })
      pool.add(t6)
      expect(pool.content()).toEqual({ pending: [], queued: [t6] })
      expect(pool.pendingNonce(addr(1))).toBe(5n)
      expect(pool.hasExecutable(0n)).toBe(false)
      expect(pool.select({ baseFee: 0n, maxGas: 30_000_000n, maxTxs: 10 }).txs).toEqual([])
    })

    it('behavior: the state nonce advancing (a block) promotes queued txs', async () => {
      const { pool, state } = setup()
      const t1 = await ptx({ nonce: 1 })
      const t2 = await ptx({ nonce: 2 })
      pool.add(t1)
      pool.add(t2)
      expect(pool.content().pending).toEqual([])
      state.nonces.set(addr(0), 1n)
      expect(pool.content()).toEqual({ pending: [t1, t2], queued: [] })
      expect(pool.pendingNonce(addr(0))).toBe(3n)
    })

    it('behavior: pendingNonce is the state nonce for a sender without pool txs', () => {
      const { pool, state } = setup()
      state.nonces.set(addr(2), 42n)
      expect(pool.pendingNonce(addr(2))).toBe(42n)
      expect(pool.pendingNonce(addr(3))).toBe(0n)
    })

    it('behavior: pendingNonce stops at the first gap', async () => {
      const { pool, state } = setup()
      state.nonces.set(addr(0), 3n)
      for (const n of [3, 4, 6, 7]) pool.add(await ptx({ nonce: n }))
      expect(pool.pendingNonce(addr(0))).toBe(5n)
    })

    it('behavior: content keeps senders apart', async () => {
      const { pool } = setup()
      const a0 = await ptx({ from: 0, nonce: 0 })
      const b1 = await ptx({ from: 1, nonce: 1 })
      const b0 = await ptx({ from: 1, nonce: 0 })
      const a2 = await ptx({ from: 0, nonce: 2 })
      for (const t of [a0, b1, b0, a2]) pool.add(t)
      const { pending, queued } = pool.content()
      expect(new Set(hashes(pending))).toEqual(new Set([a0.hash, b0.hash, b1.hash]))
      expect(queued).toEqual([a2])
    })
  })

  describe('replacement', () => {
    it('behavior: a 10% bump on fee cap and tip replaces the tx', async () => {
      const { pool } = setup()
      const old = await ptx({ feeCap: 100n * GWEI, tip: 10n * GWEI })
      pool.add(old)
      const next = await ptx({ feeCap: 110n * GWEI, tip: 11n * GWEI })
      expect(pool.add(next)).toEqual({ replaced: old })
      expect(pool.has(old.hash)).toBe(false)
      expect(pool.get(next.hash)).toBe(next)
      expect(pool.size()).toBe(1)
      expect(pool.content()).toEqual({ pending: [next], queued: [] })
    })

    it('behavior: a queued tx can be replaced too', async () => {
      const { pool } = setup()
      const old = await ptx({ nonce: 5, feeCap: 100n * GWEI, tip: 10n * GWEI })
      pool.add(old)
      const next = await ptx({ nonce: 5, feeCap: 200n * GWEI, tip: 20n * GWEI })
      expect(pool.add(next).replaced).toBe(old)
      expect(pool.content()).toEqual({ pending: [], queued: [next] })
    })

    it('error: a 9% bump on both is underpriced', async () => {
      const { pool } = setup()
      const old = await ptx({ feeCap: 100n * GWEI, tip: 10n * GWEI })
      pool.add(old)
      const next = await ptx({ feeCap: 109n * GWEI, tip: 10_900_000_000n })
      const err = rejection(() => pool.add(next))
      expect(err.name).toBe('ReplacementUnderpricedError')
      expect(err.shortMessage).toBe('replacement transaction underpriced')
      expect(err.details).toBe('both fee cap and tip must rise by at least 10%')
      expect(pool.content()).toEqual({ pending: [old], queued: [] })
    })

    it('error: a bump just under 10% on fee cap and tip is underpriced', async () => {
      const { pool } = setup()
      const old = await ptx({ feeCap: 100n * GWEI, tip: 10n * GWEI })
      pool.add(old)
      for (const [feeCap, tip] of [
        [109n * GWEI, 10_900_000_000n], // 9% on both
        [110n * GWEI - 1n, 11n * GWEI], // fee cap 1 wei short of 10%
        [110n * GWEI, 11n * GWEI - 1n], // tip 1 wei short of 10%
        [200n * GWEI, 10n * GWEI], // only the fee cap rises
        [100n * GWEI, 20n * GWEI], // only the tip rises
        [100n * GWEI, 10n * GWEI - 1n], // cheaper
      ]) {
        const next = await ptx({ feeCap, tip })
        const err = rejection(() => pool.add(next))
        expect(err.name).toBe('ReplacementUnderpricedError')
        expect(err.shortMessage).toBe('replacement transaction underpriced')
        expect(pool.has(next.hash)).toBe(false)
      }
      expect(pool.get(old.hash)).toBe(old)
      expect(pool.size()).toBe(1)
    })

    it('behavior: legacy replacement needs a 10% higher gas price', async () => {
      const { pool } = setup()
      const old = await ptx({ legacy: true, feeCap: 10n * GWEI })
      pool.add(old)
      const low = await ptx({ legacy: true, feeCap: 10_900_000_000n })
      expect(rejection(() => pool.add(low)).shortMessage).toBe('replacement transaction underpriced')
      const ok = await ptx({ legacy: true, feeCap: 11n * GWEI })
      expect(pool.add(ok).replaced).toBe(old)
    })

    it('behavior: a replacement is allowed when the sender is at its cap and the pool is full', async () => {
      const { pool } = setup({ maxTxs: 2, maxPerSender: 2 })
      pool.add(await ptx({ nonce: 0 }))
      const old = await ptx({ nonce: 1, feeCap: 10n * GWEI, tip: GWEI })
      pool.add(old)
      const next = await ptx({ nonce: 1, feeCap: 11n * GWEI, tip: 1_100_000_000n })
      expect(pool.add(next).replaced).toBe(old)
      expect(pool.size()).toBe(2)
    })

    it('error: the same tx again is already known', async () => {
      const { pool } = setup()
      const tx = await ptx()
      pool.add(tx)
      const err = rejection(() => pool.add(tx))
      expect(err.name).toBe('AlreadyKnownError')
      expect(err.shortMessage).toBe('already known')
    })
  })

  describe('admission', () => {
    it('error: nonce below the state nonce is too low', async () => {
      const { pool, state } = setup()
      state.nonces.set(addr(0), 5n)
      const tx = await ptx({ nonce: 4 })
      const err = rejection(() => pool.add(tx))
      expect(err.name).toBe('NonceTooLowError')
      expect(err.shortMessage).toBe('nonce too low: next nonce 5, tx nonce 4')
      expect(pool.size()).toBe(0)
    })

    it('error: nonce too high (gap above maxNonceGap)', async () => {
      const { pool, state } = setup({ maxNonceGap: 64 })
      state.nonces.set(addr(0), 10n)
      const edge = await ptx({ nonce: 74 })
      pool.add(edge)
      expect(pool.content().queued).toEqual([edge])
      const tx = await ptx({ nonce: 75 })
      const err = rejection(() => pool.add(tx))
      expect(err.name).toBe('NonceTooHighError')
      expect(err.shortMessage).toBe('nonce too high: next nonce 10, tx nonce 75, max gap 64')
    })

    it('behavior: the nonce gap counts from the pending nonce, so a contiguous chain may pass it', async () => {
      const { pool, state } = setup({ maxNonceGap: 4, maxPerSender: 32 })
      state.nonces.set(addr(0), 10n)
      for (let n = 10; n < 30; n++) pool.add(await ptx({ nonce: n }))
      expect(pool.pendingNonce(addr(0))).toBe(30n)
      // 34 = pending 30 + gap 4 is fine; 35 is not, and the error names the pending nonce
      pool.add(await ptx({ nonce: 34 }))
      const tooFar = await ptx({ nonce: 35 })
      const err = rejection(() => pool.add(tooFar))
      expect(err.shortMessage).toBe('nonce too high: next nonce 30, tx nonce 35, max gap 4')
    })

    it('error: insufficient funds', async () => {
      const { pool, state } = setup()
      const tx = await ptx({ feeCap: 10n * GWEI, gas: 21_000n, value: ETH })
      const cost = 21_000n * 10n * GWEI + ETH
      expect(tx.cost).toBe(cost)
      state.balances.set(addr(0), cost - 1n)
      const err = rejection(() => pool.add(tx))
      expect(err.name).toBe('InsufficientFundsError')
      expect(err.shortMessage).toBe(
        `insufficient funds for gas * price + value: balance ${cost - 1n}, tx cost ${cost}, overshot 1`,
      )
      state.balances.set(addr(0), cost)
      expect(pool.add(tx)).toEqual({})
    })

    it('error: insufficient funds for this tx on top of the sender’s other pool txs', async () => {
      const { pool, state } = setup()
      const fee = 21_000n * 10n * GWEI
      state.balances.set(addr(0), 10n * ETH)
      const t0 = await ptx({ nonce: 0, value: 4n * ETH })
      const t5 = await ptx({ nonce: 5, value: 3n * ETH }) // queued txs count too
      pool.add(t0)
      pool.add(t5)
      const queued = t0.cost + t5.cost
      const t1 = await ptx({ nonce: 1, value: 3n * ETH })
      const err = rejection(() => pool.add(t1))
      expect(err.name).toBe('InsufficientFundsError')
      expect(err.shortMessage).toBe(
        `insufficient funds for gas * price + value: balance ${10n * ETH}, queued cost ${queued}, tx cost ${t1.cost}, overshot ${queued + t1.cost - 10n * ETH}`,
      )
      expect(pool.content()).toEqual({ pending: [t0], queued: [t5] })
      // exactly what is left is enough; other senders are not counted
      const fits = await ptx({ nonce: 1, value: 10n * ETH - queued - fee })
      expect(pool.add(fits)).toEqual({})
      expect(pool.add(await ptx({ from: 1, nonce: 0, value: 99n * ETH }))).toEqual({})
      // a tx that alone exceeds the balance keeps the plain message
      const huge = await ptx({ nonce: 2, value: 11n * ETH })
      expect(rejection(() => pool.add(huge)).shortMessage).toBe(
        `insufficient funds for gas * price + value: balance ${10n * ETH}, tx cost ${huge.cost}, overshot ${huge.cost - 10n * ETH}`,
      )
    })

    it('error: a replacement counts only its bump over the tx it replaces', async () => {
      const { pool, state } = setup()
      state.balances.set(addr(0), 10n * ETH)
      const t0 = await ptx({ nonce: 0, value: 5n * ETH, feeCap: 10n * GWEI, tip: GWEI })
      const t1 = await ptx({ nonce: 1, value: 4n * ETH, feeCap: 10n * GWEI, tip: GWEI })
      pool.add(t0)
      pool.add(t1)
      const queued = t0.cost + t1.cost
      // the same value at a 10% higher price fits: it adds only 21000 * 1 gwei
      const bumped = await ptx({ nonce: 1, value: 4n * ETH, feeCap: 11n * GWEI, tip: 2n * GWEI })
      expect(pool.add(bumped)).toEqual({ replaced: t1 })
      // raising the value past the balance does not
      const dear = await ptx({ nonce: 1, value: 5n * ETH, feeCap: 20n * GWEI, tip: 4n * GWEI })
      const err = rejection(() => pool.add(dear))
      const spent = t0.cost + bumped.cost
      const bump = dear.cost - bumped.cost
      expect(err.name).toBe('InsufficientFundsError')
      expect(err.shortMessage).toBe(
        `insufficient funds for gas * price + value: balance ${10n * ETH}, queued cost ${spent}, tx bumped ${bump}, overshot ${spent + bump - 10n * ETH}`,
      )
      expect(queued).toBeLessThan(10n * ETH)
      expect(pool.get(bumped.hash)).toBe(bumped)
      // the only pooled tx of a sender can be replaced by anything its balance covers alone
      const lone = await ptx({ from: 1, nonce: 0, value: 50n * ETH })
      pool.add(lone)
      expect(
        pool.add(await ptx({ from: 1, nonce: 0, value: 99n * ETH, feeCap: 20n * GWEI, tip: 2n * GWEI })).replaced,
      ).toBe(lone)
    })

    it('error: per-sender cap', async () => {
      const { pool } = setup({ maxPerSender: 3 })
      for (const n of [0, 1, 2]) pool.add(await ptx({ nonce: n }))
      const tx = await ptx({ nonce: 3 })
      const err = rejection(() => pool.add(tx))
      expect(err.name).toBe('AccountLimitExceededError')
      expect(err.shortMessage).toBe('account limit exceeded: sender has 3 txs in the pool (limit 3)')
      // other senders are unaffected
      pool.add(await ptx({ from: 1, nonce: 0 }))
      expect(pool.size()).toBe(4)
    })

    it('behavior: a full pool evicts the cheapest tx for a better-paying one', async () => {
      const { pool, evicted } = setup({ maxTxs: 3 })
      const a = await ptx({ from: 0, feeCap: 5n * GWEI })
      const b = await ptx({ from: 1, feeCap: 3n * GWEI })
      const c = await ptx({ from: 2, feeCap: 7n * GWEI })
      for (const t of [a, b, c]) pool.add(t)
      const d = await ptx({ from: 3, feeCap: 4n * GWEI })
      expect(pool.add(d)).toEqual({})
      expect(evicted).toEqual([b])
      expect(pool.has(b.hash)).toBe(false)
      expect(new Set(hashes(pool.content().pending))).toEqual(new Set([a.hash, c.hash, d.hash]))
      expect(pool.size()).toBe(3)
    })

    it('behavior: eviction takes the sender’s highest nonce so no gap opens', async () => {
      const { pool, evicted } = setup({ maxTxs: 3 })
      const a0 = await ptx({ from: 0, nonce: 0, feeCap: 2n * GWEI })
      const a1 = await ptx({ from: 0, nonce: 1, feeCap: 3n * GWEI })
      const b0 = await ptx({ from: 1, nonce: 0, feeCap: 5n * GWEI })
      for (const t of [a0, a1, b0]) pool.add(t)
      const c0 = await ptx({ from: 2, nonce: 0, feeCap: 4n * GWEI })
      pool.add(c0)
      expect(evicted).toEqual([a1])
      expect(pool.content()).toEqual({ pending: expect.arrayContaining([a0, b0, c0]), queued: [] })
      expect(pool.pendingNonce(addr(0))).toBe(1n)
    })

    it('error: a full pool refuses a newcomer that pays no more than the cheapest', async () => {
      const { pool, evicted } = setup({ maxTxs: 2 })
      pool.add(await ptx({ from: 0, feeCap: 5n * GWEI }))
      pool.add(await ptx({ from: 1, feeCap: 3n * GWEI }))
      for (const feeCap of [3n * GWEI, 2n * GWEI]) {
        const tx = await ptx({ from: 2, feeCap, tip: GWEI })
        const err = rejection(() => pool.add(tx))
        expect(err.name).toBe('TxPoolOverflowError')
        expect(err.shortMessage).toBe('txpool is full')
        expect(err.details).toBe('pool holds 2 txs and none pays less than this one')
      }
      expect(evicted).toEqual([])
      expect(pool.size()).toBe(2)
    })

    it('error: a full pool does not evict the newcomer’s own sender', async () => {
      const { pool, evicted } = setup({ maxTxs: 2 })
      pool.add(await ptx({ from: 0, nonce: 0, feeCap: 2n * GWEI }))
      pool.add(await ptx({ from: 1, nonce: 0, feeCap: 5n * GWEI }))
      const tx = await ptx({ from: 0, nonce: 1, feeCap: 9n * GWEI })
      expect(rejection(() => pool.add(tx)).shortMessage).toBe('txpool is full')
      expect(evicted).toEqual([])
    })

    it('behavior: a rejected tx leaves the pool unchanged', async () => {
      const { pool, state } = setup()
      const t0 = await ptx({ nonce: 0 })
      pool.add(t0)
      state.balances.set(addr(0), 0n)
      expect(() => pool.add(t0)).toThrow('already known')
      expect(pool.content()).toEqual({ pending: [t0], queued: [] })
    })
  })

  describe('select', () => {
    const all = { maxGas: 30_000_000n, maxTxs: 100 }

    it('behavior: higher effective tip first, nonce order within a sender', async () => {
      const { pool } = setup()
      const a0 = await ptx({ from: 0, nonce: 0, feeCap: 100n * GWEI, tip: 1n * GWEI })
      const a1 = await ptx({ from: 0, nonce: 1, feeCap: 100n * GWEI, tip: 9n * GWEI })
      const b0 = await ptx({ from: 1, nonce: 0, feeCap: 100n * GWEI, tip: 5n * GWEI })
      const c0 = await ptx({ from: 2, nonce: 0, feeCap: 100n * GWEI, tip: 3n * GWEI })
      for (const t of [a1, c0, a0, b0]) pool.add(t)
      // a1 pays most but waits for a0, the cheapest head
      expect(pool.select({ baseFee: GWEI, ...all }).txs).toEqual([b0, c0, a0, a1])
    })

    it('behavior: the effective tip is capped by fee cap minus base fee', async () => {
      const { pool } = setup()
      // at base fee 10: a pays min(20, 12-10) = 2, b pays min(4, 100-10) = 4
      const a = await ptx({ from: 0, feeCap: 12n * GWEI, tip: 12n * GWEI })
      const b = await ptx({ from: 1, feeCap: 100n * GWEI, tip: 4n * GWEI })
      pool.add(a)
      pool.add(b)
      expect(pool.select({ baseFee: 10n * GWEI, ...all }).txs).toEqual([b, a])
      // at base fee 1 a pays 11 and goes first
      expect(pool.select({ baseFee: 1n * GWEI, ...all }).txs).toEqual([a, b])
    })

    it('behavior: equal tips go in arrival order', async () => {
      const { pool } = setup()
      const first = await ptx({ from: 2 })
      const second = await ptx({ from: 0 })
      const third = await ptx({ from: 1 })
      for (const t of [third, first, second]) pool.add(t)
      expect(pool.select({ baseFee: GWEI, ...all }).txs).toEqual([first, second, third])
    })

    it('behavior: txs whose fee cap is below the base fee are left out (with everything after them)', async () => {
      const { pool } = setup()
      const a0 = await ptx({ from: 0, nonce: 0, feeCap: 2n * GWEI, tip: GWEI })
      const a1 = await ptx({ from: 0, nonce: 1, feeCap: 50n * GWEI, tip: 10n * GWEI })
      const b0 = await ptx({ from: 1, nonce: 0, feeCap: 5n * GWEI, tip: GWEI })
      const b1 = await ptx({ from: 1, nonce: 1, feeCap: 2n * GWEI, tip: GWEI })
      const b2 = await ptx({ from: 1, nonce: 2, feeCap: 50n * GWEI, tip: GWEI })
      for (const t of [a0, a1, b0, b1, b2]) pool.add(t)
      expect(pool.select({ baseFee: 3n * GWEI, ...all }).txs).toEqual([b0])
      expect(pool.hasExecutable(3n * GWEI)).toBe(true)
      expect(pool.hasExecutable(6n * GWEI)).toBe(false)
      expect(pool.select({ baseFee: 6n * GWEI, ...all }).txs).toEqual([])
      // a fee cap equal to the base fee is includable (effective tip 0): b0 (tip 1) first, then a0 (tip 0,
      // earlier than b1), which unlocks a1 (tip 10), then b1 and b2
      expect(pool.select({ baseFee: 2n * GWEI, ...all }).txs).toEqual([b0, a0, a1, b1, b2])
    })

    it('behavior: the gas cap skips a tx that does not fit but keeps filling with smaller ones', async () => {
      const { pool } = setup()
      const big = await ptx({ from: 0, gas: 100_000n, tip: 9n * GWEI })
      const bigNext = await ptx({ from: 0, nonce: 1, gas: 21_000n, tip: 9n * GWEI })
      const mid = await ptx({ from: 1, gas: 60_000n, tip: 5n * GWEI })
      const small = await ptx({ from: 2, gas: 21_000n, tip: 1n * GWEI })
      for (const t of [big, bigNext, mid, small]) pool.add(t)
      // 90k: big (100k) does not fit, so its sender's later nonce is skipped too
      expect(pool.select({ baseFee: GWEI, maxGas: 90_000n, maxTxs: 100 }).txs).toEqual([mid, small])
      expect(pool.select({ baseFee: GWEI, maxGas: 121_000n, maxTxs: 100 }).txs).toEqual([big, bigNext])
      expect(pool.select({ baseFee: GWEI, maxGas: 202_000n, maxTxs: 100 }).txs).toEqual([big, bigNext, mid, small])
      // full: the cap left a tx out (the next block has work); not when everything fitted
      expect(pool.select({ baseFee: GWEI, maxGas: 90_000n, maxTxs: 100 }).full).toBe(true)
      expect(pool.select({ baseFee: GWEI, maxGas: 202_000n, maxTxs: 100 }).full).toBe(false)
    })

    it('behavior: maxTxs caps the block', async () => {
      const { pool } = setup()
      const txs = [
        await ptx({ from: 0, tip: 3n * GWEI }),
        await ptx({ from: 1, tip: 2n * GWEI }),
        await ptx({ from: 2, tip: GWEI }),
      ]
      for (const t of txs) pool.add(t)
      expect(pool.select({ baseFee: GWEI, maxGas: 30_000_000n, maxTxs: 2 }).txs).toEqual(txs.slice(0, 2))
      expect(pool.select({ baseFee: GWEI, maxGas: 30_000_000n, maxTxs: 2 }).full).toBe(true)
      expect(pool.select({ baseFee: GWEI, maxGas: 30_000_000n, maxTxs: 3 }).full).toBe(false)
    })

    it('behavior: selection does not remove txs from the pool', async () => {
      const { pool } = setup()
      const t = await ptx()
      pool.add(t)
      pool.select({ baseFee: GWEI, ...all }).txs
      expect(pool.size()).toBe(1)
      expect(nonces(pool.select({ baseFee: GWEI, ...all }).txs)).toEqual(nonces([t]))
    })
  })

  describe('reconcile and remove', () => {
    it('behavior: drops txs whose nonce the state has passed', async () => {
      const { pool, state } = setup()
      const t0 = await ptx({ nonce: 0 })
      const t1 = await ptx({ nonce: 1 })
      const t2 = await ptx({ nonce: 2 })
      const b0 = await ptx({ from: 1, nonce: 0 })
      for (const t of [t0, t1, t2, b0]) pool.add(t)
      state.nonces.set(addr(0), 2n)
      state.nonces.set(addr(1), 1n)
      const dropped = pool.reconcile([addr(0)])
      expect(new Set(hashes(dropped))).toEqual(new Set([t0.hash, t1.hash]))
      expect(pool.has(t0.hash)).toBe(false)
      expect(pool.has(t1.hash)).toBe(false)
      expect(pool.content().pending).toContain(t2)
      // a sender that was not named is left alone
      expect(pool.has(b0.hash)).toBe(true)
      expect(pool.reconcile([addr(1)])).toEqual([b0])
      expect(pool.size()).toBe(1)
    })

    it('behavior: drops txs the balance no longer covers', async () => {
      const { pool, state } = setup()
      const cheap = await ptx({ nonce: 0, value: 1n })
      const dear = await ptx({ nonce: 1, value: 5n * ETH })
      pool.add(cheap)
      pool.add(dear)
      state.balances.set(addr(0), ETH)
      expect(pool.reconcile([addr(0)])).toEqual([dear])
      expect(pool.content()).toEqual({ pending: [cheap], queued: [] })
    })

    it('behavior: nothing to drop returns an empty list', async () => {
      const { pool } = setup()
      pool.add(await ptx())
      expect(pool.reconcile([addr(0), addr(4)])).toEqual([])
      expect(pool.size()).toBe(1)
    })

    it('behavior: remove returns the tx and frees its nonce', async () => {
      const { pool } = setup()
      const t0 = await ptx({ nonce: 0 })
      const t1 = await ptx({ nonce: 1 })
      pool.add(t0)
      pool.add(t1)
      expect(pool.remove(t0.hash)).toBe(t0)
      expect(pool.remove(t0.hash)).toBeUndefined()
      expect(pool.content()).toEqual({ pending: [], queued: [t1] })
      expect(pool.pendingNonce(addr(0))).toBe(0n)
      // the nonce can be filled again by a different tx
      const again = await ptx({ nonce: 0, tip: 2n * GWEI })
      expect(pool.add(again)).toEqual({})
      expect(pool.content()).toEqual({ pending: [again, t1], queued: [] })
    })
  })
})
