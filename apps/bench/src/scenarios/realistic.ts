import { ask, expect4xx, expectJson } from '../lib/check.ts'
import type { CheckResult, Scenario } from '../lib/types.ts'

const API_KEY = 'bench-secret-key'

/** The body every server gets, under load and in the check (~450 bytes). */
export const sampleOrder = {
  customerId: 1001,
  customerName: 'Ada Lovelace',
  email: 'ada@example.com',
  currency: 'EUR',
  priority: 3,
  giftWrap: true,
  tags: ['vip', 'web'],
  shippingAddress: { street: '12 rue de la Paix', city: 'Paris', postalCode: '75002', country: 'FR' },
  items: [
    { sku: 'BURGER-CLASSIC', quantity: 2, unitPrice: 8.5 },
    { sku: 'FRIES-L', quantity: 1, unitPrice: 3.25 },
    { sku: 'SODA-33', quantity: 3, unitPrice: 2.1 },
  ],
  notes: 'Ring twice, please.',
}

/** The answer to POST /orders/42?verbose=true with sampleOrder, written out by hand. */
const expectedVerbose = {
  id: 42,
  status: 'accepted',
  accountId: 'acc_1001',
  customerId: 1001,
  currency: 'EUR',
  itemCount: 6,
  subtotal: 26.55,
  tax: 5.31,
  shipping: 4.9,
  total: 36.76,
  shipTo: { city: 'Paris', country: 'FR' },
  giftWrap: true,
  notes: 'Ring twice, please.',
  lines: [
    { sku: 'BURGER-CLASSIC', quantity: 2, lineTotal: 17 },
    { sku: 'FRIES-L', quantity: 1, lineTotal: 3.25 },
    { sku: 'SODA-33', quantity: 3, lineTotal: 6.3 },
  ],
}
const { lines: _lines, ...expectedTerse } = expectedVerbose

/** A bad body: a string where an integer is required, and a required object missing. */
const { shippingAddress: _address, ...badOrder } = { ...sampleOrder, customerId: 'abc' }

const post = (body: unknown, key = API_KEY): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': key },
  body: JSON.stringify(body),
})

/** What wrk sends, on Node and on Bun. */
export const load: Scenario['load'] = {
  method: 'POST',
  path: '/orders/42?verbose=true',
  connections: 50,
  body: sampleOrder,
  headers: { 'x-api-key': API_KEY },
}

export const columns = ['bad body', 'bad id', 'no key']

