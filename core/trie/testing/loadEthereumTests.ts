import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Read access to a checkout of the `ethereum/tests` fixtures. */
export type EthereumTests = {
  /** The fixtures' root folder. */
  dir: string
  /** Parses the JSON file at `path` (relative to the root). */
  read<T = unknown>(path: string): T
  /** Paths (relative to the root) of every JSON file under `folder`, sorted. */
  files(folder: string): string[]
}

// The fixtures live outside the repository (shared between checkouts): next to it in this workspace
// and in CI, inside it where a checkout carries its own `shared/`, or wherever ETHEREUM_TESTS_DIR says.
const candidates = [
  process.env.ETHEREUM_TESTS_DIR,
  fileURLToPath(new URL('../../../../shared/fixtures/ethereum-tests/', import.meta.url)),
  fileURLToPath(new URL('../../../shared/fixtures/ethereum-tests/', import.meta.url)),
]

/** The `ethereum/tests` fixtures, or `undefined` (after a warning naming where it looked) if absent. */
export function loadEthereumTests(): EthereumTests | undefined {
  const dir = candidates.find((path) => path && existsSync(join(path, 'TrieTests')))
  if (dir === undefined) {
    console.warn(
      `ethereum/tests fixtures not found (looked in ${candidates.filter(Boolean).join(', ')}); skipping fixture tests`,
    )
    return undefined
  }
  const files = (folder: string): string[] => {
    const out: string[] = []
    const walk = (path: string) => {
      for (const name of readdirSync(path).sort()) {
        const child = join(path, name)
        if (statSync(child).isDirectory()) walk(child)
        else if (name.endsWith('.json')) out.push(relative(dir, child))
      }
    }
    walk(join(dir, folder))
    return out
  }
  return { dir, read: (path) => JSON.parse(readFileSync(join(dir, path), 'utf8')), files }
}
