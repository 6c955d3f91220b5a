import { configSchema } from '../../core/config/config.ts'
import { type Command, commands } from './commands.ts'
import { type ConfigKey, describeEnv } from './envDescriptions.ts'
import { flagsOf } from './parseCommandLine.ts'

const BIN = 'parallel-rollup'

/** The default of a configuration variable as `.env.example` writes it ('' when unset by default). */
export function defaultOf(key: ConfigKey): string {
  const parsed = configSchema.shape[key].safeParse(undefined)
  const value = parsed.success ? parsed.data : undefined
  if (value === undefined) return ''
  const text = String(value)
  // Keys and hashes: enough to recognise them.
  return /^0x[0-9a-fA-F]{40,}$/.test(text) ? `${text.slice(0, 8)}…${text.slice(-4)}` : text
}

const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n))

/** `parallel-rollup --help`: the commands and how configuration reaches them. */
export function formatTopHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3
  return [
    `usage: ${BIN} <command> [flags]`,
    '',
    'commands:',
    ...commands.map((c) => `  ${pad(c.name, width)}${c.summary}${c.npm ? ` (${c.npm})` : ''}`),
    '',
    'Configuration comes from environment variables (see .env.example) and, winning over them, from flags:',
    '--data-dir, --rpc-port, --l1-rpc-url, --workers, --log-level, ... and --set KEY=VALUE for any variable.',
    `Each command lists the flags and variables it reads: ${BIN} <command> --help`,
    '',
    `  ${pad('-h, --help', width + 6)}this help (\`${BIN} help <command>\`: a command's)`,
    `  ${pad('-v, --version', width + 6)}the version`,
    '',
  ].join('\n')
}

/** `parallel-rollup <command> --help`: its usage, its flags and the environment variables it reads, with defaults. */
export function formatCommandHelp(command: Command): string {
  const lines = [`${BIN} ${command.name}: ${command.summary}`]
  if (command.npm) lines.push(`(the same as \`${command.npm}\`, which runs ${command.entry})`)
  lines.push('', `usage: ${BIN} ${command.name} ${command.usage}`, '', 'flags:')
  for (const f of command.flags ?? []) lines.push(`  ${f}`)
  for (const f of flagsOf(command)) lines.push(`  ${pad(`--${f.flag} ${f.value}`, 22)}sets ${f.key}`)
  if (command.env.length)
    lines.push(`  ${pad('--set KEY=VALUE', 22)}sets any variable below (repeatable); flags win over the environment`)
  lines.push(`  ${pad('-h, --help', 22)}this help`)
  if (command.ownHelp) lines.push(`  (its own flags follow, from ${command.entry})`)
  lines.push('')
  if (command.env.length || command.otherEnv?.length) {
    lines.push('environment (default):')
    const width = Math.min(40, Math.max(...command.env.map((k) => k.length + defaultOf(k).length + 1), 0) + 3)
    for (const key of command.env) lines.push(`  ${pad(`${key}=${defaultOf(key)}`, width)}${describeEnv(key) ?? ''}`)
    for (const line of command.otherEnv ?? []) lines.push(`  ${line}`)
  } else lines.push('environment: none of the configuration variables')
  if (command.envNote) lines.push(command.envNote)
  lines.push('')
  return lines.join('\n')
}
