// The one place that decides how the Tandem servers listen.
// - On Node, by default: @tandem/node's serve() (node:http, its worker pool and loop watchdog), the
//   product's path.
// - On Node with TANDEM_BENCH_ADAPTER=hono-node-server: app.fetch on @hono/node-server's serve(), as a
//   user of the bare fetch handler would; the difference between the two is the cost of @tandem/node.
// - On Bun (the harness runs the file with `bun`): @tandem/bun's serve() (Bun.serve, Web Worker pool).
// - On Bun with TANDEM_BENCH_ADAPTER=bun-serve: app.fetch on a bare Bun.serve, as bare Hono is served;
//   the difference is the cost of @tandem/bun.
// - TANDEM_BENCH_LOOPS=N (Node or Bun serve()): serve(app, { workers: N }), N event loops as N processes
//   sharing the port (SO_REUSEPORT), supervised by this one; unset: serve()'s default, one loop.
// (On workerd a server file is a Worker module, `export default app`: it does not come here.)
import type { App } from '@tandem/core'
import { hostname, port, serveFetch } from './env.ts'

export async function serveTandem(app: App): Promise<void> {
  // TANDEM_BENCH_POOL_NICE: the pool workers' niceness (default: the adapter's, 10).
  const nice = process.env.TANDEM_BENCH_POOL_NICE
  const pool = nice ? { pool: { nice: Number(nice) } } : {}
  const loops = process.env.TANDEM_BENCH_LOOPS
  const workers = loops ? { workers: Number(loops) } : {}
  const adapter = process.env.TANDEM_BENCH_ADAPTER
  if (process.versions.bun) {
    if (adapter === 'bun-serve') {
      await serveFetch(app.fetch)
      return
    }
    // In a pool worker (which loads this same module) serve() registers the app and listens to nothing.
    const { serve } = await import('@tandem/bun')
    await serve(app, { port, hostname, ...pool, ...workers })
    return
  }
  if (adapter === 'hono-node-server') {
    await serveFetch(app.fetch)
    return
  }
  const { serve } = await import('@tandem/node')
  await serve(app, { port, hostname, ...pool, ...workers })
}
