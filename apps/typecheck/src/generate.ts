// Writes the same API twice, as Tandem routers (declarations, read by @tandem/client) and as Hono
// sub-apps (zValidator and c.json, read by hc), each with a file that calls every route once through
// its typed client, and a file with one call where the editor is asked for completions.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Five routes per resource: list, read, create, update, delete. */
export const ROUTES_PER_RESOURCE = 5

/** Where a completion is asked for, in each completion file: this marker, removed from the file. */
export const CURSOR = '/*|*/'

const models = (r: number) => `
const Model${r} = z.object({
  id: z.number().int(),
  name: z.string().min(1).max(80),
  status: z.enum(['draft', 'active', 'archived']),
  price: z.number().nonnegative(),
  tags: z.array(z.string()),
  owner: z.object({ id: z.number().int(), email: z.string() }),
  notes: z.string().nullable().optional(),
  created_at: z.string(),
})
const Model${r}In = z.object({
  name: z.string().min(1).max(80),
  price: z.number().nonnegative(),
  tags: z.array(z.string()).default([]),
  notes: z.string().optional(),
})
const sample${r}: z.output<typeof Model${r}> = {
  id: 1, name: 'n', status: 'draft', price: 1, tags: [], owner: { id: 1, email: 'e' }, created_at: 'now',
}`

function tandemApp(resources: number): string {
  let out = `import { App, apiKeyHeader, depends, HTTPException, Router } from '@tandem/core'
import { z } from 'zod'

const pagination = depends(
  { query: { skip: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(100).default(20) } },
  ({ query }) => query,
)
const key = apiKeyHeader({ name: 'x-api-key' })
const staff = depends({ deps: { key } }, ({ deps }) => {
  if (deps.key !== 'secret') throw new HTTPException(403, 'Invalid key')
})
const Problem = z.object({ detail: z.string(), code: z.string() })
`
  for (let r = 0; r < resources; r++) {
    out += `${models(r)}
const r${r} = new Router({ prefix: '/r${r}' })
  .get('/', { query: { q: z.string().optional(), status: z.enum(['draft', 'active', 'archived']).optional() }, deps: { page: pagination }, response: z.array(Model${r}) },
    ({ deps }) => [sample${r}].slice(deps.page.skip, deps.page.limit))
  .get('/:id', { params: { id: z.number().int().min(1) }, query: { expand: z.boolean().optional() }, response: Model${r}, responses: { 404: { description: 'Not found' } } },
    ({ params }) => {
      if (params.id > 1000) throw new HTTPException(404, 'Not found')
      return { ...sample${r}, id: params.id }
    })
  .post('/', { body: Model${r}In, response: Model${r}, status: 201, dependencies: [staff], responses: { 409: { description: 'Taken', model: Problem } } },
    ({ body }) => (body.name === 'taken' ? Response.json({ detail: 'Taken', code: 'taken' }, { status: 409 }) : { ...sample${r}, ...body }))
  .patch('/:id', { params: { id: z.number().int().min(1) }, body: Model${r}In.partial(), headers: { 'if-match': z.string().optional() }, response: Model${r}, dependencies: [staff] },
    ({ params, body }) => ({ ...sample${r}, ...body, id: params.id }))
  .delete('/:id', { params: { id: z.number().int().min(1) }, status: 204, dependencies: [staff] }, () => null)
`
  }
  out += `\nexport const app = new App({ title: 'bench' })\n${Array.from({ length: resources }, (_, r) => `  .include(r${r})`).join('\n')}\n`
  return out
}

function honoApp(resources: number): string {
  let out = `import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'

const pagination = { skip: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(100).default(20) }
const key = z.object({ 'x-api-key': z.string().optional() })
`
  for (let r = 0; r < resources; r++) {
    out += `${models(r)}
const r${r} = new Hono()
  .get('/', zValidator('query', z.object({ q: z.string().optional(), status: z.enum(['draft', 'active', 'archived']).optional(), ...pagination })),
    (c) => {
      const { skip, limit } = c.req.valid('query')
      return c.json([sample${r}].slice(skip, limit), 200)
    })
  .get('/:id', zValidator('param', z.object({ id: z.coerce.number().int().min(1) })), zValidator('query', z.object({ expand: z.stringbool().optional() })),
    (c) => {
      const { id } = c.req.valid('param')
      if (id > 1000) return c.json({ detail: 'Not found' }, 404)
      return c.json({ ...sample${r}, id }, 200)
    })
  .post('/', zValidator('header', key), zValidator('json', Model${r}In),
    (c) => {
      if (c.req.valid('header')['x-api-key'] !== 'secret') return c.json({ detail: 'Invalid key' }, 403)
      const body = c.req.valid('json')
      if (body.name === 'taken') return c.json({ detail: 'Taken', code: 'taken' }, 409)
      return c.json({ ...sample${r}, ...body }, 201)
    })
  .patch('/:id', zValidator('param', z.object({ id: z.coerce.number().int().min(1) })), zValidator('header', key.extend({ 'if-match': z.string().optional() })), zValidator('json', Model${r}In.partial()),
    (c) => {
      if (c.req.valid('header')['x-api-key'] !== 'secret') return c.json({ detail: 'Invalid key' }, 403)
      return c.json({ ...sample${r}, ...c.req.valid('json'), id: c.req.valid('param').id }, 200)
    })
  .delete('/:id', zValidator('param', z.object({ id: z.coerce.number().int().min(1) })), zValidator('header', key),
    (c) => {
      if (c.req.valid('header')['x-api-key'] !== 'secret') return c.json({ detail: 'Invalid key' }, 403)
      return c.body(null, 204)
    })
`
  }
  out += `\nexport const app = new Hono()\n${Array.from({ length: resources }, (_, r) => `  .route('/r${r}', r${r})`).join('\n')}\n`
  return out
}

