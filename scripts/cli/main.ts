// `parallel-rollup <command>`: the one command line of the project (scripts/bin.mjs registers tsx and imports
// this). Each subcommand runs the same module as its npm script, configured by flags laid over the environment.
import { runCli } from './runCli.ts'

const status = await runCli(process.argv.slice(2))
if (status !== undefined) process.exitCode = status
