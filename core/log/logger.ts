import { type DestinationStream, type Logger, pino } from 'pino'

export type { Logger }

/**
 * Field names whose values never reach a log line, at the top level and two levels down (`{ config }`,
 * `{ err }`, `{ options: { account } }`): private keys under every name this code base gives them.
 */
export const redactedFields: readonly string[] = Object.freeze([
  'privateKey',
  'key',
  'secret',
  'password',
  'mnemonic',
  'deployerKey',
  'batcherKey',
  'proverKey',
  'DEPLOYER_PRIVATE_KEY',
  'BATCHER_PRIVATE_KEY',
  'PROVER_PRIVATE_KEY',
])

const CENSOR = '[redacted]'

/**
 * Creates the root pino logger; components take `log.child({ component })`. Bigints are logged as strings.
 * Secrets stay out of the output twice over: fields named in `redactedFields` are censored wherever an
 * object is logged, and the values in `secrets` (the configured private keys: `privateKeysOf(config)`) are
 * scrubbed from every line as written, whatever carries them (an error message, a URL, a child binding).
 */
export function createLogger({
  level = 'info',
  name = 'parallel-rollup',
  secrets = [],
  destination,
}: {
  level?: string
  name?: string
  /** Values to scrub from every line; hex values match with or without 0x, in any letter case. */
  secrets?: readonly string[]
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream
} = {}): Logger {
  const scrub = secretPattern(secrets)
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: redactedFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]), censor: CENSOR },
    hooks: {
      logMethod(args, method) {
        const [first] = args
        if (first && typeof first === 'object') args[0] = stringifyBigints(first as Record<string, unknown>)
        method.apply(this, args as Parameters<typeof method>)
      },
      ...(scrub ? { streamWrite: (line: string) => line.replace(scrub, CENSOR) } : {}),
    },
  }
  return destination ? pino(options, destination) : pino(options)
}

/** One regex matching any of `secrets`; undefined when there is nothing worth scrubbing. */
function secretPattern(secrets: readonly string[]): RegExp | undefined {
  const alternatives = secrets
    .filter((s) => s.replace(/^0x/i, '').length >= 16) // a short value would censor unrelated text
    .map((s) => (/^(0x)?[0-9a-f]+$/i.test(s) ? s.replace(/^0x/i, '') : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
  return alternatives.length === 0 ? undefined : new RegExp([...new Set(alternatives)].join('|'), 'gi')
}

function stringifyBigints(obj: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'bigint') {
      out ??= { ...obj }
      out[k] = v.toString()
    }
  }
  return out ?? obj
}
