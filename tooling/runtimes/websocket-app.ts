// The WebSocket suite's app (websocket-suite.ts), served the same on Node, Bun and workerd: typed
// messages, a handshake refused by a dependency, blocking work from a message, a yield dependency
// whose cleanup is recorded (GET /events), and a route that only listens (for the vanishing client).
import { App, blocking, depends, HTTPException } from '@tandem/core'
import { isPoolWorker } from '@tandem/core/adapter'
import { z } from 'zod'

const events: string[] = []

export const app = new App({ title: 'WebSockets' })

app.get('/events', () => events)

/** A subscription to an order's status, closed when the socket ends. */
const subscription = depends({ params: { id: z.number().int() } }, async function* ({ params }) {
  events.push(`subscribe ${params.id}`)
  try {
    yield { status: () => ({ id: params.id, status: 'grilling' as const }) }
  } finally {
    events.push(`unsubscribe ${params.id}`)
  }
})

const customer = depends({ query: { token: z.string() } }, ({ query }) => {
  if (query.token !== 'letmein') throw new HTTPException(401, 'Not authenticated')
  return { name: 'alice' }
})

app.ws(
  '/ws/echo',
  {
    receive: z.object({ text: z.string().max(100) }),
    send: z.object({ echo: z.string(), n: z.number().int() }),
  },
  async ({ socket }) => {
    let n = 0
    for await (const message of socket) socket.send({ echo: message.text, n: ++n })
  },
)

app.ws(
  '/ws/orders/:id',
  { params: { id: z.number().int() }, deps: { customer, subscription } },
  async ({ socket, deps, signal }) => {
    socket.send({ customer: deps.customer.name, ...deps.subscription.status() })
    // Listen until the client leaves (or vanishes); the subscription closes after.
    for await (const _ of socket) socket.send(deps.subscription.status())
    events.push(`handler ended, signal ${signal.aborted ? 'aborted' : 'live'}`)
  },
)

/** CPU work per message, on the pool where there is one (inline on workerd). */
const bake = blocking(function bake(rounds: number) {
  let x = 0
  for (let i = 0; i < rounds * 1000; i++) x = (x * 31 + i) % 1_000_003
  return { x, onWorker: isPoolWorker() }
})

app.ws(
  '/ws/bake',
  { receive: z.object({ rounds: z.number().int().min(1).max(1000) }) },
  async ({ socket }) => {
    for await (const { rounds } of socket) socket.send({ rounds, ...(await bake(rounds)) })
  },
)

export default app
