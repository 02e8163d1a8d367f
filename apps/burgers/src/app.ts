// The burger shop of FastAPI's "Concurrency and async / await" page, as a real small service.
// One module, served unchanged on Node (src/node.ts), Bun (src/bun.ts) and workerd (src/workerd.ts).
import { App, apiKeyHeader, blocking, depends, HTTPException } from '@tandem/core'
import { z } from 'zod'
import { type Database, openDurableObject, openFile, type SqlStorage } from './db.ts'
import { seal, station } from './kitchen.ts'

/** What workerd passes as `env` (the Durable Object adds its SQL storage). */
export interface Env {
  SQL?: SqlStorage
  API_KEY?: string
}

const MENU = {
  classic: { name: 'Classic burger', price: 8.5 },
  cheese: { name: 'Cheeseburger', price: 9.5 },
  veggie: { name: 'Veggie burger', price: 9 },
  double: { name: 'Double burger', price: 12 },
} as const

const Burger = z.enum(['classic', 'cheese', 'veggie', 'double'])
const OrderIn = z
  .object({
    customer: z.string().min(1).max(80),
    items: z
      .array(z.object({ burger: Burger, qty: z.number().int().min(1).max(20) }))
      .min(1)
      .max(20),
    notes: z.string().max(500).optional(),
  })
  .meta({ id: 'OrderIn' })
const Order = z
  .object({
    id: z.number().int(),
    customer: z.string(),
    items: z.array(z.object({ burger: Burger, qty: z.number().int() })),
    total: z.number(),
    status: z.enum(['received', 'cooked']),
    seal: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'Order' })
type Row = {
  id: number
  customer: string
  items: string
  total: number
  status: 'received' | 'cooked'
  seal: string | null
  created_at: string
}

const toOrder = (row: Row) => ({
  ...row,
  items: JSON.parse(row.items) as { burger: z.infer<typeof Burger>; qty: number }[],
})

/**
 * The database connection of one request, held by a blocking yield dependency: opened (and a
 * transaction begun) on the pool worker that runs the request's blocking steps, committed right
 * after the handler (scope 'function', so a client reads its own writes), rolled back on error.
 */
const database = depends(
  blocking(function* database({ env }) {
    const sql = (env as Env | undefined)?.SQL
    const db: Database = sql ? openDurableObject(sql) : openFile(process.env.BURGERS_DB ?? 'burgers.sqlite')
    db.begin()
    try {
      yield db
      db.commit()
    } catch (error) {
      db.rollback()
      throw error
    }
  }),
).with({ scope: 'function' })

const apiKey = apiKeyHeader({
  name: 'x-api-key',
  description: 'The shop key (BURGERS_API_KEY; "burger-secret" by default).',
})
const staff = depends({ deps: { key: apiKey } }, function staff({ deps, env }) {
  const expected =
    (env as Env | undefined)?.API_KEY ?? globalThis.process?.env?.BURGERS_API_KEY ?? 'burger-secret'
  if (deps.key !== expected) throw new HTTPException(403, 'Invalid API key')
})

/** Kitchen display, told about new orders after the response (a background task). */
function announce(id: number, customer: string): void {
  console.log(`kitchen display: order ${id} for ${customer}`)
}

/** The shop: its routes declared in one chain, so `typeof app` types them for `@tandem/client`. */
export const app = new App<unknown, Env | undefined>({
  title: 'Burger shop',
  version: '1.0.0',
  description: 'Order burgers: waiting happens concurrently, cooking happens in parallel.',
})
  .get(
    '/menu',
    { tags: ['menu'], response: z.array(z.object({ id: Burger, name: z.string(), price: z.number() })) },
    async function read_menu() {
      await Promise.resolve()
      return Object.entries(MENU).map(([id, item]) => ({ id: id as z.infer<typeof Burger>, ...item }))
    },
  )
  .post(
    '/orders',
    {
      tags: ['orders'],
      body: OrderIn,
      response: Order,
      status: 201,
      deps: { db: database },
      dependencies: [staff],
    },
    blocking(function create_order({ body, deps, background }) {
      const total = body.items.reduce((sum, item) => sum + MENU[item.burger].price * item.qty, 0)
      const created = new Date().toISOString()
      const { lastInsertRowid: id } = deps.db.run(
        'INSERT INTO orders (customer, items, total, status, seal, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        body.customer,
        JSON.stringify(body.items),
        total,
        'received',
        null,
        created,
      )
      background.add(announce, id, body.customer)
      return toOrder(deps.db.get<Row>('SELECT * FROM orders WHERE id = ?', id)!)
    }),
  )
  .get(
    '/orders',
    { tags: ['orders'], response: z.array(Order), deps: { db: database }, dependencies: [staff] },
    blocking(function list_orders({ deps }) {
      return deps.db.all<Row>('SELECT * FROM orders ORDER BY id').map(toOrder)
    }),
  )
  .get(
    '/orders/:id',
    {
      tags: ['orders'],
      params: { id: z.number().int().min(1) },
      response: Order,
      responses: { 404: { description: 'No such order' } },
      deps: { db: database },
      dependencies: [staff],
    },
    blocking(function read_order({ params, deps }) {
      const row = deps.db.get<Row>('SELECT * FROM orders WHERE id = ?', params.id)
      if (!row) throw new HTTPException(404, `Order ${params.id} not found`)
      return toOrder(row)
    }),
  )
  .post(
    '/orders/:id/cook',
    {
      tags: ['kitchen'],
      summary: 'Cook an order (CPU-bound: runs on the worker pool)',
      params: { id: z.number().int().min(1) },
      query: { rounds: z.number().int().min(1).max(2_000_000).default(200_000) },
      response: Order,
      responses: { 404: { description: 'No such order' } },
      deps: { db: database },
      dependencies: [staff],
    },
    blocking(function cook_order({ params, query, deps }) {
      const row = deps.db.get<Row>('SELECT * FROM orders WHERE id = ?', params.id)
      if (!row) throw new HTTPException(404, `Order ${params.id} not found`)
      const receiptSeal = seal(`${row.id}:${row.customer}:${row.items}`, query.rounds)
      deps.db.run('UPDATE orders SET status = ?, seal = ? WHERE id = ?', 'cooked', receiptSeal, params.id)
      return toOrder(deps.db.get<Row>('SELECT * FROM orders WHERE id = ?', params.id)!)
    }),
  )
  .get(
    '/kitchen/status',
    { tags: ['kitchen'], summary: 'Wait on every station at once (async: concurrent waiting)' },
    async function kitchen_status({ signal }) {
      const started = Date.now()
      const stations = await Promise.all([
        station('grill', 60, signal),
        station('fryer', 40, signal),
        station('drinks', 20, signal),
      ])
      return { stations, waited: Date.now() - started }
    },
  )
  .post(
    '/kitchen/fire',
    {
      tags: ['kitchen'],
      summary: 'A kitchen fire: the blocking function crashes its worker (a resilience demo)',
      dependencies: [staff],
    },
    blocking(function kitchen_fire() {
      const proc = globalThis.process as { exit?: (code: number) => never } | undefined
      if (globalThis.navigator?.userAgent !== 'Cloudflare-Workers' && proc?.exit) proc.exit(13)
      throw new Error('Kitchen fire (inline runtime: the request fails, the isolate stays up)')
    }),
  )
