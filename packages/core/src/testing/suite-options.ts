import type { Scheduler } from '../execution/scheduler.ts'
import type { SchedulerSuiteFunctions } from './functions.ts'
import type { SuiteProbeKind } from './probe.ts'

/**
 * The test runner's functions the suite uses: vitest's and `bun:test`'s both fit.
 * `it.skipIf`-style helpers are not needed: the suite skips by itself.
 *
 * @example
 * import { afterEach, describe, expect, it } from 'vitest'
 * const api: TestApi = { describe, it, expect, afterEach }
 */
export interface TestApi {
  describe(name: string, fn: () => void): void
  it(name: string, fn: () => Promise<void> | void, timeout?: number): void
  afterEach(fn: () => Promise<void> | void): void
  expect: any
}

/**
 * How to make the scheduler under test, and what it can do.
 *
 * @example
 * const options: SchedulerSuiteOptions = {
 *   functions, threads: true,
 *   create: async (o) => { const pool = createNodePool(entry, o); await pool.start(); return pool },
 * }
 */
export interface SchedulerSuiteOptions {
  /** Makes a started scheduler; `size`, `maxQueue` and `timeout` as asked (inline ones ignore them). */
  create(options: { size: number; maxQueue: number; timeout: number }): Promise<Scheduler>
  /** The suite's blocking functions (`schedulerSuiteFunctions()`), declared in the workers' entry too. */
  functions: SchedulerSuiteFunctions
  /** A scheduler with real threads: queues, limits, crashes and affinity apply. */
  threads: boolean
  /**
   * How the suite's blocking functions report what they did (runs counted, a call's start and end, a
   * cleanup) back to the test, through cells passed to them as an argument. `'shared-memory'` (the
   * default): `SharedArrayBuffer`s, for functions that run in this process (inline, or in threads).
   * `'files'`: one file per cell in a temporary directory, for functions that run in other
   * processes on the same machine, which cannot share memory (a `SharedArrayBuffer` cannot be sent
   * there). The cases and what they assert are the same either way.
   *
   * @example
   * runSchedulerSuite('remote worker processes', {
   *   functions, threads: true, probe: 'files',
   *   create: async (o) => startRemoteScheduler(o), // workers in other processes load the suite's entry
   * }, { describe, it, expect, afterEach })
   */
  probe?: SuiteProbeKind
}
