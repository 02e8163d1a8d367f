// A Tandem server whose blocking functions run on NATS workers, all on this machine and all below
// this process (so the harness counts their CPU as the server's): a nats-server on a free port
// (tooling/runtimes' startNatsServer), `count` tandem-nats-worker processes of one thread each,
// loading the server's own file as their entry, and serve(app, { scheduler: natsScheduler(...) }).
// On SIGTERM or SIGINT it closes the server, then stops the workers and nats-server by PID, then exits.
import type { App } from '@tandem/core'
import type { Scheduler } from '@tandem/core/adapter'
import { natsScheduler } from '@tandem/nats'
import { type Child, startNatsServer, startNatsWorker } from '../lib/nats.ts'
import { hostname, port } from './env.ts'

type Serve = (
  app: App,
  options: { port: number; hostname: string; scheduler: Scheduler; handleSignals: boolean },
) => Promise<{ close(): Promise<void> } | undefined>

const SUBJECT = 'tandem-bench'

export async function serveOnNats(app: App, serve: Serve, count: number): Promise<void> {
  const entry = process.argv[1]
  if (!entry) throw new Error('nats-fleet: the server file is unknown (process.argv[1])')
  const nats = await startNatsServer()
  const workers: Child[] = []
  const stopChildren = async () => {
    // Workers first (they finish what runs and say bye), then the server they talk through.
    await Promise.all(workers.map((worker) => worker.stop('SIGTERM', 1500)))
    await nats.stop()
  }
  let server: Awaited<ReturnType<Serve>>
  try {
    for (let i = 0; i < count; i++) workers.push(startNatsWorker(entry, nats.url, SUBJECT, 1, true))
    const scheduler = await natsScheduler({ servers: nats.url, subject: SUBJECT, discover: 0 })
    await scheduler.waitForWorkers(count, 20_000)
    server = await serve(app, { port, hostname, scheduler, handleSignals: false })
  } catch (error) {
    await stopChildren()
    throw error
  }
  console.log(
    `[bench] nats-server pid ${nats.pid} at ${nats.url}; ${count} tandem-nats-worker(s), pids ` +
      workers.map((worker) => worker.pid).join(', '),
  )
  let stopping = false
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (stopping) return
      stopping = true
      void (async () => {
        await server?.close().catch((error) => console.error('[bench] closing the server failed', error))
        await stopChildren()
        process.exit(0)
      })()
    })
  }
}
