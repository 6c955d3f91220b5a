// The admin server's dashboard in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): the page loads, goes live over server-sent events, and shows the block that holds a
// transaction this test just sent, with its lanes. A screenshot goes to the OS temp dir
// (DASHBOARD_SCREENSHOT=path to choose; UPDATE_DOCS_SCREENSHOT=1 also writes docs/img/dashboard.png).
import { randomUUID } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { type Hex, parseEther } from 'viem'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readConfig } from '../../core/config/config.ts'
import { createLogger } from '../../core/log/logger.ts'
import { type Sequencer, startSequencer } from '../../sequencer/startSequencer.ts'
import { devAccounts, freshDataDir, REPO_ROOT, type RunningTarget, rpc, startAnvil, waitFor } from './harness.ts'

const CHROMIUM = '/usr/bin/chromium'
const silent = createLogger({ level: 'silent' })

let context: BrowserContext
let profile: string

beforeAll(async () => {
  profile = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'))
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 1000 },
  })
}, 60_000)
afterAll(async () => {
  await context?.close()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

/** Signs `perSender` EVM calls (data, so not the plain-transfer path) from each of `senders` dev accounts;
 * every other one pays one shared recipient, so lanes conflict and some txs re-execute. */
async function burst(url: string, senders: number, perSender: number): Promise<Hex[]> {
  const raws: Hex[] = []
  for (const a of devAccounts.slice(0, senders)) {
    let nonce = BigInt(await rpc<Hex>(url, 'eth_getTransactionCount', [a.address, 'pending']))
    for (let i = 0; i < perSender; i++)
      raws.push(
        await a.account.signTransaction({
          chainId: 901901,
          type: 'eip1559',
          to: i % 2 ? '0x000000000000000000000000000000000000beef' : a.address,
          value: parseEther('0.001'),
          data: '0x01',
          nonce: Number(nonce++),
          gas: 30_000n,
          maxFeePerGas: 10n ** 11n,
          maxPriorityFeePerGas: 1n,
        }),
      )
  }
  // one JSON-RPC batch: the txs reach the pool together and land in one block
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(raws.map((r, id) => ({ jsonrpc: '2.0', id, method: 'eth_sendRawTransaction', params: [r] }))),
  })
  const answers = (await res.json()) as { id: number; result?: Hex; error?: unknown }[]
  return answers.sort((x, y) => x.id - y.id).map((x) => x.result ?? expect.fail(JSON.stringify(x.error)))
}

const receiptOf = (url: string, hash: Hex) =>
  waitFor(
    `the receipt of ${hash}`,
    async () =>
      (await rpc<{ blockNumber: Hex; blockHash: Hex; status: Hex } | null>(url, 'eth_getTransactionReceipt', [hash])) ??
      undefined,
    30_000,
    100,
  )

async function openDashboard(url: string): Promise<Page> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(url)
  await page.locator('#conn.live').waitFor({ timeout: 15_000 })
  expect(errors).toEqual([])
  return page
}

async function screenshot(page: Page, name: string) {
  const file = process.env.DASHBOARD_SCREENSHOT ?? join(tmpdir(), `${name}-${process.pid}.png`)
  mkdirSync(dirname(file), { recursive: true })
  await page.screenshot({ path: file, fullPage: true })
  expect(existsSync(file)).toBe(true)
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(file, join(REPO_ROOT, 'docs', 'img', 'dashboard.png'))
}

