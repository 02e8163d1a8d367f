// Bare Hono: on @hono/node-server under Node, on Bun.serve({ fetch: app.fetch }) under Bun.
import { Hono } from 'hono'
import { serveFetch } from './env.ts'

const app = new Hono()
app.get('/', (c) => c.json({ message: 'Hello World' }))

await serveFetch(app.fetch)
