import type { MiddlewareHandler } from 'hono'
import type { AppOptions } from './app-options.ts'
import { DependencyOverrides } from './di/overrides.ts'
import type { AppRuntime } from './di/scope.ts'
import type { MountedEndpoint } from './endpoint.ts'
import { type ExceptionHandler, ExceptionHandlers, internalError } from './exception-handlers.ts'
import { type ExecutionContextLike, honoExecutionContext } from './execution/execution-context.ts'
import { currentScheduler } from './execution/scheduler-registry.ts'
import type { Engine } from './http/engine.ts'
import { type MiddlewareEntry, middlewareEntry } from './http/middleware.ts'
import { type RequestObserver, RunOutcome } from './http/outcome.ts'
import { PendingWork, testRequest } from './http/pending.ts'
import { Lifespan } from './lifespan.ts'
import { consoleLogger, type Logger } from './logger.ts'
import type { OpenAPIDocument } from './openapi/document.ts'
import { DEFAULT_BODY_LIMIT } from './request/body.ts'
import type { DependencyList, RouteTarget } from './route-map.ts'
import { type MountedRoute, Router } from './router.ts'
import { webPart } from './web-loader.ts'
import { within } from './within.ts'
import { WEB_SOCKETS, webSocketHost } from './ws/host.ts'

export type { AppOptions, Logger }

/** The type an app's route methods return: the app with the routes added (docs/client.md). */
export interface AppTarget<S, E, P extends string, Deps = never> extends RouteTarget {
  result: App<S, E, P, this['routes'], Deps>
}

/**
 * A Tandem application: declare routes, include routers, add Hono middleware, and serve it with
 * `app.fetch` (the Web-standard entry point) or an adapter's `serve()`.
 *
 * @example
 * import { App } from '@tandem/core'
 * import { z } from 'zod'
 *
 * export const app = new App({ title: 'Burger shop', version: '1.0.0' })
 * app.get('/burgers/:id', { params: { id: z.number().int() } }, ({ params }) => ({ id: params.id }))
 * export default app // workerd; Node and Bun: serve(app) from @tandem/node or @tandem/bun
 */
export class App<
  State = unknown,
  Env = unknown,
  Prefix extends string = '',
  Routes = {},
  Deps = never,