/** The same answers from every server, checked before measuring. */
export async function check(baseUrl: string): Promise<CheckResult> {
  const url = `${baseUrl}/orders/42`
  const badBody = await ask(`${url}?verbose=true`, post(badOrder))
  const badId = await ask(`${baseUrl}/orders/abc?verbose=true`, post(sampleOrder))
  const noKey = await ask(`${url}?verbose=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(sampleOrder),
  })
  const problems = [
    ...expectJson('sample', await ask(`${url}?verbose=true`, post(sampleOrder)), 200, expectedVerbose),
    ...expectJson('without ?verbose', await ask(url, post(sampleOrder)), 200, expectedTerse),
    ...expectJson('wrong key', await ask(`${url}?verbose=true`, post(sampleOrder, 'nope')), 401, {
      detail: 'Invalid API key',
    }),
    ...expect4xx('bad body', badBody),
    ...expect4xx('bad id', badId),
    ...expect4xx('no key', noKey),
  ]
  return {
    problems,
    columns: {
      'bad body': String(badBody.status),
      'bad id': String(badId.status),
      'no key': String(noKey.status),
    },
  }
}

export const realistic: Scenario = {
  name: 'realistic',
  title: 'realistic: POST /orders/:id?verbose=true',
  description:
    'The route of measurements.md\'s "Realistic route": an integer path parameter, a boolean query ' +
    'parameter, a JSON body of 10 fields (nested address, an array of items, an enum, optional notes), ' +
    'an `x-api-key` header checked (401 if wrong), two dependency-like steps (account lookup, pricing), ' +
    'and the response filtered to a fixed output schema (the handler returns more: an internal secret, ' +
    'the full address, unit prices). The three servers share the body, the rules (Zod for Hono and ' +
    'Tandem, the same rules as JSON Schema for Fastify) and the output, checked before measuring. ' +
    "Tandem runs with @tandem/node's `serve()` and as `app.fetch` on @hono/node-server. " +
    'A reference server does the same work on bare node:http with JSON.parse and the same Zod ' +
    'schemas (no framework): the floor every framework adds to. ' +
    "Target: Tandem ≥ Fastify's rate.",
  reference:
    "Node 20 on the project's machine, wrk -t1 -c50, 2026-11-22: Hono + @hono/zod-validator 17.3k req/s " +
    '(p50 2.64 ms, p99 6.52 ms, bad body 400); Fastify + JSON Schema + response schema 32.2k (p50 1.35 ms, ' +
    'p99 5.02 ms, bad body 400); Elysia on Bun 43.1k (422); FastAPI 4.4k (422). Hono on the same route ' +
    'without Zod: 33–34k.',
  servers: [
    {
      id: 'floor',
      label: 'node:http + JSON.parse + Zod, no framework (reference)',
      file: 'node-http-zod-realistic.ts',
    },
    { id: 'fastify', label: 'Fastify + JSON Schema + response schema', file: 'fastify-realistic.ts' },
    { id: 'hono', label: 'Hono + @hono/zod-validator (Zod 4)', file: 'hono-zod-realistic.ts' },
    { id: 'tandem', label: 'Tandem, @tandem/node serve()', file: 'tandem-realistic.ts' },
    {
      id: 'tandem-fetch',
      label: 'Tandem, app.fetch on @hono/node-server',
      file: 'tandem-realistic.ts',
      env: { TANDEM_BENCH_ADAPTER: 'hono-node-server' },
    },
  ],
  load,
  columns,
  check,
  ratios: [
    { label: 'Tandem / Fastify', numerator: 'tandem', denominator: 'fastify', target: 1 },
    {
      label: 'Tandem (app.fetch on @hono/node-server) / Fastify',
      numerator: 'tandem-fetch',
      denominator: 'fastify',
    },
    { label: 'Tandem / Hono + zod-validator', numerator: 'tandem', denominator: 'hono' },
    { label: 'Hono + zod-validator / Fastify', numerator: 'hono', denominator: 'fastify' },
    { label: 'Fastify / node:http + Zod (no framework)', numerator: 'fastify', denominator: 'floor' },
    { label: 'Tandem / node:http + Zod (no framework)', numerator: 'tandem', denominator: 'floor' },
  ],
}

/** The same route, load and checks on Bun: Tandem's target there is Elysia's rate. */
export const realisticBun: Scenario = {
  name: 'realistic-bun',
  title: 'realistic-bun: POST /orders/:id?verbose=true on Bun',
  description:
    'The realistic route (see realistic.md: path int, query bool, a 10-field JSON body, an `x-api-key` ' +
    'header checked, two dependency-like steps, the response filtered to a fixed output schema) on Bun, ' +
    'every server a `bun` process: Elysia with its own `t` (TypeBox) schemas of the same rules, as its ' +
    "users write it, and again with the response's integers as `t.Number()` (Elysia makes a `t.Integer()` " +
    'a string-or-integer union, in responses too, and its response filter is slower on unions); ' +
    "Tandem with @tandem/bun's `serve()` (Bun.serve, Web Worker pool); Hono + " +
    '@hono/zod-validator on Bun.serve; and a reference on bare Bun.serve with request.json() and the ' +
    'same Zod schemas (no framework). Same body, same checks as on Node. ' +
    "Target (measurements.md): Tandem ≥ Elysia's rate on Bun.",
  reference:
    "Bun 1.4.5 on the project's machine, wrk -t1 -c50, 2026-11-22: Elysia 1.4 + `t` 43.1k req/s " +
    '(p50 1.09 ms, p99 2.34 ms, bad body 422).',
  servers: [
    {
      id: 'floor',
      label: 'Bun.serve + request.json() + Zod, no framework (reference)',
      file: 'bun-zod-realistic.ts',
      runtime: 'bun',
    },
    { id: 'elysia', label: 'Elysia + t (TypeBox)', file: 'elysia-realistic.ts', runtime: 'bun' },
    {
      id: 'elysia-number',
      label: 'Elysia + t, response integers as t.Number()',
      file: 'elysia-realistic.ts',
      runtime: 'bun',
      env: { ELYSIA_RESPONSE_INTEGER: 'number' },
    },
    {
      id: 'hono',
      label: 'Hono + @hono/zod-validator (Zod 4) on Bun.serve',
      file: 'hono-zod-realistic.ts',
      runtime: 'bun',
    },
    { id: 'tandem', label: 'Tandem, @tandem/bun serve()', file: 'tandem-realistic.ts', runtime: 'bun' },
  ],
  load,
  columns,
  check,
  ratios: [
    { label: 'Tandem / Elysia', numerator: 'tandem', denominator: 'elysia', target: 1 },
    {
      label: 'Tandem / Elysia (response integers as t.Number())',
      numerator: 'tandem',
      denominator: 'elysia-number',
      target: 1,
    },
    { label: 'Tandem / Hono + zod-validator', numerator: 'tandem', denominator: 'hono' },
    { label: 'Elysia / Bun.serve + Zod (no framework)', numerator: 'elysia', denominator: 'floor' },
    { label: 'Tandem / Bun.serve + Zod (no framework)', numerator: 'tandem', denominator: 'floor' },
  ],
}
