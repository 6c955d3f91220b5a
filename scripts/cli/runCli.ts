import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BaseError } from '../../core/errors/base.ts'
import { commands, findCommand } from './commands.ts'
import { formatCommandHelp, formatTopHelp } from './formatHelp.ts'
import { parseCommandLine } from './parseCommandLine.ts'

/** The repository root: entry modules are named relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** Where the CLI writes (the process's stdout and stderr unless a test captures them). */
export type CliIo = { out(text: string): void; err(text: string): void }

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}

/**
 * Runs `parallel-rollup <argv>`. Returns the exit status when the CLI answered by itself (help, version, a usage
 * error: 2, a command missing from this checkout: 1), or `undefined` once the command's module has been started:
 * it then owns the process (its servers keep it alive, it exits on SIGINT/SIGTERM or when its work is done).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number | undefined> {
  const [name, ...args] = argv
  if (name === undefined) {
    io.err(`no command given\n\n${formatTopHelp()}`)
    return 2
  }
  if (name === '-h' || name === '--help' || (name === 'help' && args.length === 0)) {
    io.out(formatTopHelp())
    return 0
  }
  if (name === '-v' || name === '--version') {
    const pkg = JSON.parse(readFileSync(resolve(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
    io.out(`${pkg.version}\n`)
    return 0
  }
  if (name === 'help') return await runCli([args[0], '--help'], io)
  const command = findCommand(name)
  if (!command) {
    const hint = name.startsWith('-')
      ? 'flags go after the command'
      : `commands: ${commands.map((c) => c.name).join(', ')}`
    io.err(`unknown command '${name}' (${hint}); see parallel-rollup --help\n`)
    return 2
  }
  let parsed: ReturnType<typeof parseCommandLine>
  try {
    parsed = parseCommandLine(command, args)
  } catch (err) {
    io.err(`${err instanceof BaseError ? err.message : String(err)}\n\nsee parallel-rollup ${command.name} --help\n`)
    return 2
  }
  const entry = resolve(REPO_ROOT, command.entry)
  const present = existsSync(entry)
  if (parsed.help) {
    io.out(formatCommandHelp(command))
    if (!present) io.out(`note: ${command.entry} is not in this checkout yet.\n`)
    if (!command.ownHelp || !present) return 0
    io.out('\n')
    return await start(entry, ['--help'], {})
  }
  if (!present) {
    io.err(`${command.name}: ${command.entry} is not in this checkout, so there is nothing to run\n`)
    return 1
  }
  return await start(entry, parsed.passThrough, parsed.env)
}

/**
 * Hands the process to the command's module as if it had been started as `node <entry> <args>`: the variables
 * laid over the environment, `process.argv` rewritten, then the module imported (it runs on import).
 */
async function start(
  entry: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<undefined> {
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value
  process.argv = [process.argv[0], entry, ...args]
  await import(pathToFileURL(entry).href)
  return undefined
}
