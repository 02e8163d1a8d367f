import { getPriority } from 'node:os'
import { setScheduler } from '@tandem/core'
import { runSchedulerSuite } from '@tandem/core/testing'
import { createNodePool } from '@tandem/node'
import { afterEach, describe, expect, it } from 'vitest'
import { functions, niceness } from './fixtures/suite-entry.ts'

const entry = new URL('./fixtures/suite-entry.ts', import.meta.url)

runSchedulerSuite(
  'Node worker_threads pool',
  {
    functions,
    threads: true,
    create: async (options) => {
      // nice 0: the suite's 100 ms time limits must not depend on CPU left over by parallel test tasks.
      const pool = createNodePool(entry, { ...options, nice: 0 })
      await pool.start()
      return pool
    },
  },
  { describe, it, expect, afterEach },
)

describe.runIf(process.platform === 'linux')('pool.nice: workers below the event loop', () => {
  it('runs workers at niceness 10 by default, 0 on request, and leaves the loop thread alone', async () => {
    for (const [options, expected] of [
      [{}, 10],
      [{ nice: 0 }, 0],
      [{ nice: 19 }, 19],
    ] as const) {
      const pool = createNodePool(entry, { size: 1, ...options })
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

  it('refuses a niceness outside 0-19 with a message naming the option', () => {
    expect(() => createNodePool(entry, { nice: 25 })).toThrow(/pool\.nice must be a whole number from 0/)
    expect(() => createNodePool(entry, { nice: -5 })).toThrow(RangeError)
  })
})
