// The live dashboard: a snapshot from /api/snapshot, then server-sent events from /api/events
// ('block' for every sealed block, 'status' once a second). Plain ES modules, no build step.
import { createCharts } from './charts.js'
import { drawLanes } from './lanes.js'

const MAX_BLOCKS = 30
const MAX_SAMPLES = 300
const PIPELINE = ['open', 'sealed', 'submitted', 'posted', 'confirmed', 'attested', 'finalized', 'disputed']

const $ = (id) => document.getElementById(id)
/** An element with text (never HTML: everything shown comes from the chain). */
function el(tag, text, className) {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  if (className) e.className = className
  return e
}
const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toString())

const charts = createCharts($('tps-chart'), $('build-chart'))
/** @type {Map<string, HTMLElement>} block number → its card */
const cards = new Map()
let samples = []

function blockCard(b) {
  const card = el('div', undefined, 'block')
  card.dataset.blockNumber = b.number
  card.dataset.blockHash = b.hash
  const title = el('div', undefined, 'title')
  title.append(el('span', `#${b.number}`, 'number'))
  title.append(el('span', `${b.txs} tx${b.txs === 1 ? '' : 's'}`))
  if (b.txs > 0) {
    const how =
      b.mode === 'parallel'
        ? `parallel · ${b.lanes} lanes · largest ${b.largestLane} · ${b.speculativeHits} kept · ${b.reExecutions} re-executed`
        : `sequential${b.reason ? ` (${b.reason})` : ''}`
    title.append(el('span', how))
  }
  if (b.timings) {
    const t = b.timings
    const seal = Math.max(0, t.buildMs - t.executeMs - t.stateRootMs - t.rootsMs)
    title.append(
      el(
        'span',
        `build ${ms(t.buildMs)} ms (execute ${ms(t.executeMs)} · state root ${ms(t.stateRootMs)} · tries ${ms(t.rootsMs)} · seal ${ms(seal)})`,
        'timings',
      ),
    )
  }
  if (b.at > 0) title.append(el('span', new Date(b.at).toLocaleTimeString(), 'muted'))
  card.append(title)
  card.append(el('div', b.hash, 'hash'))
  if (b.txs > 0) {
    const canvas = el('canvas')
    card.append(canvas)
    const list = el('ul', undefined, 'txs')
    for (const h of b.txHashes) list.append(el('li', h))
    if (b.txs > b.txHashes.length) list.append(el('li', `… and ${b.txs - b.txHashes.length} more`))
    card.append(list)
    // drawn once in the page, where the canvas has its width
    requestAnimationFrame(() => drawLanes(canvas, b))
  }
  return card
}

function addBlock(b) {
  if (cards.has(b.number)) return
  const card = blockCard(b)
  const list = $('blocks')
  // newest first; a late or replayed older block goes in its place
  const next = [...list.children].find((c) => BigInt(c.dataset.blockNumber) < BigInt(b.number))
  list.insertBefore(card, next ?? null)
  cards.set(b.number, card)
  const numbers = [...cards.keys()].sort((x, y) => (BigInt(x) < BigInt(y) ? 1 : -1))
  for (const n of numbers.slice(MAX_BLOCKS)) {
    cards.get(n).remove()
    cards.delete(n)
  }
}

function setRows(tbody, rows) {
  tbody.replaceChildren(
    ...rows.map((cells) => {
      const tr = el('tr')
      for (const c of cells) tr.append(c instanceof Node ? c : el('td', String(c)))
      return tr
    }),
  )
}

function showStatus(s) {
  $('chain').textContent = `chain ${s.chainId}`
  $('head').textContent = s.head
  const recent = samples.slice(-10)
  const sum = (k) => recent.reduce((a, x) => a + x[k], 0)
  $('tps').textContent = recent.length ? (sum('txs') / recent.length).toFixed(1) : '–'
  $('bps').textContent = recent.length ? (sum('blocks') / recent.length).toFixed(1) : '–'

  const m = s.mempool
  $('pending').textContent = m.pending
  $('queued').textContent = m.queued
  $('senders').textContent = m.senders
  setRows(
    $('top-senders').tBodies[0],
    m.topSenders.map((x) => [el('td', x.address, 'mono'), x.pending, x.queued]),
  )

  const b = s.batches
  $('pipeline').replaceChildren(
    ...PIPELINE.map((status) => {
      const pill = el('span', status, `status-${status}`)
      pill.append(el('b', String(b.counts[status] ?? 0)))
      return pill
    }),
  )
  setRows(
    $('batches').tBodies[0],
    b.recent.map((x) => {
      const l1 = el('td', undefined, 'mono')
      if (x.l1TxUrl) {
        const a = el('a', x.l1TxHash)
        a.href = x.l1TxUrl
        a.target = '_blank'
        a.rel = 'noreferrer'
        l1.append(a)
      } else l1.textContent = x.l1TxHash ?? '–'
      return [x.index, el('td', x.status, `status-${x.status}`), `${x.firstBlock}–${x.lastBlock}`, x.bytes ?? '–', l1]
    }),
  )
  $('prover-lag').textContent = b.recent.length
    ? `prover lag: ${b.proverLag} batch${b.proverLag === 1 ? '' : 'es'} posted but not yet attested`
    : 'no batches (an L2-only node, or nothing sealed yet)'
}

function addSample(sample) {
  if (samples.length && samples.at(-1).t >= sample.t) return
  samples.push(sample)
  if (samples.length > MAX_SAMPLES) samples = samples.slice(-MAX_SAMPLES)
  charts.update(samples)
}

async function loadSnapshot() {
  const res = await fetch('/api/snapshot', { cache: 'no-store' })
  const snap = await res.json()
  $('queues-link').hidden = !snap.queueBoard
  samples = snap.samples
  charts.update(samples)
  for (const b of snap.blocks) addBlock(b)
  showStatus(snap.status)
}

function connect() {
  const events = new EventSource('/api/events')
  const conn = $('conn')
  events.addEventListener('open', () => {
    conn.textContent = 'live'
    conn.classList.add('live')
    // (re)connected: catch up on what was missed
    loadSnapshot().catch(() => {})
  })
  events.addEventListener('error', () => {
    conn.textContent = 'reconnecting…'
    conn.classList.remove('live')
  })
  events.addEventListener('block', (e) => addBlock(JSON.parse(e.data)))
  events.addEventListener('status', (e) => {
    const s = JSON.parse(e.data)
    addSample(s.sample)
    showStatus(s)
  })
}

connect()
