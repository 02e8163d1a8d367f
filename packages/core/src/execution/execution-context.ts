/** What a runtime's per-request execution context offers (workerd's `ctx`). */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
  passThroughOnException?(): void
}

/** Where a handler's or dependency's context keeps the request's execution context. */
export const EXECUTION_CONTEXT: unique symbol = Symbol.for('tandem.executionContext')

/**
 * The runtime's execution context of the request a handler or dependency is serving: workerd's
 * `ctx` (with `waitUntil`), or `undefined` on runtimes without one (Node, Bun, `app.request()`).
 *
 * @example
 * app.post('/log', {}, (ctx) => {
 *   executionContext(ctx)?.waitUntil(sendToAnalytics(ctx.request))
 *   return { ok: true }
 * })
 */
export function executionContext(ctx: object): ExecutionContextLike | undefined {
  return (ctx as { [EXECUTION_CONTEXT]?: ExecutionContextLike })[EXECUTION_CONTEXT]
}

/**
 * The execution context a Hono context holds (`c.executionCtx`), or `undefined` when its request
 * came without one (Hono's getter throws then).
 *
 * @example
 * honoExecutionContext(c)?.waitUntil(done)
 */
export function honoExecutionContext(c: { executionCtx: unknown }): ExecutionContextLike | undefined {
  try {
    return c.executionCtx as ExecutionContextLike
  } catch {
    return undefined
  }
}
