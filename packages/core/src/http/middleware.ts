import type { MiddlewareHandler } from 'hono'
import { TandemConfigError } from '../errors.ts'

/** Middleware added with `app.use()`: Hono's handlers, for every path (`*`) or one. */
export interface MiddlewareEntry {
  path: string
  handlers: MiddlewareHandler[]
}

/**
 * The entry of `app.use(first, ...rest)`: a path then handlers, or handlers for every path. Throws
 * when a handler is not a function, where `use()` was called.
 */
export function middlewareEntry(
  first: string | MiddlewareHandler,
  rest: MiddlewareHandler[],
): MiddlewareEntry {
  const path = typeof first === 'string' ? first : '*'
  const handlers = typeof first === 'string' ? rest : [first, ...rest]
  for (const handler of handlers) {
    if (typeof handler !== 'function') {
      throw new TandemConfigError(
        `app.use(): middleware must be a function (Hono middleware), got ${typeof handler}.`,
      )
    }
  }
  return { path, handlers }
}
