// Tandem: the route declared per docs/api.md. The two dependency-like steps are plain calls in the
// handler for now; they become `deps` once dependency injection lands.
import { App, HTTPException } from '@tandem/core'
import { z } from 'zod'
import { buildOrder, findAccount, getPricing, OrderIn, OrderOut } from '../shared/order.ts'
import { serveTandem } from './tandem-serve.ts'

const app = new App()

app.post(
  '/orders/:id',
  {
    params: { id: z.number().int() },
    query: { verbose: z.boolean().default(false) },
    headers: { 'x-api-key': z.string() },
    body: OrderIn,
    response: OrderOut,
  },
  ({ params, query, headers, body }) => {
    const account = findAccount(headers['x-api-key'])
    if (!account) throw new HTTPException(401, 'Invalid API key')
    const pricing = getPricing(body.currency, body.shippingAddress.country)
    return buildOrder(params.id, query.verbose, body, account, pricing)
  },
)

await serveTandem(app)
