// The one place that decides how the Tandem servers listen.
// - Default: @tandem/node's serve() (node:http, its worker pool and loop watchdog), the product's path.
// - TANDEM_BENCH_ADAPTER=hono-node-server: app.fetch on @hono/node-server's serve(), as a user of
//   the bare fetch handler would; the difference between the two is the cost of @tandem/node itself.
import { serve as serveFetch } from '@hono/node-server'
import type { App } from '@tandem/core'
import { serve } from '@tandem/node'
import { hostname, port } from './env.ts'

export async function serveTandem(app: App): Promise<void> {
  if (process.env.TANDEM_BENCH_ADAPTER === 'hono-node-server') {
    serveFetch({ fetch: app.fetch, port, hostname })
    return
  }
  // In a pool worker (which loads this same module) serve() registers the app and listens to nothing.
  // TANDEM_BENCH_POOL_NICE: the pool workers' niceness (default: @tandem/node's, 10).
  const nice = process.env.TANDEM_BENCH_POOL_NICE
  await serve(app, { port, hostname, ...(nice ? { pool: { nice: Number(nice) } } : {}) })
}
