import { ask, expectJson } from '../lib/check.ts'
import type { CheckResult, Scenario } from '../lib/types.ts'

/** What wrk sends, on every runtime. */
export const load: Scenario['load'] = { method: 'GET', path: '/', connections: 50 }

/** The one answer every server must give. */
export async function check(baseUrl: string): Promise<CheckResult> {
  return {
    problems: expectJson('GET /', await ask(`${baseUrl}/`), 200, { message: 'Hello World' }),
    columns: {},
  }
}

export const hello: Scenario = {
  name: 'hello',
  title: 'hello: GET / → {"message":"Hello World"}',
  description:
    "The framework's fixed cost per request: routing, the handler call, JSON serialization and the " +
    'Node adapter, with nothing else to do. node:http is the floor of what Node can do; bare Hono on ' +
    "@hono/node-server is Tandem's engine without Tandem. Tandem runs twice: with @tandem/node's " +
    "`serve()` (the product), and as `app.fetch` on @hono/node-server (bare Hono's adapter: the " +
    'difference is the cost of Tandem itself). Target: Tandem ≥ 0.95x bare Hono.',
  reference:
    "Peers on the project's machine (2 cores, Node 20, 2026-11-22): node:http 86.5k req/s, Hono + " +
    '@hono/node-server 81.5k, Fastify 84.7k.',
  servers: [
    { id: 'node', label: 'node:http (reference)', file: 'node-http-hello.ts' },
    { id: 'hono', label: 'bare Hono + @hono/node-server', file: 'hono-hello.ts' },
    { id: 'fastify', label: 'Fastify', file: 'fastify-hello.ts' },
    { id: 'tandem', label: 'Tandem, @tandem/node serve()', file: 'tandem-hello.ts' },
    {
      id: 'tandem-fetch',
      label: 'Tandem, app.fetch on @hono/node-server',
      file: 'tandem-hello.ts',
      env: { TANDEM_BENCH_ADAPTER: 'hono-node-server' },
    },
  ],
  load,
  check,
  ratios: [
    { label: 'Tandem / bare Hono', numerator: 'tandem', denominator: 'hono', target: 0.95 },
    {
      label: 'Tandem (app.fetch on @hono/node-server) / bare Hono',
      numerator: 'tandem-fetch',
      denominator: 'hono',
    },
    { label: 'Tandem / node:http', numerator: 'tandem', denominator: 'node' },
    { label: 'bare Hono / node:http', numerator: 'hono', denominator: 'node' },
    { label: 'Fastify / node:http', numerator: 'fastify', denominator: 'node' },
  ],
}

/** The same measurement on Bun, every server a `bun` process: Tandem against bare Hono on Bun.serve. */
export const helloBun: Scenario = {
  name: 'hello-bun',
  title: 'hello-bun: GET / → {"message":"Hello World"} on Bun',
  description:
    "`hello` on Bun, every server a `bun` process (the workspace's Bun): the framework's fixed cost per " +
    'request on Bun.serve. Bare Bun.serve answering the JSON directly is the floor; bare Hono is ' +
    "`Bun.serve({ fetch: hono.fetch })`. Tandem runs twice: with @tandem/bun's `serve()` (the product: " +
    'Bun.serve, its default Web Worker pool, idle here, and its request checks and shutdown tracking), ' +
    'and as `app.fetch` on a bare Bun.serve, as bare Hono is served (the difference is the cost of ' +
    '@tandem/bun). Target: Tandem ≥ 0.95x bare Hono.',
  servers: [
    { id: 'bun', label: 'Bun.serve, JSON directly (reference)', file: 'bun-hello.ts', runtime: 'bun' },
    { id: 'hono', label: 'bare Hono on Bun.serve', file: 'hono-hello.ts', runtime: 'bun' },
    { id: 'tandem', label: 'Tandem, @tandem/bun serve()', file: 'tandem-hello.ts', runtime: 'bun' },
    {
      id: 'tandem-fetch',
      label: 'Tandem, app.fetch on Bun.serve',
      file: 'tandem-hello.ts',
      runtime: 'bun',
      env: { TANDEM_BENCH_ADAPTER: 'bun-serve' },
    },
  ],
  load,
  check,
  ratios: [
    { label: 'Tandem / bare Hono', numerator: 'tandem', denominator: 'hono', target: 0.95 },
    { label: 'Tandem (app.fetch on Bun.serve) / bare Hono', numerator: 'tandem-fetch', denominator: 'hono' },
    { label: 'Tandem / Tandem app.fetch on Bun.serve', numerator: 'tandem', denominator: 'tandem-fetch' },
    { label: 'Tandem / Bun.serve', numerator: 'tandem', denominator: 'bun' },
    { label: 'bare Hono / Bun.serve', numerator: 'hono', denominator: 'bun' },
  ],
}

/** The same measurement on workerd, every server one `workerd serve` process: Tandem against bare Hono. */
export const helloWorkerd: Scenario = {
  name: 'hello-workerd',
  title: 'hello-workerd: GET / → {"message":"Hello World"} on workerd',
  description:
    '`hello` on workerd: each server is a Worker module bundled with esbuild and served by the real ' +
    '`workerd serve` (one process each, one Worker, one HTTP socket on 127.0.0.1; the compatibility date ' +
    "and flags of Tandem's workerd tests: 2026-10-01, nodejs_compat). A Worker answering the JSON " +
    "directly is the floor; bare Hono is `export default hono`; Tandem is `export default app` (Tandem's " +
    'workerd path: no adapter, no pool, no code compiler). Target: Tandem ≥ 0.95x bare Hono.',
  servers: [
    {
      id: 'workerd',
      label: 'Worker, JSON directly (reference)',
      file: 'workerd-hello.ts',
      runtime: 'workerd',
    },
    {
      id: 'hono',
      label: 'bare Hono, export default hono',
      file: 'hono-hello-workerd.ts',
      runtime: 'workerd',
    },
    {
      id: 'tandem',
      label: 'Tandem, export default app',
      file: 'tandem-hello-workerd.ts',
      runtime: 'workerd',
    },
  ],
  load,
  check,
  ratios: [
    { label: 'Tandem / bare Hono', numerator: 'tandem', denominator: 'hono', target: 0.95 },
    { label: 'Tandem / Worker (no framework)', numerator: 'tandem', denominator: 'workerd' },
    { label: 'bare Hono / Worker (no framework)', numerator: 'hono', denominator: 'workerd' },
  ],
}
