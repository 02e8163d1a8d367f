import { join } from 'node:path'
import { runMiddlewareMatrix, startMatrixWorkerd } from '@tandem/runtimes/middleware-suite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Hono's middleware on a Tandem app and on a plain Hono app, each `export default app` of a real
// workerd process (tooling/runtimes/middleware-cases.ts lists them).
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name)
runMiddlewareMatrix(
  'workerd',
  () => startMatrixWorkerd(fixture('middleware-tandem.ts'), fixture('middleware-hono.ts')),
  { describe, it, beforeAll, afterAll, expect },
)
