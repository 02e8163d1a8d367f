// A small app exercising every input location, response models, declared errors, dependencies,
// routers with prefixes, JSON Lines and SSE: what the client's type tests and runtime tests call.
import { App, apiKeyHeader, depends, HTTPException, Router, sse } from '@tandem/core'
import { z } from 'zod'

export const Item = z.object({
  id: z.number().int(),
  name: z.string(),
  price: z.number(),
  tags: z.array(z.string()),
  created: z.date(),
})
const ItemIn = z.object({
  name: z.string().min(1),
  price: z.number().positive(),
  tags: z.array(z.string()).default([]),
})
const Problem = z.object({ detail: z.string(), code: z.enum(['out_of_stock', 'closed']) })

const items = new Map<number, z.output<typeof Item>>([
  [1, { id: 1, name: 'Classic', price: 8.5, tags: ['beef'], created: new Date('2026-01-02T03:04:05Z') }],
])

const pagination = depends(
  { query: { skip: z.number().int().min(0).default(0), limit: z.number().int().max(100).default(10) } },
  function pagination({ query }) {
    return query
  },
)
const key = apiKeyHeader({ name: 'x-api-key', autoError: false })
const staff = depends({ deps: { key } }, function staff({ deps }) {
  if (deps.key !== 'secret') throw new HTTPException(403, 'Invalid API key')
})

const tenant = depends({ headers: { 'x-tenant': z.string() } }, function tenant({ headers }) {
  if (headers['x-tenant'] !== 'acme') throw new HTTPException(403, 'Unknown tenant')
})

/** A router whose dependency (an effect on every route) declares a header: an input of its routes. */
export const tenantRouter = new Router({ prefix: '/tenant', dependencies: [tenant] }).get('/me', () => ({
  tenant: 'acme',
}))

const Say = z.object({ text: z.string().min(1) })
const Said = z.object({ text: z.string(), room: z.string(), at: z.date() })

/** Items: a router with a prefix, included under another. */
export const itemsRouter = new Router({ prefix: '/items', tags: ['items'] })
  .get('/', { deps: { page: pagination }, response: z.array(Item) }, ({ deps }) =>
    [...items.values()].slice(deps.page.skip, deps.page.skip + deps.page.limit),
  )
  .get(
    '/:id',
    { params: { id: z.number().int() }, response: Item, responses: { 404: { description: 'No such item' } } },
    ({ params }) => {
      const item = items.get(params.id)
      if (!item) throw new HTTPException(404, `Item ${params.id} not found`)
      return item
    },
  )
  .post(
    '/',
    {
      body: ItemIn,
      response: Item,
      status: 201,
      dependencies: [staff],
      responses: { 409: { description: 'Closed', model: Problem } },
    },
    ({ body }) => {
      if (body.name === 'closed')
        return Response.json({ detail: 'We are closed', code: 'closed' }, { status: 409 })
      const item = { id: items.size + 1, created: new Date(), ...body }
      items.set(item.id, item)
      return item
    },
  )
  .delete('/:id', { params: { id: z.number().int() }, status: 204, dependencies: [staff] }, ({ params }) => {
    items.delete(params.id)
    return null
  })

export const app = new App({ title: 'Client test shop' })
  .get('/hello/:name', ({ params }) => ({ hello: params.name }))
  .get(
    '/search',
    {
      query: {
        q: z.string(),
        vegan: z.boolean().optional(),
        max: z.number().optional(),
        ids: z.array(z.number().int()).optional(),
        since: z.date().optional(),
      },
    },
    ({ query }) => ({ ...query, since: query.since?.toISOString() }),
  )
  .get(
    '/whoami',
    {
      headers: { 'x-request-id': z.string(), 'accept-language': z.array(z.string()).default([]) },
      cookies: { session: z.string().optional(), visits: z.number().int().default(0) },
    },
    ({ headers, cookies }) => ({
      request: headers['x-request-id'],
      languages: headers['accept-language'],
      ...cookies,
    }),
  )
  .post(
    '/upload',
    { form: { title: z.string(), copies: z.number().int().default(1), file: z.file().optional() } },
    async ({ form }) => ({
      title: form.title,
      copies: form.copies,
      size: form.file?.size ?? null,
      text: await form.file?.text(),
    }),
  )
  .get('/numbers', { query: { count: z.number().int().max(100) } }, async function* ({ query }) {
    for (let i = 1; i <= query.count; i++) yield { n: i, square: i * i }
  })
  .get('/ticks', { query: { count: z.number().int().default(3) } }, ({ query }) =>
    sse(
      (function* () {
        for (let i = 0; i < query.count; i++) yield { event: 'tick', id: String(i), data: { i } }
      })(),
      { keepAlive: 0 },
    ),
  )
  .get('/plain', () => new Response('just text'))
  .get('/slow', async ({ signal }) => {
    // Answers after 10 s, or as soon as the client goes away.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 10_000)
      signal.addEventListener('abort', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    return 'late'
  })
  .get('/nothing', () => {})
  .include(itemsRouter, { prefix: '/api' })
  .include(tenantRouter)
  .ws(
    '/rooms/:room',
    {
      params: { room: z.string() },
      query: { shout: z.boolean().default(false) },
      headers: { 'x-user': z.string().optional() },
      receive: Say,
      send: Said,
    },
    async ({ socket, params, query, headers }) => {
      const at = new Date('2026-01-02T03:04:05Z')
      socket.send({ text: `welcome ${headers['x-user'] ?? 'anonymous'}`, room: params.room, at })
      for await (const message of socket) {
        socket.send({ text: query.shout ? message.text.toUpperCase() : message.text, room: params.room, at })
      }
    },
  )
