// The client's runtime suite against a real Bun server (`bun fixtures/bun-server.ts`), the client
// running here on Node.
import { join } from 'node:path'
import { type RuntimeProcess, startProcess } from '@tandem/runtimes'
import { afterAll, beforeAll } from 'vitest'
import { createClient } from '../src/index.ts'
import type { app } from './shop.ts'
import { clientSuite } from './suite.ts'

let server: RuntimeProcess
beforeAll(async () => {
  server = await startProcess('bun', join(import.meta.dirname, 'fixtures', 'bun-server.ts'))
}, 60_000)
afterAll(() => server?.stop())

clientSuite('against a real Bun server', () => createClient<typeof app>(server.url))
