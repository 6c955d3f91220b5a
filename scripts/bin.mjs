#!/usr/bin/env -S node --max-semi-space-size=64
// The `parallel-rollup` binary (package.json "bin"). The project runs from its TypeScript source: register tsx's
// loader in this process (worker threads register it themselves, see core/threads/workerBoot.mjs), then hand
// over to the CLI.
import { register } from 'tsx/esm/api'

register()
await import('./cli/main.ts')
