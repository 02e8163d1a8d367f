import { ask, expectJson } from '../lib/check.ts'
import type { CheckResult, Scenario } from '../lib/types.ts'

/** The CPU route's load: 16 connections on `/work`, and the paced probe on `/health`. */
export const load: Scenario['load'] = {
  method: 'GET',
  path: '/work',
  connections: 16,
  probe: { path: '/health', rate: 100 },
}

/** `/health` answers `{"status":"ok"}`, `/work` a 64-hex-digit hash. */
export async function check(baseUrl: string): Promise<CheckResult> {
  const work = await ask(`${baseUrl}/work`)
  const problems = expectJson('GET /health', await ask(`${baseUrl}/health`), 200, { status: 'ok' })
  const hash = (work.json as { hash?: unknown } | undefined)?.hash
  if (work.status !== 200 || typeof hash !== 'string' || hash.length !== 64) {
    problems.push(`GET /work: ${work.status} ${work.text.slice(0, 200)}`)
  }
  return { problems, columns: {} }
}

export const cpu: Scenario = {
  name: 'cpu',
  title: 'cpu: GET /work, ~5 ms of CPU per request, with a paced /health probe',
  description:
    'A CPU route (pbkdf2 sha256, 29,000 iterations ≈ 5 ms) under 16 connections, while a second wrk ' +
    'asks `/health` on one connection at ~100 req/s: the probe shows whether cheap requests wait ' +
    'behind the expensive ones. Inline pbkdf2Sync blocks the event loop; async pbkdf2 runs on ' +
    "libuv's pool (4 threads); piscina runs pbkdf2Sync on 2 threads; Tandem runs pbkdf2Sync in a " +
    "`blocking()` handler on @tandem/node's worker pool (default size: one thread per core, 2 here; " +
    'workers at niceness 10, below the event loop), and once more with `pool.nice: 0`. ' +
    'Targets: Tandem ≥ 0.95x piscina, and /health p99 under 5 ms while /work is saturated.',
  reference:
    "Node 20 on the project's machine, 2026-11-22: j1 Hono pbkdf2Sync inline 201 req/s (p50 78.5 ms, " +
    '/health p50 145 ms, p99 154 ms); j4 Hono async crypto.pbkdf2 381 req/s (p50 41.4 ms, /health p50 ' +
    '56 µs, p99 4.8 ms); j3 piscina 2 threads 391 req/s (p50 40.7 ms, p99 55.7 ms, /health p50 57 µs, ' +
    'p99 2.3 ms).',
  servers: [
    { id: 'inline', label: 'Hono, pbkdf2Sync inline (event loop)', file: 'hono-cpu-inline.ts' },
    { id: 'async', label: 'Hono, async crypto.pbkdf2 (libuv pool)', file: 'hono-cpu-async.ts' },
    { id: 'piscina', label: 'Hono, pbkdf2Sync on piscina (2 threads)', file: 'hono-cpu-piscina.ts' },
    { id: 'tandem', label: 'Tandem, blocking() on the @tandem/node pool', file: 'tandem-cpu-blocking.ts' },
    {
      id: 'tandem-nice0',
      label: 'Tandem, pool.nice 0 (workers at the loop priority)',
      file: 'tandem-cpu-blocking.ts',
      env: { TANDEM_BENCH_POOL_NICE: '0' },
    },
  ],
  load,
  check,
  ratios: [
    { label: 'async pool / inline', numerator: 'async', denominator: 'inline' },
    {
      label: 'Tandem blocking() / piscina 2 threads (target ≥ 0.95x)',
      numerator: 'tandem',
      denominator: 'piscina',
    },
    { label: 'Tandem, pool.nice 0 / piscina 2 threads', numerator: 'tandem-nice0', denominator: 'piscina' },
    { label: 'Tandem blocking() / Hono async pbkdf2', numerator: 'tandem', denominator: 'async' },
    { label: 'Tandem blocking() / inline', numerator: 'tandem', denominator: 'inline' },
  ],
}
