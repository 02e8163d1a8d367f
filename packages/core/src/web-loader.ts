import { TandemConfigError } from './errors.ts'
import { isPoolWorker } from './execution/scheduler-registry.ts'

/**
 * The routing engine and the OpenAPI code, loaded before any app exists, except in a pool worker:
 * there the app only lends its blocking functions, lifespan and overrides, and neither is loaded.
 */
const web: typeof import('./web.ts') | undefined = isPoolWorker() ? undefined : await import('./web.ts')

/** The HTTP half of the app (`web.ts`), or a clear error naming `what` inside a pool worker. */
export function webPart(what: string): typeof import('./web.ts') {
  if (web) return web
  throw new TandemConfigError(
    `${what} is not available inside a pool worker: workers run blocking calls only, and load neither ` +
      'the routing engine nor the OpenAPI code. Call it from the main thread (not from a blocking function).',
  )
}
