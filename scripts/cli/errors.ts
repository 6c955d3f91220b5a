import { BaseError } from '../../core/errors/base.ts'

/** The command line is wrong: the CLI prints the message and exits with status 2. */
export class CliUsageError extends BaseError {
  override name = 'CliUsageError' as const
}
