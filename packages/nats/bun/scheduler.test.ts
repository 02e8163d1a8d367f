// The scheduler conformance suite under Bun: a Bun scheduler and Bun worker processes (Bun's
// serializer writes what only Bun reads, so a fleet is one runtime; see docs/runtimes/nats.md).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'bun:test'
import { runSchedulerSuite } from '@tandem/core/testing'
import { startNatsServer } from '@tandem/runtimes/nats-server'
import { functions } from '../test/fixtures/suite-entry.ts'
import { killWorkers, startFleet } from '../test/fleet.ts'

const entry = new URL('../test/fixtures/suite-entry.ts', import.meta.url).pathname
let server: Awaited<ReturnType<typeof startNatsServer>>

beforeAll(async () => {
  server = await startNatsServer()
})
afterAll(async () => {
  await killWorkers()
  await server?.stop()
})

runSchedulerSuite(
  'NATS scheduler, Bun worker processes',
  {
    functions,
    threads: true,
    probe: 'files',
    create: ({ size, maxQueue, timeout }) => startFleet(entry, server.url, size, { maxQueue, timeout }),
  },
  { describe, it, expect, afterEach },
)
