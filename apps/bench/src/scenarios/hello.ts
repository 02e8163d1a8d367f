import { ask, expectJson } from '../lib/check.ts'
import type { Scenario } from '../lib/types.ts'

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
  load: { method: 'GET', path: '/', connections: 50 },
  async check(baseUrl) {
    return {
      problems: expectJson('GET /', await ask(`${baseUrl}/`), 200, { message: 'Hello World' }),
      columns: {},
    }
  },
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
