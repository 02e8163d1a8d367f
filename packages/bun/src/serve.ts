import { AsyncLocalStorage } from 'node:async_hooks'
import {
  type App,
  InlineScheduler,
  isPoolWorker,
  type Logger,
  registerWorkerApp,
  type Scheduler,
  setRequestStorage,
  setScheduler,
  startWatchdog,
  type WatchdogOptions,
} from '@tandem/core'
import { type BunPoolOptions, createBunPool, type Entry } from './pool.ts'

/** Options of `serve()`: the same as `@tandem/node`'s. */
export interface ServeOptions {
  /** The port (default: `PORT` from the environment, else 8000; 0 picks a free port). */
  port?: number
  /** The address to listen on (default `127.0.0.1`). */
  hostname?: string
  /** The module pool workers load to find the blocking functions (default: `Bun.main`). */
  entry?: Entry
  /** The worker pool (`size`, `maxQueue`, `timeout`); `false` runs blocking functions inline. */
  pool?: BunPoolOptions | false
  /** The loop-blocking watchdog (default on, 100 ms); `false` turns it off. */
  watchdog?: WatchdogOptions | false
  /** Close gracefully on SIGTERM and SIGINT (default true). */
  handleSignals?: boolean
  /** Where start-up lines and warnings go (default: the app's logger, start-up lines to stdout). */
  logger?: Logger & { info?(message: string): void }
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
  const logger = options.logger ?? app.logger
  const info = options.logger?.info ?? ((message: string) => console.log(`[tandem] ${message}`))
  const poolOptions = options.pool ?? {}
  let scheduler: Scheduler
  if (poolOptions === false) scheduler = new InlineScheduler()
  else {
    const pool = createBunPool(options.entry ?? Bun.main, { ...poolOptions, logger })
    await pool.start()
    scheduler = pool
  }
  setScheduler(scheduler)
  setRequestStorage(new AsyncLocalStorage())
  await app.start()

  const port = options.port ?? (Number(process.env.PORT) || 8000)
  const hostname = options.hostname ?? '127.0.0.1'
  let server: ReturnType<typeof Bun.serve>
  try {
    server = Bun.serve({ port, hostname, fetch: (request) => app.fetch(request) })
  } catch (error) {
    await scheduler.close()
    setScheduler(undefined)
    throw new Error(`serve(): could not listen on ${hostname}:${port}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${server.port}`
  const stopWatchdog =
    options.watchdog === false ? () => {} : startWatchdog(app, logger, options.watchdog ?? {})

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      stopWatchdog()
      app.beginShutdown()
      const stopped = server.stop(false)
      while (server.pendingRequests > 0) await new Promise((r) => setTimeout(r, 10))
      await app.settled()
      await scheduler.close()
      setScheduler(undefined)
      setRequestStorage(undefined)
      await app.close()
      await stopped
    })()
    return closing
  }
  if (options.handleSignals !== false) {
    const onSignal = (signal: string) => {
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
  info(
    poolOptions === false
      ? 'pool: off (blocking functions run inline, on the event loop)'
      : `pool: ${size} web worker${size === 1 ? '' : 's'} (pool.size), queue up to ${poolOptions.maxQueue ?? 1024} call${poolOptions.maxQueue === 1 ? '' : 's'} (pool.maxQueue), timeout ${poolOptions.timeout ? `${poolOptions.timeout} ms` : 'none'} (pool.timeout)`,
  )
  return { url, port: server.port as number, scheduler, server, close }
}
