// Elysia + `t` (TypeBox) on Bun: measurements.md's "Elysia 1.4 + t". The same rules as OrderIn and
// OrderOut, written as an Elysia user would; Elysia compiles its validators and filters the response
// to the schema (normalize, its default). apps/bench pins exact-mirror 0.2.7, Elysia's own range: see
// pnpm-workspace.yaml.
import { Elysia, t } from 'elysia'
import { buildOrder, findAccount, getPricing } from '../shared/order.ts'
import { hostname, port } from './env.ts'

const Currency = t.UnionEnum(['EUR', 'USD', 'GBP'])

const OrderIn = t.Object({
  customerId: t.Integer({ minimum: 1 }),
  customerName: t.String({ minLength: 1, maxLength: 100 }),
  email: t.String({ minLength: 3, maxLength: 254 }),
  currency: Currency,
  priority: t.Integer({ minimum: 0, maximum: 9 }),
  giftWrap: t.Boolean(),
  tags: t.Array(t.String({ maxLength: 32 }), { maxItems: 10 }),
  shippingAddress: t.Object({
    street: t.String({ minLength: 1, maxLength: 200 }),
    city: t.String({ minLength: 1, maxLength: 100 }),
    postalCode: t.String({ minLength: 2, maxLength: 12 }),
    country: t.String({ minLength: 2, maxLength: 2 }),
  }),
  items: t.Array(
    t.Object({
      sku: t.String({ minLength: 1, maxLength: 32 }),
      quantity: t.Integer({ minimum: 1, maximum: 100 }),
      unitPrice: t.Number({ minimum: 0 }),
    }),
    { minItems: 1, maxItems: 50 },
  ),
  notes: t.Optional(t.String({ maxLength: 500 })),
})

// Elysia turns a t.Integer() into a string-or-integer union (to coerce path and query strings), in
// response schemas too, where its response filter then takes a slower path: ELYSIA_RESPONSE_INTEGER=number
// writes the response's integers as t.Number(), the faster variant an Elysia user tuning this route finds.
const integer = process.env.ELYSIA_RESPONSE_INTEGER === 'number' ? () => t.Number() : () => t.Integer()

const OrderOut = t.Object({
  id: integer(),
  status: t.Literal('accepted'),
  accountId: t.String(),
  customerId: integer(),
  currency: Currency,
  itemCount: integer(),
  subtotal: t.Number(),
  tax: t.Number(),
  shipping: t.Number(),
  total: t.Number(),
  shipTo: t.Object({ city: t.String(), country: t.String() }),
  giftWrap: t.Boolean(),
  notes: t.Optional(t.String()),
  lines: t.Optional(t.Array(t.Object({ sku: t.String(), quantity: integer(), lineTotal: t.Number() }))),
})

new Elysia()
  .post(
    '/orders/:id',
    ({ params, query, headers, body, status }) => {
      const account = findAccount(headers['x-api-key'])
      if (!account) return status(401, { detail: 'Invalid API key' })
      const pricing = getPricing(body.currency, body.shippingAddress.country)
      return buildOrder(params.id, query.verbose, body, account, pricing)
    },
    {
      params: t.Object({ id: t.Integer() }),
      query: t.Object({ verbose: t.Boolean({ default: false }) }),
      headers: t.Object({ 'x-api-key': t.String() }),
      body: OrderIn,
      response: { 200: OrderOut, 401: t.Object({ detail: t.String() }) },
    },
  )
  .listen({ port, hostname })
