// Stopping a pool while it starts: start() must settle, and a worker still evaluating its modules is
// stopped only once it has evaluated them (terminating a thread mid-evaluation can abort the whole
// process, a V8 fatal error). Shared by the Node and Bun adapters' tests.
import { PoolClosedError } from '@tandem/core'
import type { ThreadPool } from '@tandem/core/pool'
import { LOAD_MS } from './slow-load.ts'

interface TestApi {
  describe(name: string, fn: () => void): void
  it(name: string, fn: () => Promise<void>, timeout?: number): void
  expect: (value: unknown) => any
}

/**
 * Runs the cases against `createPool(size)`, an unstarted pool whose workers load an entry that
 * calls `loadSlowly()` at its top (`slow-load-app.ts`, or one of the runtime's own) and whose
 * blocking functions the test's thread has registered too.
 */
export function runPoolStartSuite(
  name: string,
  createPool: (size: number) => ThreadPool,
  { describe, it, expect }: TestApi,
): void {
  const settled = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => error,
    )

  describe(`${name}: stopping a pool while it starts`, () => {
    for (const how of ['close', 'terminate'] as const) {
      it(`fails start() with PoolClosedError when ${how}() comes first, after its workers have loaded`, async () => {
        const pool = createPool(2)
        const started = settled(pool.start())
        await new Promise((resolve) => setTimeout(resolve, 20))
        const began = performance.now()
        await pool[how]()
        const error = await started
        expect(error).toBeInstanceOf(PoolClosedError)
        expect(String((error as Error).message)).toContain(
          `the pool was ${how === 'close' ? 'closed' : 'terminated'} before`,
        )
        // The workers were stopped after their modules were evaluated, not in the middle.
        expect(performance.now() - began).toBeGreaterThan(LOAD_MS / 2)
      }, 15_000)
    }

    it("survives being stopped at any moment of its workers' start, 20 times over", async () => {
      for (let round = 0; round < 20; round++) {
        const pool = createPool(2)
        const started = settled(pool.start())
        await new Promise((resolve) => setTimeout(resolve, (round * 37) % (LOAD_MS + 100)))
        await (round % 2 ? pool.terminate() : pool.close())
        const outcome = await started
        // Stopped before the workers were ready, or after: either way start() settled.
        if (outcome !== 'resolved') expect(outcome).toBeInstanceOf(PoolClosedError)
      }
    }, 60_000)
  })
}
