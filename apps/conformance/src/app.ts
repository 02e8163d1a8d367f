// The conformance app: one module, served unchanged by Node (src/node.ts), Bun (src/bun.ts) and
// workerd (src/workerd.ts). It touches every part of the framework a user relies on.
import { App, apiKeyHeader, blocking, depends, HTTPException, httpBearer, Router, sse } from '@tandem/core'
import { z } from 'zod'

export const log: string[] = []

export const app = new App({ title: 'Conformance', version: '1.0.0' })

// Pure JavaScript work, the same on every runtime (no node: or bun: APIs here).
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

/** A blocking utility, called from async code. */
export const checksum = blocking(function checksum(text: string) {
  let h = 2166136261
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return (h >>> 0).toString(16)
})

const Item = z.object({
  name: z.string().min(2),
  price: z.number().min(0),
  tags: z.array(z.string()).default([]),
  kind: z.enum(['burger', 'fries', 'drink']),
})
const ItemOut = z.object({ id: z.number(), name: z.string(), price: z.number(), kind: z.string() })

let counter = 0
const count = depends(function count() {
  counter += 1
  return counter
})
const pagination = depends(
  {
    query: { skip: z.number().int().min(0).default(0), limit: z.number().int().max(100).default(10) },
    deps: { count },
  },
  ({ query, deps }) => ({ ...query, count: deps.count }),
)
const session = depends(async function* session() {
  log.push('session:open')
  try {
    yield { user: 'ann' }
  } finally {
    log.push('session:close')
  }
})
const apiKey = apiKeyHeader({ name: 'x-api-key' })
const checkedKey = depends({ deps: { key: apiKey } }, ({ deps }) => {
  if (deps.key !== 'secret') throw new HTTPException(403, 'Invalid API key')
  return deps.key
})
const heavy = depends(
  { params: { n: z.number().int().min(1).max(25) } },
  blocking(function heavy({ params }) {
    return { fib: fib(params.n) }
  }),
)

const items = new Router({ prefix: '/items', tags: ['items'] })
items.get(
  '/:id',
  {
    params: { id: z.number().int() },
    query: {
      q: z.array(z.string()).default([]),
      flag: z.boolean().default(false),
      when: z.date().optional(),
    },
    headers: { 'x-trace': z.string().optional() },
  },
  function read_item({ params, query, headers }) {
    return {
      id: params.id,
      q: query.q,
      flag: query.flag,
      when: query.when ?? null,
      trace: headers['x-trace'] ?? null,
    }
  },
)
items.post('/', { body: Item, response: ItemOut, status: 201 }, function create_item({ body }) {
  return { id: 1, ...body, secret: 'filtered out' }
})
items.get('/', { deps: { page: pagination, again: count } }, function list_items({ deps }) {
  return { page: deps.page, again: deps.again }
})
app.include(items)

app.get('/session', { deps: { session } }, ({ deps, background }) => {
  background.add(() => void log.push('background'))
  return deps.session
})
app.get('/log', () => log)
app.get('/guarded', { dependencies: [checkedKey] }, () => ({ ok: true }))
app.get('/me', { deps: { auth: httpBearer() } }, ({ deps }) => deps.auth)
app.get('/stream', async function* stream() {
  for (let i = 0; i < 3; i++) yield { i }
})
app.get('/events', () => sse([{ event: 'greeting', data: 'hello' }, { data: { n: 1 } }], { keepAlive: 0 }))
app.post('/form', { form: { name: z.string(), qty: z.number().int() } }, ({ form }) => form)
app.get(
  '/fib/:n',
  { deps: { heavy } },
  blocking(function fib_handler({ deps }) {
    return deps.heavy
  }),
)
app.get('/checksum/:text', { params: { text: z.string() } }, async ({ params }) => ({
  checksum: await checksum(params.text),
}))
app.get(
  '/teapot',
  blocking(() => {
    throw new HTTPException(418, 'a teapot, from a blocking handler')
  }),
)
app.get('/status', ({ response }) => {
  response.status = 202
  response.headers.set('x-custom', 'yes')
  response.cookie('theme', 'dark')
  return { accepted: true }
})
app.delete('/nothing', { status: 204 }, () => null)
app.get('/boom', () => {
  throw new Error('a bug')
})
