import { runMiddlewareMatrix, startMatrixProcess } from '@tandem/runtimes/middleware-suite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Hono's middleware on a Tandem app (a real node process, serve()) and on a plain Hono app (another
// one, @hono/node-server): tooling/runtimes/middleware-cases.ts lists them.
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname
runMiddlewareMatrix(
  'node',
  () => startMatrixProcess('node', fixture('middleware-tandem.ts'), fixture('middleware-hono.ts')),
  { describe, it, beforeAll, afterAll, expect },
)
