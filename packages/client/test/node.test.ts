import { serve, type TandemServer } from '@tandem/node'
import { afterAll, beforeAll } from 'vitest'
import { createClient } from '../src/index.ts'
import { app } from './shop.ts'
import { clientSuite } from './suite.ts'

let server: TandemServer
beforeAll(async () => {
  server = (await serve(app, { port: 0, pool: false }))!
})
afterAll(() => server?.close())

clientSuite('against a real Node server', () => createClient<typeof app>(server.url))
