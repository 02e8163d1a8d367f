// The app of the install test, as a user writes it against the published packages: an async route,
// a blocking handler, Zod validation and Hono's own middleware (`cors()` from `hono/cors`).
import { App, blocking } from '@tandem/core'
import { cors } from 'hono/cors'
import { z } from 'zod'

export const app = new App({ title: 'Install test', version: '1.0.0' })

app.use(cors())

app.get('/hello/:name', { params: { name: z.string().min(1) } }, async ({ params }) => ({
  message: `Hello, ${params.name}!`,
}))

function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2)
}

// A blocking handler: on the worker pool on Node and Bun, inline on workerd.
app.get(
  '/fibonacci/:n',
  { params: { n: z.number().int().min(0).max(30) } },
  blocking(function fibonacciRoute({ params }) {
    return { n: params.n, value: fibonacci(params.n) }
  }),
)
