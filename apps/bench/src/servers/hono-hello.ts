// Bare Hono on @hono/node-server.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { hostname, port } from './env.ts'

const app = new Hono()
app.get('/', (c) => c.json({ message: 'Hello World' }))

serve({ fetch: app.fetch, port, hostname })
