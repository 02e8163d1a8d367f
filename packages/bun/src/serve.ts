import { AsyncLocalStorage } from 'node:async_hooks'
import {
  type App,
  abandonServing,
  checkServingOptions,
  describePool,
  InlineScheduler,
  isPoolWorker,
  prepareServing,
  registerWorkerApp,
  runServing,
  type Scheduler,
  type ServingOptions,
  setCodeCompiler,
} from '@tandem/core'
import { bunDrain } from './drain.ts'
import { type BunPoolOptions, createBunPool, type Entry } from './pool.ts'
import { bunFetch } from './requests.ts'

/** Options of `serve()`: the same as `@tandem/node`'s. */
export interface ServeOptions extends ServingOptions {
  /** The port (default: `PORT` from the environment, else 8000; 0 picks a free port). */
  port?: number
  /** The address to listen on (default `127.0.0.1`). */
  hostname?: string
  /** The module pool workers load to find the blocking functions (default: `Bun.main`). */
  entry?: Entry
  /** The worker pool (`size`, `maxQueue`, `timeout`); `false` runs blocking functions inline. */
  pool?: BunPoolOptions | false
}

/** A running server. */
export interface TandemServer {
  url: string
  port: number
  /** The scheduler blocking functions run on (`stats()` for metrics). */
  scheduler: Scheduler
  /** The underlying `Bun.serve` server. */
  server: ReturnType<typeof Bun.serve>
  /** Stops accepting, finishes in-flight requests, their cleanups and pool calls, then stops. */
  close(): Promise<void>
}

/**
 * Serves an app on Bun over `Bun.serve`, with a Web Worker pool for its blocking functions. Resolves
 * once listening. Pool workers load the entry module too; there `serve()` resolves to `undefined`.
 *
 * @example
 * import { serve } from '@tandem/bun'
 * import { app } from './app.ts'
 *
 * const server = await serve(app, { port: 8000, pool: { size: 4 } })
 */
export async function serve(
  app: App<any, any>,
  options: ServeOptions = {},
): Promise<TandemServer | undefined> {
  if (isPoolWorker()) {
    registerWorkerApp(app)
    return undefined
  }
  checkServingOptions(options)
  const poolOptions = options.pool ?? {}
  let scheduler: Scheduler
  if (poolOptions === false) scheduler = new InlineScheduler()
  else {
    const pool = createBunPool(options.entry ?? Bun.main, {
      ...poolOptions,
      logger: options.logger ?? app.logger,
    })
    await pool.start()
    scheduler = pool
  }
  await prepareServing(app, scheduler, new AsyncLocalStorage())
  // Bun evaluates code: response models get compiled writers (core makes the source, never runs it).
  setCodeCompiler((parameters, body) => new Function(...parameters, body) as (...args: unknown[]) => unknown)

  const port = options.port ?? (Number(process.env.PORT) || 8000)
  const hostname = options.hostname ?? '127.0.0.1'
  let server: ReturnType<typeof Bun.serve>
  const drain = bunDrain(
    bunFetch(
      (request) => app.fetch(request),
      () => `${hostname.includes(':') ? `[${hostname}]` : hostname}:${server.port}`,
    ),
  )
  try {
    server = Bun.serve({ port, hostname, fetch: drain.fetch })
  } catch (error) {
    await abandonServing(scheduler)
    throw new Error(`serve(): could not listen on ${hostname}:${port}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${server.port}`
  const close = runServing(
    app,
    scheduler,
    drain.lifecycle(server, url),
    options,
    describePool('web worker', scheduler.stats().size, poolOptions),
  )
  return { url, port: server.port as number, scheduler, server, close }
}
