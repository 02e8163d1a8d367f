import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isMainThread, workerData } from 'node:worker_threads'
import {
  type App,
  abandonServing,
  checkServingOptions,
  describePool,
  InlineScheduler,
  prepareServing,
  registerWorkerApp,
  runServing,
  type Scheduler,
  type ServingOptions,
  setBodyReader,
  setCodeCompiler,
} from '@tandem/core'
import { nodeBodyReader } from './body.ts'
import { drainable } from './drain.ts'
import { compileFunction, createListener, installFetchGlobals, type NodeEnv } from './listener.ts'
import { createNodePool, type Entry, type NodePoolOptions, workerLimits } from './pool.ts'

/** Options of `serve()`. */
export interface ServeOptions extends ServingOptions {
  /** The port (default: `PORT` from the environment, else 8000; 0 picks a free port). */
  port?: number
  /** The address to listen on (default `127.0.0.1`; `0.0.0.0` for every interface). */
  hostname?: string
  /** The module pool workers load to find the blocking functions (default: the main module). */
  entry?: Entry
  /** The worker pool (`size`, `maxQueue`, `timeout`, `resourceLimits`); `false` runs blocking functions inline. */
  pool?: NodePoolOptions | false
}

/** A running server. */
export interface TandemServer {
  /** `http://127.0.0.1:8000` */
  url: string
  port: number
  /** The scheduler blocking functions run on (`stats()` for metrics). */
  scheduler: Scheduler
  /** The underlying `node:http` server. */
  server: HttpServer
  /**
   * Stops accepting connections, finishes in-flight requests (their answers say `Connection: close`;
   * idle keep-alive connections close cleanly; past `shutdownTimeout` a request still running is
   * answered 503 with `Retry-After`), their background tasks and cleanups and the pool's calls, stops
   * the workers, then runs the lifespan's teardown.
   */
  close(): Promise<void>
}

/**
 * Serves an app on Node over `node:http`, with a worker_threads pool for its blocking functions.
 * Resolves once listening. Pool workers load the entry module too; there `serve()` resolves to
 * `undefined` and listens to nothing, so one module serves as both.
 *
 * @example
 * import { serve } from '@tandem/node'
 * import { app } from './app.ts'
 *
 * const server = await serve(app, { port: 8000, pool: { size: 4, timeout: 10_000 } })
 * console.log(server?.url)
 */
export async function serve(
  app: App<any, any>,
  options: ServeOptions = {},
): Promise<TandemServer | undefined> {
  if (!isMainThread && (workerData as { tandemPool?: boolean } | null)?.tandemPool) {
    registerWorkerApp(app)
    return undefined
  }
  checkServingOptions(options)
  const poolOptions = options.pool ?? {}
  let scheduler: Scheduler
  if (poolOptions === false) scheduler = new InlineScheduler()
  else {
    const entry = options.entry ?? process.argv[1]
    if (!entry) {
      throw new Error(
        'serve(): cannot tell which module pool workers should load (process.argv[1] is empty). ' +
          'Pass serve(app, { entry: new URL(import.meta.url) }) from the module that declares your blocking functions.',
      )
    }
    const pool = createNodePool(entry, { ...poolOptions, logger: options.logger ?? app.logger })
    await pool.start()
    scheduler = pool
  }
  await prepareServing(app, scheduler, new AsyncLocalStorage())
  setBodyReader(nodeBodyReader)
  // Node evaluates code: response models get compiled writers (core makes the source, never runs it).
  setCodeCompiler(compileFunction)

  installFetchGlobals()
  const port = options.port ?? (Number(process.env.PORT) || 8000)
  const hostname = options.hostname ?? '127.0.0.1'
  const logger = options.logger ?? app.logger
  let host = `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`
  const listener = createListener(
    app.fetch as (request: Request, env: NodeEnv) => Response | Promise<Response>,
    () => host,
    (message, error) => logger.error(message, error),
  )
  const server = createServer()
  const drain = drainable(server, listener)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, hostname, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await abandonServing(scheduler)
    throw new Error(`serve(): could not listen on ${hostname}:${port}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const actualPort = (server.address() as AddressInfo).port
  host = `${hostname.includes(':') ? `[${hostname}]` : hostname}:${actualPort}`
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${actualPort}`
  const close = runServing(
    app,
    scheduler,
    {
      url,
      // Stops listening; connections close as their last answer goes out (see drain.ts).
      stopAccepting: () => drain.stopAccepting(),
      idle: () => drain.idle(),
      closeConnections: () => drain.closeConnections(),
    },
    options,
    poolOptions === false
      ? describePool('worker thread', 0, false)
      : `${describePool('worker thread', scheduler.stats().size, poolOptions)}, heap up to ${
          workerLimits(poolOptions.resourceLimits).maxOldGenerationSizeMb
        } MB per worker (pool.resourceLimits)`,
  )
  return { url, port: actualPort, scheduler, server, close }
}
