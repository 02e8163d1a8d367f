import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { runMiddlewareMatrix, startMatrixProcess } from '@tandem/runtimes/middleware-suite'

// Hono's middleware on a Tandem app (a real bun process, serve()) and on a plain Hono app (another
// one, Bun.serve): tooling/runtimes/middleware-cases.ts lists them.
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname
runMiddlewareMatrix(
  'bun',
  () => startMatrixProcess('bun', fixture('middleware-tandem.ts'), fixture('middleware-hono.ts')),
  { describe, it, beforeAll, afterAll, expect },
)
