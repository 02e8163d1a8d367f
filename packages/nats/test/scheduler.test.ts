import { runSchedulerSuite } from '@tandem/core/testing'
import { startNatsServer } from '@tandem/runtimes/nats-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { functions } from './fixtures/suite-entry.ts'
import { killWorkers, startFleet } from './fleet.ts'

const entry = new URL('./fixtures/suite-entry.ts', import.meta.url).pathname
let server: Awaited<ReturnType<typeof startNatsServer>>

beforeAll(async () => {
  server = await startNatsServer()
})
afterAll(async () => {
  await killWorkers()
  await server?.stop()
})

// Each case gets its own subject and `size` worker processes of one thread each, so affinity,
// crashes and time limits cross processes as they would across machines.
runSchedulerSuite(
  'NATS scheduler, Node worker processes',
  {
    functions,
    threads: true,
    probe: 'files',
    create: ({ size, maxQueue, timeout }) => startFleet(entry, server.url, size, { maxQueue, timeout }),
  },
  { describe, it, expect, afterEach },
)
