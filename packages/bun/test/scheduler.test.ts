import { afterEach, describe, expect, it } from 'bun:test'
import { getPriority } from 'node:os'
import { createBunPool } from '@tandem/bun'
import { setScheduler } from '@tandem/core/adapter'
import { runSchedulerSuite } from '@tandem/core/testing'
import { functions, niceness } from './fixtures/suite-entry.ts'

const entry = new URL('./fixtures/suite-entry.ts', import.meta.url)

// Twice: blocking functions report through shared memory (threads), then through files (as
// schedulers whose functions run in other processes must).
for (const [title, probe] of [
  ['Bun Web Worker pool', 'shared-memory'],
  ['Bun Web Worker pool, file probe', 'files'],
] as const)
  runSchedulerSuite(
    title,
    {
      functions,
      threads: true,
      probe,
      create: async (options) => {
        // nice 0: the suite's 100 ms time limits must not depend on CPU left over by parallel test tasks.
        const pool = createBunPool(entry, { ...options, nice: 0 })
        await pool.start()
        return pool
      },
    },
    { describe, it, expect, afterEach },
  )

describe.if(process.platform === 'linux')('pool.nice: workers below the event loop', () => {
  it('runs workers at niceness 10 by default, 0 on request, and leaves the loop thread alone', async () => {
    for (const [options, expected] of [
      [{}, 10],
      [{ nice: 0 }, 0],
    ] as const) {
      const pool = createBunPool(entry, { size: 1, ...options })
      await pool.start()
      setScheduler(pool)
      try {
        expect(await niceness()).toBe(expected)
      } finally {
        setScheduler(undefined)
        await pool.close()
      }
    }
    expect(getPriority()).toBe(0)
  })
})
