// Hono with ~5 ms of CPU inline on the event loop (measurements.md j1): pbkdf2Sync blocks the loop.
import { pbkdf2Sync } from 'node:crypto'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { hostname, port } from './env.ts'

const app = new Hono()
app.get('/health', (c) => c.json({ status: 'ok' }))
app.get('/work', (c) => c.json({ hash: pbkdf2Sync('password', 'salt', 29000, 32, 'sha256').toString('hex') }))

serve({ fetch: app.fetch, port, hostname })
