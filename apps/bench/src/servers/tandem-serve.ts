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
// - TANDEM_BENCH_POOL_SIZE=N, TANDEM_BENCH_POOL_NICE=N: serve()'s pool.size and pool.nice.
// - TANDEM_BENCH_NATS_WORKERS=N (Node or Bun serve()): the blocking functions run on N
//   tandem-nats-worker processes over a nats-server, all started by this process (nats-fleet.ts),
//   through serve(app, { scheduler: natsScheduler(...) }). The workers load this same server file.
// (On workerd a server file is a Worker module, `export default app`: it does not come here.)
import type { App } from '@tandem/core'
import { isPoolWorker } from '@tandem/core/adapter'
import { hostname, port, serveFetch } from './env.ts'

export async function serveTandem(app: App): Promise<void> {
  // TANDEM_BENCH_POOL_NICE: the pool workers' niceness (default: the adapter's, 10).
  const nice = process.env.TANDEM_BENCH_POOL_NICE
  const size = process.env.TANDEM_BENCH_POOL_SIZE
  const pool =
    nice || size
      ? { pool: { ...(nice ? { nice: Number(nice) } : {}), ...(size ? { size: Number(size) } : {}) } }
      : {}
  const loops = process.env.TANDEM_BENCH_LOOPS
  const workers = loops ? { workers: Number(loops) } : {}
  const adapter = process.env.TANDEM_BENCH_ADAPTER
  const natsWorkers = process.env.TANDEM_BENCH_NATS_WORKERS
  // In a NATS worker (and its threads), which load this file as their entry, serve() below only registers the app.
  if (natsWorkers && !isPoolWorker()) {
    const { serveOnNats } = await import('./nats-fleet.ts')
    const { serve } = process.versions.bun ? await import('@tandem/bun') : await import('@tandem/node')
    await serveOnNats(app, serve, Number(natsWorkers))
    return
  }
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
