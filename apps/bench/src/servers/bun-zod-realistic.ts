// Reference on Bun: the realistic route on Bun.serve with no framework, only request.json() and the
// same Zod schemas: what the route costs on Bun when nothing else runs (the floor a framework adds to).
import { z } from 'zod'
import { buildOrder, findAccount, getPricing, OrderIn, OrderOut } from '../shared/order.ts'
import { serveFetch } from './env.ts'

const Id = z.coerce.number().int()
const json = (status: number, body: unknown) => Response.json(body, { status })

await serveFetch(async (request) => {
  const url = new URL(request.url)
  const match = /^\/orders\/([^/]+)$/.exec(url.pathname)
  if (request.method !== 'POST' || !match) return json(404, { detail: 'Not Found' })
  let data: unknown
  try {
    data = await request.json()
  } catch {
    return json(400, { detail: 'Invalid JSON' })
  }
  const id = Id.safeParse(match[1])
  const verbose = url.searchParams.get('verbose') === 'true'
  const key = request.headers.get('x-api-key')
  const body = OrderIn.safeParse(data)
  if (!id.success || !body.success || key === null) return json(422, { detail: 'Invalid input' })
  const account = findAccount(key)
  if (!account) return json(401, { detail: 'Invalid API key' })
  const pricing = getPricing(body.data.currency, body.data.shippingAddress.country)
  return json(200, OrderOut.parse(buildOrder(id.data, verbose, body.data, account, pricing)))
})
