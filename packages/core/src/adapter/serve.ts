import type { App, Logger } from '../app.ts'
import { InlineScheduler } from '../execution/inline.ts'
import type { Scheduler } from '../execution/scheduler.ts'
import { isPoolWorker } from '../execution/scheduler-registry.ts'
import { registerWorkerApp } from '../pool/worker-app.ts'
import { setBodyReader } from '../request/body.ts'
import { setCodeCompiler } from '../validation/compiler.ts'
import { webSocketPaths } from '../ws/upgrade.ts'
import type { LoopSupport, ServeOptions, ServerAdapter, TandemServer } from './contract.ts'
import {
  abandonServing,
  checkServingOptions,
  describePool,
  prepareServing,
  runServing,
  startupInfo,
} from './serving.ts'

/**
 * Serves `app` with a server adapter: the lifecycle every server adapter shares (see
 * `ServerAdapter`). In a pool worker it registers the app and resolves to `undefined`, so one module
 * serves as both the server's entry and the workers'.
 *
 * @example
 * export function serve(app: App<any, any>, options: ServeOptions = {}) {
 *   return serveWith(nodeAdapter, app, options)
 * }
 */
export async function serveWith<Options extends ServeOptions<any>, Server>(
  adapter: ServerAdapter<Options, Server>,
  app: App<any, any>,
  options: Options,
): Promise<TandemServer<Server> | undefined> {
  // In a pool worker (marked by runPoolWorker before the entry loads, whichever adapter the entry
  // imports: a Bun Web Worker may load an entry written with @tandem/node).
  if (isPoolWorker()) {
    registerWorkerApp(app)
    return undefined
  }
  // `tandem routes` and `tandem openapi` import the entry to read its app: a serve() there does not
  // listen. `tandem run` and `tandem dev` serve the app themselves, with the options written here.
  const global = globalThis as Record<symbol, unknown>
  if (global[Symbol.for('tandem.inspectOnly')] === true) {
    global[Symbol.for('tandem.served')] = { app, options }
    return undefined
  }
  checkServingOptions(options)
  checkWebSockets(app, adapter)
  if (options.scheduler && options.pool !== undefined) {
    throw new TypeError(
      'serve(): both scheduler and pool were given. Blocking functions run on one of them: pass ' +
        'scheduler (your own) or pool (the settings of the adapter’s pool), not both.',
    )
  }
  const workers = checkedWorkers(options.workers)
  const loop = adapter.loops?.current()
  const logger = options.logger ?? app.logger
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
  const port = loop?.port ?? options.port ?? (Number(env?.PORT) || 8000)
  const hostname = options.hostname ?? '127.0.0.1'
  if (workers > 1 && !loop) {
    if (!adapter.loops) {
      throw new Error(
        `serve(): workers: ${workers} is not available on ${adapter.runtime ?? 'this adapter'}, which serves one ` +
          'event loop per process. Remove the option, or run one process per port behind a proxy.',
      )
    }
    await adapter.loops.supervise({
      count: workers,
      port,
      hostname,
      info: startupInfo(options),
      error: (m) => logger.error(m),
    })
    return undefined
  }
  try {
    return await serveOne(adapter, app, options, { port, hostname, loop })
  } catch (error) {
    if (loop) adapter.loops?.reportFailure(error)
    throw error
  }
}

