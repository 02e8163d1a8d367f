// Hono + @hono/zod-validator (Zod 4): four validators, the response filtered with OrderOut.parse.
// On @hono/node-server under Node, on Bun.serve under Bun.
import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { buildOrder, findAccount, getPricing, OrderIn, OrderOut } from '../shared/order.ts'
import { serveFetch } from './env.ts'

const app = new Hono()

app.post(
  '/orders/:id',
  zValidator('param', z.object({ id: z.coerce.number().int() })),
  zValidator('query', z.object({ verbose: z.stringbool().default(false) })),
  zValidator('header', z.object({ 'x-api-key': z.string() })),
  zValidator('json', OrderIn),
  (c) => {
    const account = findAccount(c.req.valid('header')['x-api-key'])
    if (!account) return c.json({ detail: 'Invalid API key' }, 401)
    const body = c.req.valid('json')
    const pricing = getPricing(body.currency, body.shippingAddress.country)
    const order = buildOrder(c.req.valid('param').id, c.req.valid('query').verbose, body, account, pricing)
    return c.json(OrderOut.parse(order))
  },
)

await serveFetch(app.fetch)
