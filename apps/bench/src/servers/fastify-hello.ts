// Fastify, no schema (its hello world).
import Fastify from 'fastify'
import { hostname, port } from './env.ts'

const app = Fastify({ logger: false })
app.get('/', () => ({ message: 'Hello World' }))

await app.listen({ port, host: hostname })
