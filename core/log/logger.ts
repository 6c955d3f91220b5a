import { type Logger, pino } from 'pino'

export type { Logger }

/** Creates the root pino logger; components take `log.child({ component })`. Bigints are logged as strings. */
export function createLogger({
  level = 'info',
  name = 'parallel-rollup',
}: {
  level?: string
  name?: string
} = {}): Logger {
  return pino({
    name,
    level,
    hooks: {
      logMethod(args, method) {
        const [first] = args
        if (first && typeof first === 'object') args[0] = stringifyBigints(first as Record<string, unknown>)
        method.apply(this, args as Parameters<typeof method>)
      },
    },
  })
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
