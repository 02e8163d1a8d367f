import type { App } from '../app.ts'
import { InlineScheduler } from '../execution/inline.ts'
import type { Scheduler } from '../execution/scheduler.ts'
import { registerWorkerApp } from '../pool/worker-app.ts'
import { setBodyReader } from '../request/body.ts'
import { setCodeCompiler } from '../validation/compiler.ts'
import { webSocketPaths } from '../ws/upgrade.ts'
import type { ServeOptions, ServerAdapter, TandemServer } from './contract.ts'
import { abandonServing, checkServingOptions, describePool, prepareServing, runServing } from './serving.ts'

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
  if (adapter.inPoolWorker()) {
    registerWorkerApp(app)
    return undefined
  }
  // `tandem routes` and `tandem openapi` import the entry to read its app: a serve() there does not listen.
  if ((globalThis as Record<symbol, unknown>)[Symbol.for('tandem.inspectOnly')] === true) return undefined
  checkServingOptions(options)
  checkWebSockets(app, adapter)
  const logger = options.logger ?? app.logger
  const settings = options.pool ?? {}
  let scheduler: Scheduler
  let description: string
  if (settings === false) {
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

  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
  const port = options.port ?? (Number(env?.PORT) || 8000)
  const hostname = options.hostname ?? '127.0.0.1'
  let listening: Awaited<ReturnType<typeof adapter.listen>>
  try {
    listening = await adapter.listen(app, { port, hostname }, options)
  } catch (error) {
    await abandonServing(scheduler)
    throw new Error(`serve(): could not listen on ${hostname}:${port}: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const close = runServing(app, scheduler, listening, options, description)
  return { url: listening.url, port: listening.port, scheduler, server: listening.server, close }
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
