import { natsServerVersion } from '../lib/nats.ts'
import type { Scenario } from '../lib/types.ts'
import { check, load } from './cpu.ts'

/** What a 2-core machine can and cannot say of remote workers; printed after the table. */
const costs =
  '"CPU per request" = µs of server CPU per request, median of the runs, summed over the server\'s whole ' +
  'process tree: for the NATS server, the process serving HTTP (the scheduler), nats-server and the 2 ' +
  'tandem-nats-worker processes with their threads; for the local pool, the one process and its 2 pool ' +
  'threads. "processes" = the most processes the server had at once (NATS: 1 + nats-server + 2 workers = ' +
  '4); "first process CPU" = the CPU of the process serving HTTP alone; "wrk CPU" = the load generators\'.\n\n' +
  '**Overhead, not scale-out.** The "remote" workers run on the same 2 cores as the HTTP server, ' +
  'nats-server and wrk: the NATS route cannot have more CPU than the local pool, only spend more of it ' +
  "per request (encoding the request context, two NATS hops each way through nats-server, the worker's " +
  'own event loop and its hop to its thread). What carries over is that extra CPU per request and the ' +
  'latency it adds; what this machine cannot show is the point of remote workers, more cores than the ' +
  "server's own."

export const natsCpu: Scenario = {
  name: 'nats-cpu',
  title: 'nats-cpu: GET /work (~5 ms of CPU) on 2 NATS worker processes against the local thread pool',
  description:
    "The `cpu` scenario's route (pbkdf2 sha256, 29,000 iterations ≈ 5 ms, in a `blocking()` handler; " +
    '16 connections plus the paced `/health` probe at ~100 req/s), served by the same server file ' +
    "(`src/servers/tandem-cpu-blocking.ts`) twice: with `@tandem/node`'s local thread pool of 2 threads " +
    '(`pool.size` 2, nice 10), and with `serve(app, { scheduler: await natsScheduler(...) })` and 2 ' +
    '`tandem-nats-worker` processes, `--concurrency 1` each (one pool thread at nice 10 each), which load ' +
    'the same file as their entry, through a local nats-server; the server process starts nats-server ' +
    'and the workers as its children (`TANDEM_BENCH_NATS_WORKERS=2`, `src/servers/nats-fleet.ts`), so ' +
    'the server CPU is that of all four processes. Each request is one `ctx` call (the request context, ' +
    "V8-serialized) and one `release` message to its worker. Everything runs on this machine's 2 cores: " +
    'this measures the overhead of the NATS route, not scale-out.',
  servers: [
    {
      id: 'local',
      label: 'Tandem, blocking() on the local pool (2 threads)',
      file: 'tandem-cpu-blocking.ts',
      env: { TANDEM_BENCH_POOL_SIZE: '2' },
    },
    {
      id: 'nats',
      label: 'Tandem, blocking() on 2 tandem-nats-worker processes (1 thread each) over NATS',
      file: 'tandem-cpu-blocking.ts',
      env: { TANDEM_BENCH_NATS_WORKERS: '2' },
    },
  ],
  load,
  check,
  ratios: [{ label: 'NATS workers / local pool', numerator: 'nats', denominator: 'local', cost: true }],
  costs,
  packages: ['@tandem/nats', '@nats-io/transport-node'],
  tools: () => [natsServerVersion()],
}
