// The scheduler conformance suite (@tandem/core/testing) on NATS: each case gets its own subject and
// `size` worker processes of one thread each, so affinity, crashes and time limits cross processes as
// they would across machines. Run by vitest (test/scheduler.test.ts: a Node scheduler and Node
// worker processes) and bun test (bun/scheduler.test.ts: Bun's).
import { runSchedulerSuite, type TestApi } from '@tandem/core/testing'
import { type NatsServer, startNatsServer } from '@tandem/runtimes/nats-server'
import type { Runner } from './direct-cases.ts'
import { functions } from './fixtures/suite-entry.ts'
import { killWorkers, startFleet } from './fleet.ts'

/** The suite, for the runtime running it, on a nats-server of its own, with the test runner's functions. */
export function schedulerCases(
  runtime: 'Node' | 'Bun',
  t: TestApi & Pick<Runner, 'beforeAll' | 'afterAll'>,
): void {
  const entry = new URL('./fixtures/suite-entry.ts', import.meta.url).pathname
  let server: NatsServer

  t.beforeAll(async () => {
    server = await startNatsServer()
  })
  t.afterAll(async () => {
    await killWorkers()
    await server?.stop()
  })

  runSchedulerSuite(
    `NATS scheduler, ${runtime} worker processes`,
    {
      functions,
      threads: true,
      probe: 'files',
      create: ({ size, maxQueue, timeout }) => startFleet(entry, server.url, size, { maxQueue, timeout }),
    },
    t,
  )
}
