// Fastify with JSON Schema for params, querystring, headers and body, and a response schema.
import Fastify from 'fastify'
import {
  buildOrder,
  findAccount,
  getPricing,
  type OrderIn,
  orderInJsonSchema,
  orderOutJsonSchema,
} from '../shared/order.ts'
import { hostname, port } from './env.ts'

const app = Fastify({ logger: false })

app.post<{
  Params: { id: number }
  Querystring: { verbose: boolean }
  Headers: { 'x-api-key': string }
  Body: OrderIn
}>(
  '/orders/:id',
  {
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
      querystring: { type: 'object', properties: { verbose: { type: 'boolean', default: false } } },
      headers: { type: 'object', required: ['x-api-key'], properties: { 'x-api-key': { type: 'string' } } },
      body: orderInJsonSchema,
      response: { 200: orderOutJsonSchema },
    },
  },
  (request, reply) => {
    const account = findAccount(request.headers['x-api-key'])
    if (!account) return reply.code(401).send({ detail: 'Invalid API key' })
    const body = request.body
    const pricing = getPricing(body.currency, body.shippingAddress.country)
    return buildOrder(request.params.id, request.query.verbose, body, account, pricing)
  },
)

await app.listen({ port, host: hostname })
