// Bare Hono on workerd: the Hono app is the Worker (`export default hono`).
import { Hono } from 'hono'

const hono = new Hono()
hono.get('/', (c) => c.json({ message: 'Hello World' }))

export default hono
