import { AsyncLocalStorage } from 'node:async_hooks'
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
import { bunDrain } from './drain.ts'
import { type BunPoolOptions, createBunPool } from './pool.ts'
import { bunFetch } from './requests.ts'
import { bunWebSockets } from './websocket.ts'

/** Options of `serve()`: the same as `@tandem/node`'s, with Bun's pool options (`smol`). */
export interface ServeOptions extends CoreServeOptions<BunPoolOptions> {}

/** A running server; `server` is the underlying `Bun.serve` server. */
export interface TandemServer extends CoreTandemServer<ReturnType<typeof Bun.serve>> {}

/** Bun's side of the serving lifecycle: `Bun.serve`, a Web Worker pool. */
const bunAdapter: ServerAdapter<ServeOptions, ReturnType<typeof Bun.serve>> = {
  workers: 'web worker',
  runtime: 'Bun',
  webSockets: true,
  requestStorage: () => new AsyncLocalStorage(),
  // Bun evaluates code: response models get compiled writers.
  compile: (parameters, body) => new Function(...parameters, body) as (...args: unknown[]) => unknown,
  mainModule: () => Bun.main,
  loops: processLoops,
  async startPool(settings, entry, logger) {
    const pool = createBunPool(entry, { ...settings, logger })
    await pool.start()
    return { scheduler: pool, description: describePool('web worker', pool.stats().size, settings) }
  },
  async listen(app, { port, hostname, reusePort = false }) {
    let server: ReturnType<typeof Bun.serve> | undefined
    const drain = bunDrain(
      bunFetch(
        // The server as `env`, as `Bun.serve({ fetch: app.fetch })` gives it: Hono's getConnInfo
        // (`hono/bun`) reads the client's address from it.
        (request) => app.fetch(request, server),
        () => hostAndPort(hostname, server?.port ?? port),
      ),
    )
    const sockets = bunWebSockets(app)
    server = sockets
      ? Bun.serve({
          port,
          hostname,
          reusePort,
          fetch: sockets.fetch(drain.fetch),
          websocket: sockets.websocket,
        })
      : Bun.serve({ port, hostname, reusePort, fetch: drain.fetch })
    const url = serverUrl(hostname, server.port as number)
    return { ...drain.lifecycle(server, url), port: server.port as number, server }
  },
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
export function serve(app: App<any, any>, options: ServeOptions = {}): Promise<TandemServer | undefined> {
  return serveWith(bunAdapter, app, options)
}
