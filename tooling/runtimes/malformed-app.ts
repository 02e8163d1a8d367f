// The app of the malformed-request storm (malformed.ts): routes as users write them, served unchanged
// by a real Node process (packages/node/test/fixtures/malformed.ts) and a real Bun process
// (packages/bun/test/fixtures/malformed.ts). The storm's generator aims at exactly these routes.
import { App, blocking, HTTPException } from '@tandem/core'
import { z } from 'zod'

/** A small body limit, so that oversized bodies (413) cost the storm little to send. */
export const BODY_LIMIT = 64 * 1024

export const app = new App({ title: 'Malformed requests', bodyLimit: BODY_LIMIT })

const Item = z.object({
  name: z.string().min(1).max(100),
  price: z.number().min(0).max(1_000_000),
  tags: z.array(z.string().max(20)).max(10).default([]),
  kind: z.enum(['burger', 'fries', 'drink']),
})
const Note = z.object({
  title: z.string().max(200),
  text: z.string().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  nested: z.object({ a: z.object({ b: z.number() }) }).optional(),
})

/** Blocking work on the pool: a checksum of its input, synchronously. */
export const checksum = blocking(function checksum(text: string) {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return (h >>> 0).toString(16)
})

app.get('/health', () => ({ ok: true }))
app.get(
  '/items/:id',
  {
    params: { id: z.number().int().min(1) },
    query: {
      q: z.string().max(50).optional(),
      limit: z.number().int().min(1).max(100).default(10),
      tags: z.array(z.string()).default([]),
    },
    headers: { 'x-request-id': z.string().max(64).optional() },
  },
  ({ params, query, headers, response }) => {
    if (headers['x-request-id']) response.headers.set('x-request-id', headers['x-request-id'])
    if (params.id > 1_000_000) throw new HTTPException(404, 'Item not found')
    return { id: params.id, ...query }
  },
)
app.post('/items', { body: Item, status: 201 }, ({ body }) => ({ id: 1, ...body }))
app.put(
  '/items/:id',
  { params: { id: z.number().int().min(1) }, headers: { 'x-token': z.string().min(8) }, body: Item },
  ({ params, body }) => ({ id: params.id, ...body }),
)
app.delete('/items/:id', { params: { id: z.number().int().min(1) }, status: 204 }, () => null)
app.get(
  '/search',
  {
    query: {
      q: z.string().min(1).max(100),
      page: z.number().int().min(1).default(1),
      sort: z.enum(['asc', 'desc']).default('asc'),
      price_max: z.number().min(0).optional(),
      when: z.date().optional(),
      fresh: z.boolean().default(false),
    },
  },
  ({ query }) => ({ results: [], ...query }),
)
app.post(
  '/login',
  {
    form: {
      username: z.string().min(1).max(50),
      password: z.string().min(8),
      remember: z.boolean().default(false),
    },
  },
  ({ form, response }) => {
    response.cookie('session', 'abcdefghijkl', { httpOnly: true, maxAge: form.remember ? 86_400 : undefined })
    return { user: form.username }
  },
)
app.post('/upload', { form: { caption: z.string().min(1).max(100), photo: z.file() } }, async ({ form }) => ({
  caption: form.caption,
  bytes: (await form.photo.arrayBuffer()).byteLength,
}))
app.get(
  '/prefs',
  {
    cookies: {
      theme: z.enum(['light', 'dark']).default('light'),
      visits: z.number().int().min(0).default(0),
    },
    headers: { 'accept-language': z.array(z.string()).default([]) },
  },
  ({ cookies, headers, response }) => {
    response.cookie('visits', String(cookies.visits + 1), { httpOnly: true, sameSite: 'lax' })
    return { ...cookies, languages: headers['accept-language'] }
  },
)
app.get('/files/:name{.+}', { params: { name: z.string().max(200) } }, ({ params }) => {
  if (params.name.includes('..')) throw new HTTPException(400, 'Invalid file name')
  return { name: params.name }
})
app.post('/notes', { body: Note, status: 201 }, ({ body }) => ({
  title: body.title,
  keys: Object.keys(body),
}))
app.post('/ratio', { body: z.object({ n: z.number(), d: z.number().int() }) }, ({ body }) => {
  if (body.d === 0) throw new HTTPException(422, 'Division by zero')
  return { ratio: body.n / body.d }
})
app.post('/raw', async ({ request }) => {
  const text = await request.text()
  return { length: text.length }
})
app.post(
  '/hash',
  { body: z.object({ input: z.string().max(1000) }) },
  blocking(function hash({ body }) {
    let h = 0
    for (let round = 0; round < 50; round++)
      for (let i = 0; i < body.input.length; i++) h = (h * 31 + body.input.charCodeAt(i)) | 0
    return { hash: h >>> 0 }
  }),
)
app.get('/checksum/:text', { params: { text: z.string().max(200) } }, async ({ params }) => ({
  checksum: await checksum(params.text),
}))
