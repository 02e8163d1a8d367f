// Node, with the kitchen on remote workers: blocking functions run on `tandem-nats-worker` processes
// (on this machine or others) that take calls over NATS. `pnpm start:fleet` starts nats-server, two
// workers and this server (scripts/fleet.ts). Workers load this module too: there natsScheduler()
// connects to nothing and serve() does not listen. NATS_URL, PORT and BURGERS_DB from the environment;
// WAIT_FOR_WORKERS=N waits for N workers before listening.
import { NatsScheduler, natsScheduler } from '@tandem/nats'
import { serve } from '@tandem/node'
import { app } from './app.ts'

// Exported too, as src/node.ts does (`tandem routes src/node.ts` lists the same app without NATS: importing
// this module connects to it).
export { app }

const scheduler = await natsScheduler({
  servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  subject: 'burgers',
})

// Not in a worker, where natsScheduler() gives an inline scheduler that has no workers to wait for.
const workers = Number(process.env.WAIT_FOR_WORKERS) || 0
if (workers > 0 && scheduler instanceof NatsScheduler) await scheduler.waitForWorkers(workers, 60_000)

await serve(app, { port: Number(process.env.PORT ?? 8000), scheduler })
