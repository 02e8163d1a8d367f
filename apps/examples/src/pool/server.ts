// Serves docs/examples/blocking.ts on a real worker_threads pool, for pool.test.ts.
// Run with `node --import ./resolve-from-here.ts server.ts`. Pool workers load this module too
// (it is the main module): it declares the same blocking functions there, and serve() does not
// listen in a worker.
import { blocking, depends } from '@tandem/core'
import { serve } from '@tandem/node'
import { app } from '../../../../docs/examples/blocking.ts'

// Probes of what the docs claim about values crossing threads.
const bytes = blocking(function bytes() {
  return Buffer.from('tandem')
})
app.get('/probe/buffer', async () => {
  const value = await bytes()
  return { type: value.constructor.name, text: new TextDecoder().decode(value) }
})

const connection = depends(
  blocking(function* connection() {
    yield { query: (sql: string) => sql } // a function: it cannot be cloned
  }),
)
app.get('/probe/on-the-loop', { deps: { conn: connection } }, ({ deps }) => deps.conn.query('select 1'))

const server = await serve(app, {
  port: 0,
  pool: {
    size: Number(process.env.POOL_SIZE ?? 2),
    timeout: Number(process.env.POOL_TIMEOUT ?? 0),
    maxQueue: Number(process.env.POOL_MAX_QUEUE ?? 1024),
  },
})
if (server) console.log(`READY ${server.url}`)
