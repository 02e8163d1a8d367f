import { type Dependency, depends, executionContext } from '@tandem/core'

/**
 * Tandem on Cloudflare workerd. An `App` is already a Worker (`export default app`): its `fetch`
 * takes `(request, env, ctx)`, request-scoped cleanups and background tasks are handed to
 * `ctx.waitUntil`, and blocking functions run inline (workerd has no threads). These helpers reach
 * the rest of the runtime from handlers and dependencies.
 */

/** True when running on workerd (Cloudflare Workers). */
export function isWorkerd(): boolean {
  return globalThis.navigator?.userAgent === 'Cloudflare-Workers'
}

/**
 * Keeps the request's isolate alive until `promise` settles (workerd's `ctx.waitUntil`). Elsewhere
 * (Node, Bun, tests) the promise simply runs; a rejection is logged rather than lost.
 *
 * @example
 * app.post('/events', { body: Event }, (ctx) => {
 *   waitUntil(ctx, fetch('https://analytics.example/collect', { method: 'POST', body: JSON.stringify(ctx.body) }))
 *   return { accepted: true }
 * })
 */
export function waitUntil(ctx: object, promise: Promise<unknown>): void {
  const guarded = promise.catch((error: unknown) =>
    console.error('[tandem] a waitUntil() task failed', error),
  )
  executionContext(ctx)?.waitUntil(guarded)
}

/**
 * A dependency giving one binding of the Worker's `env` (a KV namespace, a Durable Object
 * namespace, a secret...). A missing binding answers 500 and logs which one and how to add it.
 *
 * @example
 * interface Env { ORDERS: DurableObjectNamespace; GREETING: string }
 * const greeting = binding<Env, 'GREETING'>('GREETING')
 * app.get('/hello', { deps: { greeting } }, ({ deps }) => deps.greeting)
 */
export function binding<Env, K extends keyof Env & string>(name: K): Dependency<Env[K]> {
  return depends(function binding({ env }) {
    const value = (env as Record<string, unknown> | undefined)?.[name]
    if (value === undefined) {
      throw new Error(
        `The Worker binding "${name}" is missing from env. Declare it in your Worker's configuration ` +
          '(wrangler.toml, or bindings in config.capnp), or check its spelling.',
      )
    }
    return value as Env[K]
  }) as unknown as Dependency<Env[K]>
}
