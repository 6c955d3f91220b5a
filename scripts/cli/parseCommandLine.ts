import { type ParseArgsConfig, parseArgs } from 'node:util'
import type { Command } from './commands.ts'
import { type CommonFlag, commonFlags, flagsToEnv } from './commonFlags.ts'
import type { ConfigKey } from './envDescriptions.ts'
import { CliUsageError } from './errors.ts'

/** What a subcommand's arguments ask for. */
export type ParsedCommandLine = {
  help: boolean
  /** environment variables to lay over `process.env` (flags win over the environment) */
  env: Partial<Record<ConfigKey, string>>
  /** the arguments for the command's own module, in their order */
  passThrough: string[]
}

/** The common flags `command` offers: those whose variable it reads, unless it has a flag of that name itself. */
export function flagsOf(command: Command): CommonFlag[] {
  return commonFlags.filter((f) => command.env.includes(f.key) && !command.shadows?.includes(f.flag))
}

/**
 * Splits a subcommand's arguments into the CLI's own flags (the common flags it offers, `--set`, `--help`) and the
 * rest, which passes through to the command's module unchanged and in order (everything after `--` too). A command
 * whose module takes no arguments refuses anything else. Throws `CliUsageError`.
 */
export function parseCommandLine(command: Command, args: readonly string[]): ParsedCommandLine {
  const offered = flagsOf(command)
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } }
  for (const f of offered) options[f.flag] = { type: 'string' }
  if (command.env.length) options.set = { type: 'string', multiple: true }
  const strict = !command.passThrough
  let tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>
  try {
    tokens = parseArgs({ args: [...args], options, strict, allowPositionals: !strict, tokens: true }).tokens
  } catch (err) {
    throw new CliUsageError((err as Error).message)
  }
  const flags: Record<string, string> = {}
  const set: string[] = []
  const consumed = new Set<number>()
  let help = false
  for (const t of tokens) {
    if (t.kind === 'option-terminator') break
    if (t.kind !== 'option' || !(t.name in options)) continue
    // A short flag inside a group (`-xh`) belongs to the module, not to the CLI.
    const raw = args[t.index]
    if (raw !== t.rawName && !raw.startsWith(`${t.rawName}=`)) continue
    consumed.add(t.index)
    if (t.name === 'help') {
      help = true
      continue
    }
    if (t.value === undefined) throw new CliUsageError(`option ${t.rawName} needs a value`)
    if (!t.inlineValue) consumed.add(t.index + 1)
    if (t.name === 'set') set.push(t.value)
    else flags[t.name] = t.value
  }
  const env = flagsToEnv({ flags, set, allowed: command.env })
  return { help, env, passThrough: args.filter((_, i) => !consumed.has(i)) }
}
