// Hono with ~5 ms of CPU on libuv's thread pool (measurements.md j4): async crypto.pbkdf2.
import { pbkdf2 } from 'node:crypto'
import { promisify } from 'node:util'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { hostname, port } from './env.ts'

const pbkdf2Async = promisify(pbkdf2)

const app = new Hono()
app.get('/health', (c) => c.json({ status: 'ok' }))
app.get('/work', async (c) =>
  c.json({ hash: (await pbkdf2Async('password', 'salt', 29000, 32, 'sha256')).toString('hex') }),
)

serve({ fetch: app.fetch, port, hostname })
