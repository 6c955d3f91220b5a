import type { SpawnedChild } from './spawnChild.ts'

/** How {@link waitUntilReady} ended: the probe answered, the child exited first, or time ran out. */
export type ReadyOutcome = { status: 'ready' } | { status: 'exited'; exitCode: number | null } | { status: 'timeout' }

/**
 * Polls `probe` every `intervalMs` until it returns true, the child exits or `timeoutMs` passes. A probe that throws
 * counts as "not yet". The child's exit wins over a pending probe, so a process that dies at once (port in use) is
 * reported as exited rather than as a timeout.
 */
export async function waitUntilReady(
  child: SpawnedChild,
  { probe, timeoutMs, intervalMs = 100 }: { probe: () => Promise<boolean>; timeoutMs: number; intervalMs?: number },
): Promise<ReadyOutcome> {
  const deadline = Date.now() + timeoutMs
  let exitCode: number | null | undefined
  child.exited.then((code) => {
    exitCode = code
  })
  while (Date.now() < deadline) {
    const ok = await probe().catch(() => false)
    if (exitCode !== undefined) return { status: 'exited', exitCode }
    if (ok) return { status: 'ready' }
    await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), child.exited])
    if (exitCode !== undefined) return { status: 'exited', exitCode }
  }
  return { status: 'timeout' }
}
