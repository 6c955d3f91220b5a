import { bigIntToUnpaddedBytes, hexToBytes } from '@ethereumjs/util'
import type Database from 'better-sqlite3'

// Each entry is applied once, in order; `meta.schema_version` records how far a database got. An entry is SQL, or a
// function for a change that must rewrite rows.
const MIGRATIONS: (string | ((db: Database.Database) => void))[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE blocks (
    number INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE,
    header_rlp BLOB NOT NULL,
    header_json TEXT NOT NULL
  );
  CREATE TABLE txs (
    hash BLOB PRIMARY KEY,
    block_number INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    raw BLOB NOT NULL,
    tx_json TEXT NOT NULL,
    receipt_json TEXT NOT NULL
  );
  CREATE INDEX txs_by_block ON txs (block_number, idx);
  CREATE TABLE logs (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    address BLOB NOT NULL,
    topic0 BLOB, topic1 BLOB, topic2 BLOB, topic3 BLOB,
    log_json TEXT NOT NULL,
    PRIMARY KEY (block_number, log_index)
  ) WITHOUT ROWID;
  CREATE INDEX logs_by_address ON logs (address, block_number);
  CREATE INDEX logs_by_topic0 ON logs (topic0, block_number);
  CREATE INDEX logs_by_topic1 ON logs (topic1, block_number);
  CREATE INDEX logs_by_topic2 ON logs (topic2, block_number);
  -- flat head state: what a restart loads
  CREATE TABLE state_accounts (address BLOB PRIMARY KEY, nonce TEXT NOT NULL, balance TEXT NOT NULL, code_hash BLOB NOT NULL) WITHOUT ROWID;
  CREATE TABLE state_storage (address BLOB NOT NULL, slot BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (address, slot)) WITHOUT ROWID;
  CREATE TABLE code (hash BLOB PRIMARY KEY, code BLOB NOT NULL) WITHOUT ROWID;
  -- history: each key's value after every block that changed it, for queries at past blocks
  CREATE TABLE account_history (address BLOB NOT NULL, block INTEGER NOT NULL, nonce TEXT, balance TEXT, code_hash BLOB, PRIMARY KEY (address, block)) WITHOUT ROWID;
  CREATE TABLE storage_history (address BLOB NOT NULL, slot BLOB NOT NULL, block INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (address, slot, block)) WITHOUT ROWID;
  CREATE TABLE storage_clears (address BLOB NOT NULL, block INTEGER NOT NULL, PRIMARY KEY (address, block)) WITHOUT ROWID;
  CREATE TABLE mempool (hash BLOB PRIMARY KEY, raw BLOB NOT NULL, seq INTEGER NOT NULL);
  `,
  `
  CREATE TABLE block_stats (number INTEGER PRIMARY KEY, stats_json TEXT NOT NULL);
  `,
  `
  -- the batch outbox: the source of truth for what goes to L1 (see core/storage/outboxStore.ts)
  CREATE TABLE batches (
    idx INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    first_block INTEGER NOT NULL,
    last_block INTEGER NOT NULL,
    opened_at INTEGER NOT NULL,
    sealed_at INTEGER,
    data BLOB,
    data_hash BLOB,
    prev_output_root BLOB,
    output_root BLOB,
    l1_tx_hash BLOB,
    l1_block_number INTEGER,
    l1_block_hash BLOB,
    posted_at INTEGER,
    confirmed_at INTEGER,
    reposts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE INDEX batches_by_status ON batches (status, idx);
  -- every L1 transaction signed for a batch; fee bumps reuse the nonce
  CREATE TABLE batch_posts (
    tx_hash BLOB PRIMARY KEY,
    batch_idx INTEGER NOT NULL,
    nonce INTEGER NOT NULL,
    max_fee TEXT NOT NULL,
    max_priority_fee TEXT NOT NULL,
    raw BLOB NOT NULL,
    sent_at INTEGER NOT NULL
  );
  CREATE INDEX batch_posts_by_batch ON batch_posts (batch_idx, sent_at);
  `,
  `
  -- L1 deposits seen by the sequencer (see core/storage/depositStore.ts) and each L2 block's L1 origin
  CREATE TABLE deposits (
    nonce INTEGER PRIMARY KEY,
    l1_block INTEGER NOT NULL,
    l1_block_hash BLOB NOT NULL,
    log_index INTEGER NOT NULL,
    l1_tx_hash BLOB NOT NULL,
    from_addr BLOB NOT NULL,
    to_addr BLOB NOT NULL,
    amount TEXT NOT NULL,
    l2_block INTEGER
  );
  CREATE INDEX deposits_pending ON deposits (l2_block, nonce);
  CREATE TABLE l1_origins (l2_block INTEGER PRIMARY KEY, l1_block INTEGER NOT NULL);
  ALTER TABLE batches ADD COLUMN attested_at INTEGER;
  `,
  compactChainRows,
]

/**
 * Transactions, receipts and logs stored as facts instead of JSON (see core/chain/formatReceipt.ts).
 *
 * Before, each tx wrote a ~2.5 KB row (raw bytes, tx JSON, receipt JSON with its 512-character bloom) keyed by its
 * hash, and each log a JSON row under five B-trees. A 500-tx ERC-20 block's rows took 35 ms to insert and commit; in
 * this layout 5 ms (medians of 50 blocks, the same random data). The rows are now appended in block order
 * (`block_txs`, `block_logs`), and `tx_lookup` maps a hash to its place in small rows. Logs keep indexes on address
 * and topic0 only: topic1 and topic2 are random per log (senders, recipients), and their indexes doubled the
 * write (10.5 ms). A filter on them alone scans the range's logs, which `LOG_MAX_RANGE` bounds.
 */
function compactChainRows(db: Database.Database): void {
  db.exec(`
  CREATE TABLE block_txs (
    block_number INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    raw BLOB NOT NULL,
    sender BLOB NOT NULL,
    to_addr BLOB,
    status INTEGER NOT NULL,
    cumulative_gas INTEGER NOT NULL,
    gas_used INTEGER NOT NULL,
    gas_price BLOB NOT NULL,
    contract_address BLOB,
    first_log INTEGER NOT NULL,
    log_count INTEGER NOT NULL,
    PRIMARY KEY (block_number, idx)
  ) WITHOUT ROWID;
  CREATE TABLE tx_lookup (hash BLOB PRIMARY KEY, block_number INTEGER NOT NULL, idx INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE block_logs (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    tx_idx INTEGER NOT NULL,
    address BLOB NOT NULL,
    topic0 BLOB, topic1 BLOB, topic2 BLOB, topic3 BLOB,
    data BLOB NOT NULL,
    PRIMARY KEY (block_number, log_index)
  ) WITHOUT ROWID;
  CREATE INDEX block_logs_by_address ON block_logs (address, block_number);
  CREATE INDEX block_logs_by_topic0 ON block_logs (topic0, block_number);
  `)
  const putTx = db.prepare('INSERT INTO block_txs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
  const putLookup = db.prepare('INSERT OR REPLACE INTO tx_lookup (hash, block_number, idx) VALUES (?, ?, ?)')
  const putLog = db.prepare('INSERT INTO block_logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
  const rowsOf = db.prepare(
    'SELECT hash, block_number, idx, raw, receipt_json FROM txs WHERE block_number = ? ORDER BY idx',
  )
  const blocks = db.prepare('SELECT DISTINCT block_number AS n FROM txs ORDER BY n').pluck().all() as number[]
  const bytes = (h: string | null) => (h ? hexToBytes(h as `0x${string}`) : null)
  for (const n of blocks) {
    let logIndex = 0
    for (const r of rowsOf.all(n) as {
      hash: Buffer
      block_number: number
      idx: number
      raw: Buffer
      receipt_json: string
    }[]) {
      const rc = JSON.parse(r.receipt_json) as Record<string, string | null> & { logs: Record<string, unknown>[] }
      const first = logIndex
      for (const l of rc.logs) {
        const topics = (l.topics as string[]).map(bytes)
        putLog.run(
          n,
          logIndex++,
          r.idx,
          bytes(l.address as string),
          topics[0] ?? null,
          topics[1] ?? null,
          topics[2] ?? null,
          topics[3] ?? null,
          bytes(l.data as string),
        )
      }
      putTx.run(
        n,
        r.idx,
        r.hash,
        r.raw,
        bytes(rc.from),
        bytes(rc.to),
        Number(rc.status),
        Number(rc.cumulativeGasUsed),
        Number(rc.gasUsed),
        bigIntToUnpaddedBytes(BigInt(rc.effectiveGasPrice as string)),
        bytes(rc.contractAddress),
        first,
        rc.logs.length,
      )
      putLookup.run(r.hash, n, r.idx)
    }
  }
  db.exec('DROP TABLE txs; DROP TABLE logs;')
}

/** Brings the schema up to date, each migration in its own transaction (`to`: stop at that version, for tests). */
export function migrate(db: Database.Database, to = MIGRATIONS.length): void {
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined
  let version = row ? Number(row.value) : 0
  while (version < to) {
    const step = MIGRATIONS[version]
    db.transaction(() => {
      if (typeof step === 'function') step(db)
      else db.exec(step.replace('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);', ''))
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(version + 1))
    })()
    version++
  }
}
