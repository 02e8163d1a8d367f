// Errors and exception handlers: the app docs/routes.md quotes in "Errors" and "Exception handlers".
import { App, HTTPException, type Logger, RequestValidationError } from '@tandem/core'
import { z } from 'zod'

// Where the app logs what it handles (default: the console). The tests read it.
export const logged: string[] = []
const logger: Logger = {
  error: (message, error) => logged.push(`${message} ${error instanceof Error ? error.message : ''}`),
  warn: (message) => logged.push(message),
}

export const app = new App({ title: 'Errors', bodyLimit: 64 * 1024, logger })

class ShopError extends Error {}
class OutOfStock extends ShopError {
  readonly item: string
  constructor(item: string) {
    super(`${item} is out of stock`)
    this.item = item
  }
}

// Found by the error's class, nearest ancestor first: OutOfStock uses its own handler,
// any other ShopError the one below.
app.exceptionHandler(OutOfStock, (error, { route }) =>
  Response.json({ detail: error.message, item: error.item, route }, { status: 409 }),
)
app.exceptionHandler(ShopError, (error) => Response.json({ detail: error.message }, { status: 400 }))

// Replaces the 422 answer for the whole app.
app.exceptionHandler(RequestValidationError, (error) =>
  Response.json(
    { error: 'invalid request', fields: error.issues.map((issue) => issue.loc.join('.')) },
    { status: 400 },
  ),
)

app.get('/fries', () => {
  throw new OutOfStock('fries')
})
app.get('/closed', () => {
  throw new ShopError('The shop is closed')
})

app.get('/orders/:id', { params: { id: z.number().int() } }, ({ params }) => {
  // Without a detail, the status's reason phrase is the detail; headers go on the response.
  if (params.id === 0) throw new HTTPException(429, undefined, { headers: { 'retry-after': '5' } })
  throw new HTTPException(404, { reason: 'unknown order', id: params.id })
})

app.get('/bug', () => {
  // Anything else: 500, "Internal Server Error" in text/plain; the stack goes to the logger only.
  throw new Error('database password is hunter2')
})

app.post('/upload', { body: z.object({ data: z.string() }) }, ({ body }) => ({ size: body.data.length }))
