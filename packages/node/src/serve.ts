import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isMainThread, workerData } from 'node:worker_threads'
import { getRequestListener } from '@hono/node-server'
import {
  type App,
  InlineScheduler,
  type Logger,
  registerWorkerApp,
  type Scheduler,
  setRequestStorage,
  setScheduler,
  startWatchdog,
  type ThreadPool,
  type WatchdogOptions,
} from '@tandem/core'
import { createNodePool, type Entry, type NodePoolOptions } from './pool.ts'

/** Options of `serve()`. */
export interface ServeOptions {
  /** The port (default: `PORT` from the environment, else 8000; 0 picks a free port). */
  port?: number
  /** The address to listen on (default `127.0.0.1`; `0.0.0.0` for every interface). */
  hostname?: string
  /** The module pool workers load to find the blocking functions (default: the main module). */
  entry?: Entry
  /** The worker pool (`size`, `maxQueue`, `timeout`, `resourceLimits`); `false` runs blocking functions inline. */
  pool?: NodePoolOptions | false
  /** The loop-blocking watchdog (default on, 100 ms); `false` turns it off. */
  watchdog?: WatchdogOptions | false
  /** Close gracefully on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean
  /** Where start-up lines and warnings go (default: the app's logger, start-up lines to stdout). */
  logger?: Logger & { info?(message: string): void }
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
   * Stops accepting connections, finishes in-flight requests, their background tasks and cleanups
   * and the pool's calls, stops the workers, then runs the lifespan's teardown.
   */
  close(): Promise<void>
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

function describePool(options: NodePoolOptions | false, size: number): string {
  if (options === false) return 'pool: off (blocking functions run inline, on the event loop)'
  const timeout = options.timeout ? `${options.timeout} ms` : 'none'
  const queue = plural(options.maxQueue ?? 1024, 'call')
  return `pool: ${plural(size, 'worker thread')} (pool.size), queue up to ${queue} (pool.maxQueue), timeout ${timeout} (pool.timeout)`
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
  const logger = options.logger ?? app.logger
  const info = options.logger?.info ?? ((message: string) => console.log(`[tandem] ${message}`))
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
    const pool: ThreadPool = createNodePool(entry, { ...poolOptions, logger })
    await pool.start()
    scheduler = pool
  }
  setScheduler(scheduler)
  setRequestStorage(new AsyncLocalStorage())
  await app.start()

  let active = 0
  let drained: (() => void) | undefined
  const listener = getRequestListener(app.fetch as (request: Request) => Response | Promise<Response>)
  const server = createServer((req, res) => {
    active++
    res.once('close', () => {
      active--
      if (active === 0) drained?.()
    })
    void listener(req, res)
  })
  const port = options.port ?? (Number(process.env.PORT) || 8000)
  const hostname = options.hostname ?? '127.0.0.1'
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, hostname, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await scheduler.close()
    setScheduler(undefined)
    throw new Error(`serve(): could not listen on ${hostname}:${port}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const actualPort = (server.address() as AddressInfo).port
  const host = hostname.includes(':') ? `[${hostname}]` : hostname
  const url = `http://${host}:${actualPort}`
  const stopWatchdog =
    options.watchdog === false ? () => {} : startWatchdog(app, logger, options.watchdog ?? {})

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      stopWatchdog()
      app.beginShutdown()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      if (active > 0) await new Promise<void>((resolve) => (drained = resolve))
      await app.settled()
      await scheduler.close()
      setScheduler(undefined)
      setRequestStorage(undefined)
      await app.close()
      server.closeAllConnections()
      await stopped
    })()
    return closing
  }

  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      info(`${signal}: finishing in-flight requests, then stopping.`)
      close().then(
        () => process.exit(0),
        (error) => {
          logger.error('Closing the server failed', error)
          process.exit(1)
        },
      )
    }
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }

  const size = scheduler.stats().size
  const docs = app.config.docs === false ? false : (app.config.docs?.swagger ?? '/docs')
  info(`listening on ${url}${docs ? ` (docs: ${url}${docs})` : ''}`)
  info(describePool(poolOptions, size))
  return { url, port: actualPort, scheduler, server, close }
}
