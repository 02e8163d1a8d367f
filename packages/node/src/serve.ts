import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { App } from '@tandem/core'
import {
  type ServeOptions as CoreServeOptions,
  type TandemServer as CoreTandemServer,
  describePool,
  hostAndPort,
  type ServerAdapter,
  serverUrl,
  serveWith,
} from '@tandem/core/adapter'
import { processLoops } from '@tandem/core/loops'
import { nodeBodyReader } from './body.ts'
import { drainable } from './drain.ts'
import { compileFunction, createListener, installFetchGlobals, type NodeEnv } from './listener.ts'
import { createNodePool, type NodePoolOptions, workerLimits } from './pool.ts'
import { serveWebSockets } from './websocket.ts'

/** Options of `serve()`: the port, the address, the pool (`size`, `maxQueue`, `timeout`, `resourceLimits`, `nice`), shutdown. */
export interface ServeOptions extends CoreServeOptions<NodePoolOptions> {}

/** A running server; `server` is the underlying `node:http` server. */
export interface TandemServer extends CoreTandemServer<HttpServer> {}

/** Node's side of the serving lifecycle: `node:http`, a worker_threads pool. */
const nodeAdapter: ServerAdapter<ServeOptions, HttpServer> = {
  workers: 'worker thread',
  runtime: 'Node',
  webSockets: true,
  requestStorage: () => new AsyncLocalStorage(),
  bodyReader: nodeBodyReader,
  compile: compileFunction,
  mainModule: () => process.argv[1],
  loops: processLoops,
  async startPool(settings, entry, logger) {
    const pool = createNodePool(entry, { ...settings, logger })
    await pool.start()
    return {
      scheduler: pool,
      description: `${describePool('worker thread', pool.stats().size, settings)}, heap up to ${
        workerLimits(settings.resourceLimits).maxOldGenerationSizeMb
      } MB per worker (pool.resourceLimits)`,
    }
  },
  async listen(app, { port, hostname, reusePort }, options) {
    installFetchGlobals()
    const logger = options.logger ?? app.logger
    let host = hostAndPort(hostname, port)
    const listener = createListener(
      app.fetch as (request: Request, env: NodeEnv) => Response | Promise<Response>,
      () => host,
      (message, error) => logger.error(message, error),
    )
    const server = createServer()
    const drain = drainable(server, listener)
    serveWebSockets(
      server,
      app,
      () => host,
      (message, error) => logger.error(message, error),
    )
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      // reusePort: one of several event loops sharing the port (serve's `workers`), Linux only.
      server.listen({ port, host: hostname, reusePort: reusePort === true }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const actualPort = (server.address() as AddressInfo).port
    host = hostAndPort(hostname, actualPort)
    return {
      url: serverUrl(hostname, actualPort),
      port: actualPort,
      server,
      // Stops listening; connections close as their last answer goes out (see drain.ts).
      stopAccepting: () => drain.stopAccepting(),
      idle: () => drain.idle(),
      closeConnections: () => drain.closeConnections(),
    }
  },
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
export function serve(app: App<any, any>, options: ServeOptions = {}): Promise<TandemServer | undefined> {
  return serveWith(nodeAdapter, app, options)
}
