// The execution model: the app docs/execution-model.md quotes.
//
// On Node, serve it with a worker pool from the entry module (server.ts):
//
//   import { serve } from '@tandem/node'
//   import { app } from './blocking.ts'
//   await serve(app, { port: 8000, pool: { size: 4, timeout: 30_000 } })
//
// Under app.request() (tests) and on workerd, blocking functions run inline.
import { pbkdf2Sync } from 'node:crypto'
import { DatabaseSync } from 'node:sqlite'
import { threadId } from 'node:worker_threads'
import { App, blocking, depends, HTTPException } from '@tandem/core'
import { z } from 'zod'

// Each pool worker runs the lifespan too: `state` in a blocking function is its worker's own.
export const app = new App({
  title: 'Kitchen',
  lifespan: async function* () {
    yield { thread: threadId }
  },
})

// async: awaited on the event loop.
app.get('/status', async () => {
  await new Promise((resolve) => setTimeout(resolve, 1))
  return { ok: true }
})

// plain: called directly on the event loop. It must be cheap.
app.get('/health', () => ({ ok: true }))

// A blocking utility, declared at module top level, called from async code with await.
export const hashPassword = blocking(function hashPassword(password: string) {
  return pbkdf2Sync(password, 'tandem-salt', 100_000, 32, 'sha256')
})

app.post('/signup', { body: z.object({ password: z.string().min(8) }) }, async ({ body }) => {
  const hash = await hashPassword(body.password) // a Buffer in the worker, a Uint8Array here
  return { hash: Buffer.from(hash).toString('hex') }
})

// A blocking yield dependency: a synchronous driver's connection opened, used and closed on one
// worker. It cannot cross threads, so only blocking functions of the same request use it.
const database = depends(
  blocking(function* database() {
    const db = new DatabaseSync(':memory:')
    db.exec('create table orders (id integer primary key, item text not null)')
    db.exec("insert into orders (item) values ('Classic'), ('Garden')")
    try {
      yield db
    } finally {
      db.close()
    }
  }),
)

// A blocking handler: runs on the request's worker, next to its connection.
app.get(
  '/orders/:id',
  { params: { id: z.number().int() }, deps: { db: database } },
  blocking(function read_order({ params, deps, response, state }) {
    const row = deps.db.prepare('select id, item from orders where id = ?').get(params.id)
    if (!row) throw new HTTPException(404, 'Order not found') // answers as on the loop
    response.headers.set('x-thread', String(threadId)) // comes back with the result
    return { id: Number(row.id), item: String(row.item), thread: threadId, lifespanThread: state.thread }
  }),
)

// A long computation that stops when the client goes away: `signal.aborted` turns true in
// the worker even while this synchronous loop runs.
app.get(
  '/reports/:size',
  { params: { size: z.number().int().min(1) } },
  blocking(function report({ params, signal }) {
    let checksum = 0
    for (let i = 0; i < params.size; i++) {
      if (i % 1_000_000 === 0 && signal.aborted) return null // nobody is waiting any more
      checksum = (checksum * 31 + i) % 1_000_003
    }
    return { checksum }
  }),
)

// A blocking handler may return a Response; its body is sent back from the worker.
app.get(
  '/menu.csv',
  blocking(function menu_csv() {
    const lines = ['item,price', 'Classic,8.50', 'Garden,9.00']
    return new Response(`${lines.join('\n')}\n`, { headers: { 'content-type': 'text/csv' } })
  }),
)
