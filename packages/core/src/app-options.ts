import type { Logger } from './logger.ts'
import type { DocsOptions } from './openapi/routes.ts'
import type { RouterOptions } from './router.ts'

/**
 * Options of `new App()`. `Self` is the app's type, which `lifespan` receives (`App<State, Env>` when
 * given to `new App()`; this module does not import app.ts, so no import cycle forms).
 */
// biome-ignore lint/correctness/noUnusedVariables: Env keeps the arity of AppOptions<State, Env> (the type's users).
export interface AppOptions<State = unknown, Env = unknown, Self = any> extends RouterOptions {
  /** The API's title in OpenAPI and the docs pages (default "Tandem"). */
  title?: string
  /** The API's version in OpenAPI (default "0.1.0"). */
  version?: string
  description?: string
  /** `/items` answers 307 to `/items/` when only the latter exists, and vice versa (default true). */
  redirectSlashes?: boolean
  /** The largest request body read, in bytes (default 1 MiB); larger bodies answer 413. */
  bodyLimit?: number
  /** Where errors are logged (default: the console). */
  logger?: Logger
  /** Paths of `/openapi.json`, `/docs` (Swagger UI) and `/redoc`, or `false` for none. */
  docs?: DocsOptions | false
  /** Servers listed in the OpenAPI document. */
  servers?: { url: string; description?: string }[]
  /**
   * Startup and shutdown: an async generator that sets up, yields the state handlers see as
   * `ctx.state`, and tears down after the yield (on `app.close()` or server close).
   */
  lifespan?: (app: Self) => AsyncGenerator<State, void, unknown> | Generator<State, void, unknown>
}
