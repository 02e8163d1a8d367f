// Hono with ~5 ms of CPU on piscina with 2 threads (measurements.md j3): the same pbkdf2Sync as
// Tandem's blocking() handler, in piscina's worker file.
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { Piscina } from 'piscina'
import { hostname, port } from './env.ts'

const pool = new Piscina({
  filename: join(import.meta.dirname, '..', 'pool', 'piscina-worker.ts'),
  minThreads: 2,
  maxThreads: 2,
})

const app = new Hono()
app.get('/health', (c) => c.json({ status: 'ok' }))
app.get('/work', async (c) => c.json({ hash: await pool.run({ fn: 'cpu' }) }))

serve({ fetch: app.fetch, port, hostname })
