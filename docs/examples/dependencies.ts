// Dependencies: the app docs/dependencies.md quotes. The `events` list records what ran, in order.
import { App, blocking, depends, HTTPException, Router } from '@tandem/core'
import { z } from 'zod'

export const events: string[] = []

interface Order {
  id: number
  item: string
  qty: number
}

// The lifespan: startup before the first request, teardown on close. What it yields is ctx.state.
export const app = new App({
  title: 'Orders',
  lifespan: async function* () {
    events.push('startup')
    const orders = new Map<number, Order>([[1, { id: 1, item: 'Classic', qty: 2 }]])
    yield { orders }
    events.push('shutdown')
  },
})

// A plain function: called directly on the event loop (keep it cheap).
export const settings = depends(function settings() {
  return { currency: 'EUR', maxQty: 10 }
})

// A dependency declares its own inputs, with the route's keys.
const pagination = depends(
  {
    query: { skip: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(100).default(10) },
  },
  function pagination({ query }) {
    return query
  },
)

// An async function: awaited on the event loop. Throwing an HTTPException answers at once.
const verifyKey = depends({ headers: { 'x-key': z.string() } }, async function verifyKey({ headers }) {
  if (headers['x-key'] !== 'secret') throw new HTTPException(403, 'Invalid key')
})

// A blocking function: runs on the worker pool (inline under app.request() and on workerd).
const menu = depends(
  blocking(function menu() {
    // Stands for synchronous work (a synchronous driver, parsing a large file).
    return ['Classic', 'Garden', 'Spicy']
  }),
)

/** Thrown by the "database" below; the connection turns it into a 404. */
export class NotFoundInDb extends Error {}

// A yield dependency: setup, yield the value, cleanup. The cleanup runs after the response has
// been sent and its background tasks have run (scope 'request', the default).
export const connection = depends(async function* connection({ state }) {
  events.push('connection open')
  try {
    yield state.orders as Map<number, Order>
  } catch (error) {
    // An error from the handler (or a later dependency) is thrown in here, at the yield.
    if (error instanceof NotFoundInDb) throw new HTTPException(404, error.message)
    throw error
  } finally {
    events.push('connection close')
  }
})

// A sub-dependency with scope 'function': its cleanup runs right after the handler returns,
// before the response is sent, so a failed commit can still change the response.
const transaction = depends({ deps: { orders: connection } }, function* transaction({ deps }) {
  events.push('begin')
  try {
    yield deps.orders
    events.push('commit')
  } catch (error) {
    events.push('rollback')
    throw error
  }
}).with({ scope: 'function' })

// The same dependency twice in one request is computed once; cache: false asks again.
let served = 0
const requestNumber = depends(function requestNumber() {
  return ++served
})
const audit = depends({ deps: { n: requestNumber } }, ({ deps }) => `request #${deps.n}`)

async function sendConfirmation(email: string, orderId: number) {
  events.push(`email ${email} about #${orderId}`)
}

// Every route of the router needs the key (dependencies run for their effects only).
const orders = new Router({ prefix: '/orders', tags: ['orders'], dependencies: [verifyKey] })

orders.get('/', { deps: { page: pagination, orders: connection } }, ({ deps }) =>
  [...deps.orders.values()].slice(deps.page.skip, deps.page.skip + deps.page.limit),
)

orders.get('/:id', { params: { id: z.number().int() }, deps: { orders: connection } }, ({ params, deps }) => {
  const order = deps.orders.get(params.id)
  if (!order) throw new NotFoundInDb(`Order ${params.id} not found`)
  return order
})

orders.post(
  '/',
  {
    body: z.object({ item: z.string(), qty: z.number().int().min(1), email: z.email() }),
    deps: { orders: transaction, settings, menu },
    status: 201,
  },
  ({ body, deps, background }) => {
    if (!deps.menu.includes(body.item)) throw new HTTPException(400, `${body.item} is not on the menu`)
    if (body.qty > deps.settings.maxQty) throw new HTTPException(400, 'Too many')
    const order = { id: deps.orders.size + 1, item: body.item, qty: body.qty }
    deps.orders.set(order.id, order)
    events.push('handler')
    // Runs after the response is sent, before request-scoped cleanups.
    background.add(sendConfirmation, body.email, order.id)
    return order
  },
)

app.include(orders)

app.get(
  '/numbers',
  { deps: { audit, n: requestNumber, again: requestNumber.with({ cache: false }) } },
  ({ deps }) => deps,
)