describe('dashboard (headless Chromium)', () => {
  test('default: shows the block holding a tx just sent, with its lanes, live', async () => {
    const sequencer: Sequencer = await startSequencer({
      config: readConfig({
        DATA_DIR: freshDataDir('dashboard-e2e-'),
        RPC_PORT: '0',
        ADMIN_PORT: '0',
        EXECUTOR_WORKERS: '2',
        EXECUTOR_MIN_PARALLEL_TXS: '4',
        BLOCK_TIME_MS: '500',
        LOG_LEVEL: 'silent',
      }),
      log: silent,
    })
    try {
      expect(sequencer.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const page = await openDashboard(sequencer.adminUrl!)
      expect(await page.locator('.uplot').count()).toBe(2)

      // sent after the page is open: the block reaches it over the event stream
      const hashes = await burst(sequencer.url, 4, 3)
      const receipt = await receiptOf(sequencer.url, hashes[0])
      expect(receipt.status).toBe('0x1')
      const number = BigInt(receipt.blockNumber).toString()
      const card = page.locator(`[data-block-number="${number}"]`)
      await card.waitFor({ timeout: 15_000 })
      expect(await card.locator('.hash').textContent()).toBe(receipt.blockHash)
      expect(await card.locator('.txs').textContent()).toContain(hashes[0])
      const block = await rpc<{ transactions: Hex[] }>(sequencer.url, 'eth_getBlockByNumber', [
        receipt.blockNumber,
        false,
      ])
      const title = await card.locator('.title').textContent()
      expect(title).toContain(`${block.transactions.length} tx`)
      // the card says what the executor did, as rollup_getBlockExecutionStats does
      const stats = await rpc<{ mode: string; lanes: number; reExecutions: number }>(
        sequencer.url,
        'rollup_getBlockExecutionStats',
        [receipt.blockNumber],
      )
      expect(title).toContain(stats.mode === 'parallel' ? `parallel · ${stats.lanes} lanes · largest` : 'sequential')
      if (stats.mode === 'parallel') expect(title).toContain(`${stats.reExecutions} re-executed`)
      // the lane picture is drawn: a canvas with a height
      const box = await card.locator('canvas').boundingBox()
      expect(box!.height).toBeGreaterThan(0)
      // the status stream fills the mempool panel and the chain head
      await page.waitForFunction(`BigInt(document.getElementById('head').textContent) >= ${number}n`)
      expect(await page.locator('#pending').textContent()).toMatch(/^\d+$/)
      await screenshot(page, 'dashboard')
      await page.close()
    } finally {
      await sequencer.close()
    }
  })

  test('behavior: the batch pipeline shows a batch posted to L1, linked to the explorer', async () => {
    let anvil: RunningTarget | undefined
    let sequencer: Sequencer | undefined
    try {
      anvil = await startAnvil({ chainId: 31337, args: ['--block-time', '1'] })
      sequencer = await startSequencer({
        config: readConfig({
          DATA_DIR: freshDataDir('dashboard-l1-e2e-'),
          RPC_PORT: '0',
          ADMIN_PORT: '0',
          L1_RPC_URL: anvil.url,
          L1_EXPLORER_URL: 'https://explorer.invalid/',
          QUEUE_PREFIX: `e2e-${randomUUID()}`,
          BATCH_MAX_AGE_MS: '500',
          L1_POLL_MS: '200',
          EXECUTOR_WORKERS: '0',
          LOG_LEVEL: 'silent',
        }),
        log: silent,
      })
      const s = sequencer
      const [hash] = await burst(s.url, 1, 1)
      const receipt = await receiptOf(s.url, hash)
      const batch = await waitFor(
        'the batch of the tx posted to L1',
        async () => {
          const b = await rpc<{ index: Hex; status: string; l1TransactionHash: Hex | null } | null>(
            s.url,
            'rollup_getBatchByL2Block',
            [receipt.blockNumber],
          )
          return b?.l1TransactionHash ? b : undefined
        },
        60_000,
        200,
      )
      const page = await openDashboard(s.adminUrl!)
      const row = page.locator('#batches tbody tr', { hasText: batch.l1TransactionHash! })
      await row.waitFor({ timeout: 10_000 })
      expect(await row.locator('td').first().textContent()).toBe(String(Number(batch.index)))
      expect(await row.locator('a').getAttribute('href')).toBe(`https://explorer.invalid/tx/${batch.l1TransactionHash}`)
      expect(await page.locator('#pipeline').textContent()).toMatch(/(posted|confirmed|attested)[1-9]/)
      // the queue board is linked and answers
      expect(await page.locator('#queues-link').isVisible()).toBe(true)
      expect((await page.request.get(`${s.adminUrl}/queues`)).status()).toBe(200)
      await page.close()
    } finally {
      await sequencer?.close()
      await anvil?.stop()
    }
  }, 120_000)
})