function tandemCalls(resources: number): string {
  const calls = Array.from(
    { length: resources },
    (_, r) => `  {
    const list = await client.get('/r${r}/', { query: { limit: 5 } })
    if (list.ok) out.push(list.data.length)
    else if (list.status === 422) out.push(list.error.detail[0]?.msg)
    const one = await client.get('/r${r}/:id', { params: { id: 1 } })
    if (one.status === 200) out.push(one.data.owner.email)
    else if (one.status === 404) out.push(one.error.detail)
    const made = await client.post('/r${r}/', { body: { name: 'n', price: 1 } })
    if (made.status === 201) out.push(made.data.id)
    else if (made.status === 409) out.push(made.error.code)
    const changed = await client.patch('/r${r}/:id', { params: { id: 1 }, body: { price: 2 }, headers: { 'if-match': 'x' } })
    if (changed.ok) out.push(changed.data.price)
    const gone = await client.delete('/r${r}/:id', { params: { id: 1 } })
    out.push(gone.status)
  }`,
  )
  return `import { createClient } from '@tandem/client'
import type { app } from './app.ts'

const client = createClient<typeof app>('http://localhost:8000', { headers: { 'x-api-key': 'secret' } })

export async function callAll(): Promise<unknown[]> {
  const out: unknown[] = []
${calls.join('\n')}
  return out
}
`
}

function honoCalls(resources: number): string {
  const calls = Array.from(
    { length: resources },
    (_, r) => `  {
    const list = await client.r${r}.$get({ query: { limit: '5' } })
    if (list.ok) out.push((await list.json()).length)
    const one = await client.r${r}[':id'].$get({ param: { id: '1' }, query: {} })
    if (one.status === 200) out.push((await one.json()).owner.email)
    else if (one.status === 404) out.push((await one.json()).detail)
    const made = await client.r${r}.$post({ header: {}, json: { name: 'n', price: 1 } })
    if (made.status === 201) out.push((await made.json()).id)
    else if (made.status === 409) out.push((await made.json()).code)
    const changed = await client.r${r}[':id'].$patch({ param: { id: '1' }, header: { 'if-match': 'x' }, json: { price: 2 } })
    if (changed.status === 200) out.push((await changed.json()).price)
    const gone = await client.r${r}[':id'].$delete({ param: { id: '1' }, header: {} })
    out.push(gone.status)
  }`,
  )
  return `import { hc } from 'hono/client'
import type { app } from './app.ts'

const client = hc<typeof app>('http://localhost:8000', { headers: { 'x-api-key': 'secret' } })

export async function callAll(): Promise<unknown[]> {
  const out: unknown[] = []
${calls.join('\n')}
  return out
}
`
}

/** One call of the last resource's update, the cursor after its last input key. */
function completion(framework: 'tandem' | 'hono', resources: number): string {
  const r = resources - 1
  return framework === 'tandem'
    ? `import { createClient } from '@tandem/client'
import type { app } from './app.ts'

const client = createClient<typeof app>('http://localhost:8000')
export const call = client.patch('/r${r}/:id', { params: { id: 1 }, body: { price: 2 }, ${CURSOR} })
`
    : `import { hc } from 'hono/client'
import type { app } from './app.ts'

const client = hc<typeof app>('http://localhost:8000')
export const call = client.r${r}[':id'].$patch({ param: { id: '1' }, json: { price: 2 }, ${CURSOR} })
`
}

/** The files of one framework's side: its app, its calls, its completion file, in a folder of its own. */
export interface Side {
  dir: string
  app: string
  client: string
  complete: string
}

function write(dir: string, app: string, calls: string, complete: string): Side {
  mkdirSync(dir, { recursive: true })
  const side = {
    dir,
    app: join(dir, 'app.ts'),
    client: join(dir, 'client.ts'),
    complete: join(dir, 'complete.ts'),
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(side.app, app)
  writeFileSync(side.client, calls)
  writeFileSync(side.complete, complete)
  return side
}

/** The files of the benchmark for `routes` routes, written under `dir` (`tandem/` and `hono/`). */
export function generate(dir: string, routes: number): { tandem: Side; hono: Side } {
  const resources = Math.ceil(routes / ROUTES_PER_RESOURCE)
  return {
    tandem: write(
      join(dir, 'tandem'),
      tandemApp(resources),
      tandemCalls(resources),
      completion('tandem', resources),
    ),
    hono: write(join(dir, 'hono'), honoApp(resources), honoCalls(resources), completion('hono', resources)),
  }
}
