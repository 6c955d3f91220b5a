// The young-generation size our processes run with. Executing transactions allocates ~290 KB a
// transfer of short-lived objects (ethereumjs's EVM), with a steady trickle of survivors (receipts,
// diffs); with V8's default 16 MB semi-space a block spent 25-30% of its time in scavenges, each
// promoting what a slightly longer wait would have let die. 64 MB measured ~8% faster on a 10k ERC-20
// block (medians of 4, 2-core machine; docs/executor.md). V8 grows the semi-space only when the
// survival rate asks for it, so an idle node does not hold the memory.

/** V8 flags for a node process of ours (main thread): package.json scripts, the CLI, docker-compose, spawned nodes. */
export const NODE_HEAP_FLAGS = ['--max-semi-space-size=64'] as const

/** The same young generation for EVM worker threads (V8's young generation is 3 semi-spaces). */
export const EVM_WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 192 } as const
