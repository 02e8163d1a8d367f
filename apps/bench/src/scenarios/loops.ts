import type { Runtime, Scenario, ServerSpec } from '../lib/types.ts'
import { check as helloCheck, load as helloLoad } from './hello.ts'
import { check as realisticCheck, columns as realisticColumns, load as realisticLoad } from './realistic.ts'

/** The most a request may cost in server CPU with 2 loops, relative to 1 loop (issue 14). */
const COST_TARGET = 1.05

/** Tandem's serve() with 1 and with 2 event loops (`workers: 2`), on Node and on Bun. */
function servers(file: string): ServerSpec[] {
  const spec = (runtime: Runtime, name: string, loops: number): ServerSpec => ({
    id: `${runtime}-${loops}`,
    label:
      loops === 1
        ? `Tandem on ${name}, 1 event loop (serve())`
        : `Tandem on ${name}, ${loops} event loops (serve(app, { workers: ${loops} }))`,
    file,
    runtime,
    env: { TANDEM_BENCH_LOOPS: String(loops) },
    // The supervisor's line once every loop listens: the first loop answers before the second listens.
    ...(loops > 1 ? { readyLine: `[tandem] ${loops} event loops` } : {}),
  })
  return [spec('node', 'Node', 1), spec('node', 'Node', 2), spec('bun', 'Bun', 1), spec('bun', 'Bun', 2)]
}

const ratios: Scenario['ratios'] = [
  { label: 'Node, 2 loops / 1 loop', numerator: 'node-2', denominator: 'node-1', costTarget: COST_TARGET },
  { label: 'Bun, 2 loops / 1 loop', numerator: 'bun-2', denominator: 'bun-1', costTarget: COST_TARGET },
]

const description = (route: string) =>
  `Tandem's \`serve()\` with one event loop and with two (\`serve(app, { workers: 2 })\`: a supervisor ` +
  'process starts 2 processes of the same program, each listening on the port with SO_REUSEPORT, each ' +
  'with a pool of max(1, floor(cores / 2)) workers; the supervisor itself serves nothing), on Node ' +
  `(@tandem/node) and on Bun (@tandem/bun), on ${route}. The server's CPU is that of its whole process ` +
  'tree: the process the harness started and every process below it (found in /proc by parent id), ' +
  'with all their threads. Target (issue 14): server CPU per request with 2 loops ≤ ' +
  `${COST_TARGET.toFixed(2)}x that with 1 loop.`

/** What the figures of a 2-core machine can and cannot say; printed after the table. */
const costs =
  '"CPU per request" = µs of server CPU (all its processes) per request, median of the runs; it is ' +
  '1 000 000 ÷ "req/s per server core". "processes" = the most processes the server had at once ' +
  '(1 + 2 loops = 3); "first process CPU" = the CPU of the process the harness started alone (with 2 ' +
  'loops: the supervisor, which should use none); "wrk CPU" = the load generator\'s.\n\n' +
  '**What wrk sharing the 2 cores hides.** wrk runs on the same 2 cores as the server. With 1 loop the ' +
  'server can use at most one core and wrk takes most of the other; with 2 loops the loops could use ' +
  'both cores, but wrk still needs its share, so the server gets about what wrk leaves (the "server ' +
  'CPU" column): req/s cannot double here, and the req/s ratio says how much more CPU the server got ' +
  'as much as how well the loops scale. What carries over is the CPU cost of a request ("req/s per ' +
  'server core", "CPU per request"): if 2 loops cost the same per request, a machine with cores to ' +
  'spare (wrk elsewhere) would see req/s grow with the loops up to the cores. What this machine cannot ' +
  'show: that growth itself, the effect of two loops each having a core of its own (here they and wrk ' +
  "take turns on 2 cores, with more context switches), and the kernel's spread of connections across " +
  'loops under a load from other machines.'

export const loopsHello: Scenario = {
  name: 'loops-hello',
  title: 'loops-hello: GET / with 1 and 2 event loops',
  description: `${description('the hello route (`GET /` → `{"message":"Hello World"}`, see hello.md)')}`,
  servers: servers('tandem-hello.ts'),
  load: helloLoad,
  check: helloCheck,
  ratios,
  costs,
}

export const loopsRealistic: Scenario = {
  name: 'loops-realistic',
  title: 'loops-realistic: POST /orders/:id?verbose=true with 1 and 2 event loops',
  description: `${description('the realistic route (`POST /orders/42?verbose=true`, see realistic.md)')}`,
  servers: servers('tandem-realistic.ts'),
  load: realisticLoad,
  columns: realisticColumns,
  check: realisticCheck,
  ratios,
  costs,
}
