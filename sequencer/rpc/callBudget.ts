import { LimitExceededError } from '../../core/errors/rpc.ts'
import type { RateLimiter } from './rateLimiter.ts'
import type { MethodTable, RpcCallContext, RpcHandler } from './types.ts'

/**
 * The rate-limit budget of one HTTP body or WebSocket message. Arriving costs one token, which pays
 * for the first call; each further call of a batch costs one more. So a single call costs one token,
 * a batch of n calls n tokens, and a body that holds no valid call at all (junk, parse errors) still
 * costs one.
 */
export type CallBudget = {
  /** Whether the message got its arrival token; when not, every call in it is refused. */
  readonly admitted: boolean
  /** Pays for one call; false when the client's bucket is empty. */
  take(): boolean
}

const budgetKey = Symbol('rpc.callBudget')
type BudgetedContext = RpcCallContext & { [budgetKey]?: CallBudget }

/** Opens the budget of one message from `client`, spending its arrival token. */
export function openCallBudget(limiter: RateLimiter, client: string): CallBudget {
  const admitted = limiter.take(client)
  let prepaid = admitted ? 1 : 0
  return {
    admitted,
    take() {
      if (!admitted) return false
      if (prepaid > 0) {
        prepaid--
        return true
      }
      return limiter.take(client)
    },
  }
}

/** Returns `ctx` carrying `budget`, for the handlers that {@link rateLimitMethods} wrapped. */
export function withCallBudget<C extends RpcCallContext>(ctx: C, budget: CallBudget): C {
  ;(ctx as BudgetedContext)[budgetKey] = budget
  return ctx
}

/** The error every call over the budget gets: -32005, geth's code for a limit, with the usual wording. */
export function rateLimitExceeded(): LimitExceededError {
  return new LimitExceededError({ reason: 'request rate limit exceeded' })
}

/**
 * Wraps every handler so that it first pays for itself from the budget its context carries (calls
 * without one, e.g. from inside the node, are free), and is refused with -32005 when it cannot.
 */
export function rateLimitMethods(methods: MethodTable): MethodTable {
  const wrapped: Record<string, RpcHandler> = {}
  for (const [name, handler] of Object.entries(methods)) {
    wrapped[name] = (params, ctx) => {
      const budget = (ctx as BudgetedContext)[budgetKey]
      if (budget !== undefined && !budget.take()) throw rateLimitExceeded()
      return handler(params, ctx)
    }
  }
  return wrapped
}
