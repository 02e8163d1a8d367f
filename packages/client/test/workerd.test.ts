// The client's runtime suite against a real workerd server (fixtures/workerd-worker.ts bundled with
// esbuild, `workerd serve`), the client running here on Node.
import { join } from 'node:path'
import { type RuntimeProcess, startWorkerd } from '@tandem/runtimes'
import { afterAll, beforeAll } from 'vitest'
import { createClient } from '../src/index.ts'
import type { app } from './shop.ts'
import { clientSuite } from './suite.ts'

let server: RuntimeProcess
beforeAll(async () => {
  server = await startWorkerd(join(import.meta.dirname, 'fixtures', 'workerd-worker.ts'))
}, 60_000)
// SIGKILL: workerd does not notice a client that leaves before its answer has started
// (docs/runtimes/workerd.md), so the abort case's /slow runs its 10 s, and SIGTERM would wait for it.
afterAll(() => server?.stop('SIGKILL'))

clientSuite('against a real workerd server', () => createClient<typeof app>(server.url))
