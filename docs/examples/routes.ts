// Routes, inputs and responses: the app docs/routes.md quotes.
// Serve it with `serve(app)` from @tandem/node, or test it with `app.request()`.
import { App, HTTPException, Router, sse } from '@tandem/core'
import { cors } from 'hono/cors'
import { z } from 'zod'

export const app = new App({ title: 'Burger shop', version: '1.0.0' })

// Hono middleware works as is; it runs for every request, 404, 405 and preflights included.
app.use(cors({ origin: 'https://shop.example' }))

// The stored shape has a field clients must never see.
interface StoredBurger {
  id: number
  name: string
  price: number
  vegan: boolean
  secretRecipe: string
}

// The response model: what clients see (`.meta({ id })` names it in OpenAPI's components).
const Burger = z
  .object({ id: z.number().int(), name: z.string(), price: z.number(), vegan: z.boolean() })
  .meta({ id: 'Burger' })
const BurgerIn = z.object({
  name: z.string().min(1),
  price: z.number().positive(),
  vegan: z.boolean().default(false),
})

const burgers = new Map<number, StoredBurger>([
  [1, { id: 1, name: 'Classic', price: 8.5, vegan: false, secretRecipe: 'love' }],
  [2, { id: 2, name: 'Garden', price: 9, vegan: true, secretRecipe: 'beets' }],
])

const menu = new Router({ prefix: '/burgers', tags: ['burgers'] })

menu.get(
  '/',
  {
    query: {
      vegan: z.boolean().optional(), // ?vegan=yes, ?vegan=0, ?vegan=TRUE...
      max_price: z.number().optional(), // ?max_price=9.5
      id: z.array(z.number().int()).optional(), // ?id=1&id=2 (a single ?id=1 gives [1])
      limit: z.number().int().min(1).max(100).default(10),
    },
    response: z.array(Burger),
  },
  function list_burgers({ query }) {
    return [...burgers.values()]
      .filter((b) => query.vegan === undefined || b.vegan === query.vegan)
      .filter((b) => query.max_price === undefined || b.price <= query.max_price)
      .filter((b) => query.id === undefined || query.id.includes(b.id))
      .slice(0, query.limit)
  },
)

// Routes match in the order they are added: /export before /:id, or /:id would take it.
menu.get('/export', async function* export_burgers() {
  // An async generator streams JSON Lines (application/jsonl), one item a line.
  for (const { secretRecipe, ...burger } of burgers.values()) yield burger
})

menu.get(
  '/:id',
  {
    params: { id: z.number().int() },
    response: Burger,
    responses: { 404: { description: 'No such burger', model: z.object({ detail: z.string() }) } },
  },
  function read_burger({ params }) {
    const burger = burgers.get(params.id)
    if (!burger) throw new HTTPException(404, 'Burger not found')
    return burger // secretRecipe is filtered out by the response model
  },
)

menu.post(
  '/',
  { body: BurgerIn, status: 201, response: Burger, summary: 'Add a burger to the menu' },
  function create_burger({ body, response }) {
    const id = Math.max(0, ...burgers.keys()) + 1
    const burger = { id, ...body, secretRecipe: 'new' }
    burgers.set(id, burger)
    response.headers.set('location', `/api/burgers/${id}`)
    return burger
  },
)

menu.delete('/:id', { params: { id: z.number().int() }, status: 204 }, ({ params }) => {
  if (!burgers.delete(params.id)) throw new HTTPException(404, 'Burger not found')
  return null // 204: no body
})

// A form with a file: multipart/form-data or application/x-www-form-urlencoded.
menu.post(
  '/:id/photo',
  { params: { id: z.number().int() }, form: { caption: z.string().min(1), photo: z.file() } },
  async ({ params, form }) => ({
    burger: params.id,
    caption: form.caption,
    file: form.photo.name,
    bytes: (await form.photo.arrayBuffer()).byteLength,
  }),
)

// Include under /api: the router's routes are served at /api/burgers/...
app.include(menu, { prefix: '/api' })

// A route added to the router after it was included is served too.
menu.get('/:id/reviews', { params: { id: z.number().int() } }, ({ params }) => ({
  burger: params.id,
  reviews: [],
}))

// Headers are named in lower case, as on the wire; a list header is split on commas.
// Cookies are read by name. Without `params`, path parameters are typed from the path.
app.get(
  '/hello/:name',
  {
    headers: { 'accept-language': z.array(z.string()).default([]), 'x-request-id': z.string().optional() },
    cookies: { visits: z.number().int().default(0) },
  },
  ({ params, headers, cookies, response }) => {
    response.cookie('visits', String(cookies.visits + 1), { httpOnly: true, sameSite: 'lax' })
    if (headers['x-request-id']) response.headers.set('x-request-id', headers['x-request-id'])
    return { hello: params.name, languages: headers['accept-language'], visits: cookies.visits + 1 }
  },
)

// Every coercion at once: number, integer, boolean, bigint, date, enum, literal, z.coerce.
app.get(
  '/coerce',
  {
    query: {
      n: z.number().optional(),
      i: z.number().int().optional(),
      b: z.boolean().optional(),
      big: z.bigint().optional(),
      when: z.date().optional(),
      size: z.enum(['small', 'large']).optional(),
      three: z.literal(3).optional(),
      c: z.coerce.number().optional(),
    },
  },
  ({ query }) => ({ ...query, big: query.big?.toString(), when: query.when?.toISOString() }),
)

// A returned Response is sent as is (the route's status and ctx.response are not applied).
app.get(
  '/menu.txt',
  () => new Response('Classic 8.50\nGarden 9.00\n', { headers: { 'content-type': 'text/plain' } }),
)

// Server-Sent Events from any async iterable.
app.get('/kitchen/events', ({ signal }) =>
  sse(
    (async function* () {
      for (const step of ['grill', 'assemble', 'serve']) {
        if (signal.aborted) return
        yield { event: 'step', data: { step } }
      }
    })(),
  ),
)
