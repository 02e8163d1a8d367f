import { getPriority } from 'node:os'
import { WorkerCrashedError } from '@tandem/core'
import { setScheduler } from '@tandem/core/adapter'
import { runSchedulerSuite } from '@tandem/core/testing'
import { createNodePool } from '@tandem/node'
import { afterEach, describe, expect, it } from 'vitest'
import { functions, heapLimit, hog, niceness } from './fixtures/suite-entry.ts'

const entry = new URL('./fixtures/suite-entry.ts', import.meta.url)

// Twice: blocking functions report through shared memory (threads), then through files (as
// schedulers whose functions run in other processes must).
for (const [title, probe] of [
  ['Node worker_threads pool', 'shared-memory'],
  ['Node worker_threads pool, file probe', 'files'],
] as const)
  runSchedulerSuite(
    title,
    {
      functions,
      threads: true,
      probe,
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

describe('pool.resourceLimits: a bounded heap per worker', () => {
  it('gives each worker a 1024 MB heap by default, or the limit asked for', async () => {
    for (const [options, expected] of [
      [{}, 1024],
      [{ resourceLimits: { maxOldGenerationSizeMb: 256 } }, 256],
    ] as const) {
      const pool = createNodePool(entry, { size: 1, nice: 0, ...options })
      await pool.start()
      setScheduler(pool)
      try {
        // heap_size_limit adds the young generation's space to the old one's limit.
        const limit = await heapLimit()
        expect(limit).toBeGreaterThanOrEqual(expected)
        expect(limit).toBeLessThan(expected + 256)
      } finally {
        setScheduler(undefined)
        await pool.close()
      }
    }
  })

  it('fails a call that runs its worker out of heap, once, and only that call', async () => {
    const pool = createNodePool(entry, { size: 1, nice: 0, resourceLimits: { maxOldGenerationSizeMb: 48 } })
    await pool.start()
    setScheduler(pool)
    try {
      const counter = new SharedArrayBuffer(4)
      const results = await Promise.allSettled([
        functions.echo('before'),
        hog(counter),
        functions.echo('after'),
      ])
      expect(results[0]).toEqual({ status: 'fulfilled', value: 'before' })
      expect(results[1]!.status === 'rejected' && results[1]!.reason).toBeInstanceOf(WorkerCrashedError)
      expect(String((results[1] as PromiseRejectedResult).reason.message)).toMatch(/memory limit/)
      expect(results[2]).toEqual({ status: 'fulfilled', value: 'after' })
      expect(Atomics.load(new Int32Array(counter), 0)).toBe(1)
    } finally {
      setScheduler(undefined)
      await pool.close()
    }
  }, 30_000)
})