/** Serves on this process's event loop: the pool, the lifespan, the listener, the lifecycle. */
async function serveOne<Options extends ServeOptions<any>, Server>(
  adapter: ServerAdapter<Options, Server>,
  app: App<any, any>,
  options: Options,
  where: { port: number; hostname: string; loop: ReturnType<LoopSupport['current']> },
): Promise<TandemServer<Server>> {
  const { port, hostname, loop } = where
  const logger = options.logger ?? app.logger
  let settings = options.pool ?? {}
  // One of several loops: the cores are shared between the loops' pools, unless pool.size says.
  if (loop && adapter.loops && settings !== false && settings.size === undefined) {
    settings = { ...settings, size: adapter.loops.poolShare(loop.count) }
  }
  let scheduler: Scheduler
  let description: string
  if (options.scheduler) {
    scheduler = options.scheduler
    description = `scheduler: ${scheduler.describe?.() ?? scheduler.name} (serve's scheduler option)`
  } else if (settings === false) {
    scheduler = new InlineScheduler()
    description = describePool(adapter.workers, 0, false)
  } else {
    const entry = options.entry ?? adapter.mainModule()
    if (!entry) {
      throw new Error(
        'serve(): cannot tell which module pool workers should load (the main module is unknown). ' +
          'Pass serve(app, { entry: new URL(import.meta.url) }) from the module that declares your blocking functions.',
      )
    }
    ;({ scheduler, description } = await adapter.startPool(settings, entry, logger))
  }
  if (adapter.bodyReader) setBodyReader(adapter.bodyReader)
  // Runtimes that evaluate code give response models compiled writers (core makes the source, never runs it).
  if (adapter.compile) setCodeCompiler(adapter.compile)
  await prepareServing(app, scheduler, adapter.requestStorage())

  let listening: Awaited<ReturnType<typeof adapter.listen>>
  try {
    listening = await adapter.listen(app, { port, hostname, reusePort: loop !== undefined }, options)
  } catch (error) {
    await abandonServing(scheduler)
    throw new Error(`serve(): could not listen on ${hostname}:${port}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const close = runServing(
    app,
    scheduler,
    listening,
    loop ? inLoop(options, logger, loop) : options,
    description,
  )
  if (loop) {
    // A loop never outlives its supervisor: if it goes, the loop finishes its requests and exits.
    const proc = (globalThis as { process?: { exit(code: number): void } }).process
    adapter.loops?.reportListening(listening.url, () => {
      close().then(
        () => proc?.exit(0),
        () => proc?.exit(1),
      )
    })
  }
  return { url: listening.url, port: listening.port, scheduler, server: listening.server, close }
}

/** A loop's options: its start-up lines say which loop of how many. */
function inLoop<Options extends ServeOptions<any>>(
  options: Options,
  logger: Logger,
  loop: { index: number; count: number },
): Options {
  const info = startupInfo(options)
  return {
    ...options,
    logger: {
      error: (message: string, error?: unknown) => logger.error(message, error),
      warn: (message: string) => logger.warn(message),
      info: (message: string) => info(`loop ${loop.index}/${loop.count}: ${message}`),
    },
  }
}

/** `workers`, checked: a whole number, 1 or more (default 1). */
function checkedWorkers(workers: number | undefined): number {
  if (workers === undefined) return 1
  if (!Number.isInteger(workers) || workers < 1) {
    throw new TypeError(
      `serve(): workers must be a whole number of event loops, 1 or more (got ${String(workers)}).`,
    )
  }
  return workers
}

/** Refuses, at start-up, an app with WebSocket routes on an adapter that does not serve them. */
function checkWebSockets(app: App<any, any>, adapter: ServerAdapter<any, unknown>): void {
  if (adapter.webSockets) return
  const paths = webSocketPaths(app)
  if (paths.length === 0) return
  throw new Error(
    `serve(): this app declares WebSocket routes (app.ws: ${paths.join(', ')}), which ` +
      `${adapter.runtime ? `the ${adapter.runtime} adapter` : 'this adapter'} does not serve yet. ` +
      'Serve it on a runtime that does (docs/websockets.md lists them), or remove those routes.',
  )
}

/**
 * The base URL of a server listening at `hostname` and `port` (IPv6 addresses in brackets).
 *
 * @example
 * serverUrl('::1', 8000) // 'http://[::1]:8000'
 */
export function serverUrl(hostname: string, port: number): string {
  return `http://${hostAndPort(hostname, port)}`
}

/**
 * `host:port` as a `Host` header or URL authority says it (IPv6 addresses in brackets).
 *
 * @example
 * hostAndPort('127.0.0.1', 8000) // '127.0.0.1:8000'
 */
export function hostAndPort(hostname: string, port: number): string {
  return `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`
}
