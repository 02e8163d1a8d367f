// The client's runtime suite run by `bun test`: the client on Bun, against a real Bun server in the
// same process. `pnpm test` runs it after vitest (`bun test ./test/client.bun-test.ts`); `bun test`
// serves the `vitest` imports (here and in suite.ts) from `bun:test`.

import { serve, type TandemServer } from '@tandem/bun'
import { afterAll, beforeAll } from 'vitest'
import { createClient } from '../src/index.ts'
import { app } from './shop.ts'
import { clientSuite } from './suite.ts'

let server: TandemServer
beforeAll(async () => {
  server = (await serve(app, { port: 0, pool: false }))!
})
afterAll(() => server?.close())

clientSuite('on Bun, against a real Bun server', () => createClient<typeof app>(server.url))