> extends Router<State, Env, Prefix, Routes, Deps, AppTarget<State, Env, Prefix, Deps>> {
  readonly config: Readonly<AppOptions<State, Env, App<State, Env>>>
  readonly logger: Logger
  /**
   * Replacement dependencies, read on every request at every depth (tests): the replacement runs
   * with its own inputs and keeps the original's cache key, scopes and cleanup scope.
   */
  readonly dependencyOverrides = new DependencyOverrides()
  readonly #middleware: MiddlewareEntry[] = []
  readonly #exceptions = new ExceptionHandlers()
  readonly #lifespan: Lifespan<State>
  readonly #work = new PendingWork()
  readonly [WEB_SOCKETS] = webSocketHost(this, () => this.#runtime, this.#work)
  readonly #runtime: AppRuntime
  /** `fetch` had workerd's `ctx`: read it from Hono's context (middleware may replace the request). */
  #givenExecutionCtx = false
  #observer: RequestObserver | undefined
  #engine: Engine | undefined
  #document: OpenAPIDocument | undefined

  constructor(
    options: AppOptions<State, Env, App<State, Env>> & {
      prefix?: Prefix
      dependencies?: DependencyList<Deps>
    } = {},
  ) {
    super(options)
    this.config = options
    this.logger = options.logger ?? consoleLogger
    this.#lifespan = new Lifespan(options.lifespan ? () => options.lifespan!(this) : undefined, this.logger)
    const lifespan = this.#lifespan
    this.#runtime = {
      get state() {
        return lifespan.state
      },
      shutdown: this.#work.signal,
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      overrides: this.dependencyOverrides,
      scheduler: currentScheduler,
      logError: (message, error) => this.logger.error(message, error),
    }
  }

  protected override get isRoot(): boolean {
    return true
  }

  /**
   * Adds Hono middleware (`hono/cors`, `hono/compress`...). It wraps routing, so it runs for every
   * request, 404 and 405 included, whatever the order of `use()` and route declarations.
   *
   * @example
   * import { cors } from 'hono/cors'
   * app.use(cors({ origin: 'https://example.com' }))
   */
  use(...handlers: MiddlewareHandler[]): this
  use(path: string, ...handlers: MiddlewareHandler[]): this
  use(first: string | MiddlewareHandler, ...rest: MiddlewareHandler[]): this {
    this.#middleware.push(middlewareEntry(first, rest))
    this.#engine = undefined
    return this
  }

  /**
   * Registers a handler for an error class and its subclasses (the nearest ancestor wins). A handler
   * for `HTTPException` or `RequestValidationError` replaces the default answer; a handler for
   * `Error` sees only otherwise unhandled errors. It returns a `Response`, or data sent as JSON with 500.
   *
   * @example
   * class OutOfStock extends Error {}
   * app.exceptionHandler(OutOfStock, (error) =>
   *   Response.json({ detail: `Out of stock: ${error.message}` }, { status: 409 }))
   */
  exceptionHandler<E extends Error>(
    errorClass: abstract new (...args: any[]) => E,
    handler: ExceptionHandler<E>,
  ): this {
    this.#exceptions.set(errorClass, handler)
    return this
  }

  /**
   * The Web-standard entry point: `(request, env?, executionCtx?) => Response`. Bound, so it can be
   * passed around (`export default app` on workerd, `Bun.serve({ fetch: app.fetch })`). The
   * lifespan's startup runs before the first request.
   */
  readonly fetch = (request: Request, env?: Env, executionCtx?: unknown): Response | Promise<Response> => {
    if (this[WEB_SOCKETS].upgrades(request)) return this[WEB_SOCKETS].fetch(request, env, executionCtx)
    if (!this.#lifespan.ready) return this.#startThenFetch(request, env, executionCtx)
    const engine = this.#engine ?? this.#build()
    // No middleware and a declared route: straight to it, without Hono's context.
    const direct = engine.match(request)
    if (direct) {
      const { mounted, params } = direct
      return this.#run(mounted, request, params, env, executionCtx as ExecutionContextLike | undefined)
    }
    if (executionCtx) this.#givenExecutionCtx = true
    return engine.hono.fetch(request, env, executionCtx as never)
  }

  /**
   * Sends a request to the app in-process, for tests: a path (`'/items/1'`, resolved against
   * `http://localhost`), a URL or a `Request`.
   *
   * @example
   * const res = await app.request('/items/1', { method: 'GET' })
   * expect(res.status).toBe(200)
   */
  request(input: string | URL | Request, init?: RequestInit, env?: Env): Promise<Response> {
    return Promise.resolve(this.fetch(testRequest(input, init), env))
  }

  /**
   * Sets the request observer (one per app; `undefined` removes it).
   *
   * @example
   * app.observe({ start: (route) => [route, performance.now()], end: ([route, t]) => record(route, performance.now() - t) })
   */
  observe(observer: RequestObserver | undefined): void {
    this.#observer = observer
  }

  /** What the lifespan yielded (`ctx.state`), once started; undefined before or without a lifespan. */
  get state(): State | undefined {
    return this.#lifespan.state
  }

  /** Runs the lifespan's startup (once); `fetch` does it before the first request anyway. */
  async start(): Promise<void> {
    await this.#lifespan.start()
  }

  /**
   * Resolves once every response sent so far has finished its background tasks and request-scoped
   * cleanups (useful in tests, after reading a response's body).
   *
   * @example
   * await (await app.request('/orders', { method: 'POST' })).text()
   * await app.settled() // background tasks and cleanups of that request are done
   */
  async settled(): Promise<void> {
    await this.#work.settled()
  }

  /**
   * Tells in-flight requests the server is stopping: every `ctx.signal` is aborted (so endless
   * streams and long polls end). `close()` and the adapters' shutdown call it first.
   */
  beginShutdown(): void {
    this.#work.beginShutdown()
  }

  /**
   * Aborts in-flight requests' signals, waits for background tasks and cleanups (at most `timeout`
   * ms when given), then runs the lifespan's teardown.
   *
   * @example
   * await app.close() // after the server stopped accepting requests
   * await app.close({ timeout: 5000 }) // teardown after 5 s even if a background task still runs
   */
  async close(options: { timeout?: number } = {}): Promise<void> {
    this.beginShutdown()
    const settled = this.settled()
    if (options.timeout === undefined) await settled
    else await within(settled, options.timeout)
    await this.#lifespan.close()
  }

  /**
   * The OpenAPI 3.1 document of the app's routes (built once, again after routes change).
   *
   * @example
   * const document = app.openapi()
   * document.paths['/items/{id}']?.get?.operationId
   */
  openapi(): OpenAPIDocument {
    if (this.#document) return this.#document
    this.#document = webPart('app.openapi()').appDocument(
      this.mounted().map((route) => ({
        mounted: route.endpoint.mount(route.path, route.dependencies),
        tags: route.tags,
      })),
      this.config,
      this.logger,
    )
    return this.#document
  }

  protected override onChange(): void {
    this.#engine = undefined
    this.#document = undefined
  }

  /** Every route the app serves. */
  routes(): MountedRoute[] {
    return this.mounted()
  }

  async #startThenFetch(request: Request, env: Env | undefined, executionCtx: unknown): Promise<Response> {
    try {
      await this.start()
    } catch (error) {
      this.logger.error('The lifespan startup failed; answering 500 until it succeeds.', error)
      return internalError()
    }
    return this.fetch(request, env, executionCtx)
  }

  #build(): Engine {
    const { Engine, mountDocs } = webPart('app.fetch()')
    this.#engine = new Engine(
      {
        middleware: this.#middleware,
        endpoints: this.mounted().map((route) => route.endpoint.mount(route.path, route.dependencies)),
        docs: (addRoute) =>
          mountDocs(
            addRoute,
            this.config.docs,
            this.config.title ?? 'Tandem',
            () => this.openapi(),
            (message) => this.logger.warn(message),
          ),
        redirectSlashes: this.config.redirectSlashes !== false,
      },
      {
        dispatch: (mounted, request, params, env, executionCtx) =>
          this.#run(mounted, request, params, env, executionCtx),
        // Workerd's `ctx`; none on Node, Bun and in app.request() (the app tracks pending work itself).
        executionCtx: (c) => (this.#givenExecutionCtx ? honoExecutionContext(c) : undefined),
        middlewareError: (error, request) =>
          this.#exceptions.handle(error, request, 'middleware', this.logger),
      },
    )
    return this.#engine
  }

  /** Answers an error of a route's request with the app's exception handlers. */
  readonly #answerError = (error: unknown, request: Request, label: string): Promise<Response> =>
    this.#exceptions.handle(error, request, label, this.logger)

  #run(
    mounted: MountedEndpoint,
    request: Request,
    params: Record<string, string>,
    env: unknown,
    executionCtx: ExecutionContextLike | undefined,
  ): Response | Promise<Response> {
    const observer = this.#observer
    const token = observer?.start(mounted.label)
    const outcome = new RunOutcome(request, mounted.label, observer, token, this.#answerError)
    // A plain handler's answer comes back synchronously: no promise, so adapters write it at once.
    return mounted.handle(request, params, env, this.#runtime, this.#work.finisher, executionCtx, outcome)
  }
}
