import {
  HTTPException,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  WorkerCrashedError,
} from '../errors.ts'
import { blockingInfo } from '../execution/blocking.ts'
import type { Scheduler } from '../execution/scheduler.ts'
import { REF } from '../execution/scheduler.ts'
import { faultCases } from './fault-cases.ts'
import { loadCell, suiteProbe } from './probe.ts'
import { caught, run, snapshot } from './suite-helpers.ts'
import type { SchedulerSuiteOptions, TestApi } from './suite-options.ts'

/**
 * The conformance suite every `Scheduler` passes: results, errors (HTTPException intact, others
 * keeping name, message and stack), freed slots, cloning errors naming the function, aborts before
 * and during a call, time limits, the queue bound, FIFO order across callers, worker death, close
 * with work in flight, counters, and (for thread pools) request affinity and blocking yield
 * dependencies. Call it inside a vitest or `bun:test` file. Functions that run in other processes
 * report back through files: pass `probe: 'files'` (see `SchedulerSuiteOptions.probe`).
 *
 * @example
 * import { afterEach, describe, expect, it } from 'vitest'
 * import { runSchedulerSuite } from '@tandem/core/testing'
 * import { functions } from './fixtures/suite-entry.ts'
 * runSchedulerSuite('node worker_threads', {
 *   functions, threads: true,
 *   create: async (o) => { const pool = createNodePool(entry, o); await pool.start(); return pool },
 * }, { describe, it, expect, afterEach })
 */
export function runSchedulerSuite(name: string, options: SchedulerSuiteOptions, api: TestApi): void {
  const { describe, afterEach, expect } = api
  const it = (title: string, fn: () => Promise<void>) => api.it(title, fn, 20_000)
  it.runIf = (condition: boolean) => (title: string, fn: () => Promise<void>) => {
    if (condition) it(title, fn)
  }
  const f = options.functions
  const open: Scheduler[] = []
  const make = async (o: Partial<{ size: number; maxQueue: number; timeout: number }> = {}) => {
    const scheduler = await options.create({ size: 1, maxQueue: 1024, timeout: 0, ...o })
    open.push(scheduler)
    return scheduler
  }
  const threads = options.threads
  const probe = suiteProbe(options.probe ?? 'shared-memory')

  describe(`Scheduler conformance: ${name}`, () => {
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()))
      probe.dispose()
    })

    it('returns results, structured-cloned across threads', async () => {
      const s = await make()
      const value = {
        n: 1,
        date: new Date(0),
        map: new Map([['a', [1, 2]]]),
        bytes: new Uint8Array([1, 2, 3]),
      }
      expect(await run(s, f.echo, [value])).toEqual(value)
      expect(await run(s, f.add, [2, 3])).toBe(5)
    })

    it('rejects with thrown errors: HTTPException intact, others with name, message, stack and code', async () => {
      const s = await make()
      const http = await caught(run(s, f.httpFail, [409, { reason: 'taken' }]))
      expect(http).toBeInstanceOf(HTTPException)
      expect({ status: http.status, detail: http.detail, headers: http.headers }).toEqual({
        status: 409,
        detail: { reason: 'taken' },
        headers: { 'x-suite': 'yes' },
      })
      const other = (await caught(run(s, f.fail, ['bad input']))) as Error & { code?: string }
      expect(other).toBeInstanceOf(Error)
      expect(other.name).toBe('RangeError')
      expect(other.message).toBe('bad input')
      expect(other.code).toBe('E_SUITE')
      expect(other.stack).toContain('fail')
      expect(await caught(run(s, f.throwValue, ['just a string']))).toBe('just a string')
    })

    it('frees the slot of a call that throws', async () => {
      const s = await make({ size: 1 })
      for (let i = 0; i < 20; i++)
        expect(String((await caught(run(s, f.fail, [`#${i}`]))).message)).toMatch(`#${i}`)
      expect(await run(s, f.add, [1, 1])).toBe(2)
      expect(s.stats()).toMatchObject({ busy: 0, queued: 0 })
    })

    it.runIf(threads)('names the function when a value cannot cross threads', async () => {
      const s = await make()
      expect(String((await caught(run(s, f.echo, [{ fn: () => 1 }]))).message)).toMatch(
        /"echo".*cannot be sent/,
      )
      expect(String((await caught(run(s, f.uncloneable, []))).message)).toMatch(
        /The result of blocking function "uncloneable" cannot be sent from the worker/,
      )
      expect(await run(s, f.add, [2, 2])).toBe(4)
    })

    it.runIf(threads)('never runs a call aborted before it starts', async () => {
      const s = await make({ size: 1 })
      const counter = probe.cells(1)
      const busy = run(s, f.sleep, [150])
      const controller = new AbortController()
      const queued = run(s, f.count, [counter], controller.signal)
      controller.abort()
      expect((await caught(queued)).name).toBe('AbortError')
      await busy
      await run(s, f.add, [0, 0])
      expect(loadCell(counter, 0)).toBe(0)
      const already = new AbortController()
      already.abort()
      expect((await caught(run(s, f.count, [counter], already.signal))).name).toBe('AbortError')
      expect(loadCell(counter, 0)).toBe(0)
    })

    it.runIf(threads)('lets a running call see its abort signal', async () => {
      const s = await make({ size: 1 })
      const controller = new AbortController()
      const remote = s.remote!
      const request = remote.newRequest()
      const started = probe.cells(1)
      const call = remote.context(blockingInfo(f.watchAbort), request, snapshot(started), {
        keep: false,
        yields: false,
        signal: controller.signal,
      })
      // Aborted once it runs, as it marked (a worker in another process may take a while to start it).
      const deadline = Date.now() + 10_000
      while (loadCell(started, 0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
      controller.abort()
      const result = (await call).value as { aborted: boolean; after: number }
      expect(result.aborted).toBe(true)
      expect(result.after).toBeLessThan(2000)
      remote.release(request)
    })

    it.runIf(threads)('stops a call past the time limit, replaces its worker, and goes on', async () => {
      const s = await make({ size: 1, timeout: 100 })
      const slow = run(s, f.sleep, [2000])
      const next = run(s, f.add, [20, 22])
      expect(await caught(slow)).toBeInstanceOf(PoolTimeoutError)
      expect(await next).toBe(42)
      expect(s.stats()).toMatchObject({ size: 1 })
    })

    it.runIf(threads)("honours a call's own time limit instead of the scheduler's", async () => {
      const unlimited = await make({ size: 1, timeout: 0 })
      const looping = unlimited.run(blockingInfo(f.loop), [], { timeout: 150 })
      expect(await caught(looping)).toBeInstanceOf(PoolTimeoutError)
      expect(await run(unlimited, f.add, [1, 2])).toBe(3)
      const limited = await make({ size: 1, timeout: 100 })
      expect(await limited.run(blockingInfo(f.sleep), [300], { timeout: 0 })).toBe(300)
      expect(await caught(run(limited, f.sleep, [2000]))).toBeInstanceOf(PoolTimeoutError)
    })

    it.runIf(threads)(
      'bounds the queue: beyond maxQueue a call is refused at once with a retry hint',
      async () => {
        const s = await make({ size: 1, maxQueue: 2 })
        const running = run(s, f.sleep, [400])
        await new Promise((r) => setTimeout(r, 20))
        const queued = [run(s, f.add, [1, 1]), run(s, f.add, [2, 2])]
        const refused = await caught(run(s, f.add, [3, 3]))
        expect(refused).toBeInstanceOf(PoolQueueFullError)
        expect((refused as PoolQueueFullError).retryAfter).toBeGreaterThanOrEqual(1)
        expect(await Promise.all([running, ...queued])).toEqual([400, 2, 4])
      },
    )

    it.runIf(threads)(
      'with maxQueue 0, runs a call when a worker is free and refuses one that would wait',
      async () => {
        const s = await make({ size: 1, maxQueue: 0 })
        expect(await run(s, f.add, [1, 2])).toBe(3)
        const busy = run(s, f.sleep, [400])
        await new Promise((r) => setTimeout(r, 20))
        expect(await caught(run(s, f.add, [1, 1]))).toBeInstanceOf(PoolQueueFullError)
        expect(await busy).toBe(400)
      },
    )

    it('runs calls in the order they were made, across callers (FIFO)', async () => {
      const s = await make({ size: 1 })
      const counter = probe.cells(1)
      const blocker = run(s, f.sleep, [50])
      const calls = Array.from({ length: 48 }, () => run(s, f.count, [counter]))
      await blocker
      expect(await Promise.all(calls)).toEqual(Array.from({ length: 48 }, (_, i) => i))
    })

    it.runIf(threads)('fails only the calls of a worker that dies, and replaces it', async () => {
      const s = await make({ size: 2 })
      const others = [run(s, f.sleep, [200]), run(s, f.add, [1, 2])]
      const crash = run(s, f.crash, [])
      expect(await caught(crash)).toBeInstanceOf(WorkerCrashedError)
      expect(await Promise.all(others)).toEqual([200, 3])
      expect(await Promise.all(Array.from({ length: 8 }, (_, i) => run(s, f.add, [i, i])))).toEqual([
        0, 2, 4, 6, 8, 10, 12, 14,
      ])
    })

    it('finishes work in flight on close, then refuses new calls', async () => {
      const s = await options.create({ size: 1, maxQueue: 1024, timeout: 0 })
      const inflight = [run(s, f.sleep, [60]), run(s, f.sleep, [30]), run(s, f.add, [5, 5])]
      const closed = s.close()
      expect(await Promise.all(inflight)).toEqual([60, 30, 10])
      await closed
      if (threads) expect(await caught(run(s, f.add, [1, 1]))).toBeInstanceOf(PoolClosedError)
    })

    it.runIf(threads)('terminates at once: running and queued calls fail, new ones are refused', async () => {
      const s = await options.create({ size: 1, maxQueue: 1024, timeout: 0 })
      const running = caught(run(s, f.sleep, [5000]))
      const queued = caught(run(s, f.add, [1, 1]))
      const closing = s.close()
      await s.terminate!()
      expect(await running).toBeInstanceOf(PoolClosedError)
      expect((await queued).message).toMatch(/"add" was stopped: the pool was terminated/)
      await closing
      expect(await caught(run(s, f.add, [1, 1]))).toBeInstanceOf(PoolClosedError)
    })

    it('counts completed and failed calls', async () => {
      const s = await make()
      await run(s, f.add, [1, 1])
      await run(s, f.add, [1, 1])
      await run(s, f.fail, ['x']).catch(() => {})
      expect(s.stats()).toMatchObject({ completed: 2, failed: 1, busy: 0, queued: 0 })
    })

    it.runIf(threads)('keeps a request on one worker, with values that never cross', async () => {
      const s = await make({ size: 2 })
      const remote = s.remote!
      const request = remote.newRequest()
      const kept = await remote.context(blockingInfo(f.keep), request, snapshot('hi'), {
        keep: true,
        yields: false,
      })
      expect(kept.ref).toBeTypeOf('number')
      // Keep the other worker busy: the request's next call still goes to its own worker.
      const busy = run(s, f.sleep, [100])
      const used = await remote.context(
        blockingInfo(f.useKept),
        request,
        snapshot(null, { kept: { [REF]: kept.ref } }),
        {
          keep: false,
          yields: false,
        },
      )
      expect(used.value).toMatchObject({ sameThread: true, live: 'not cloneable, but kept on the worker' })
      expect(await caught(remote.fetch(request, kept.ref!))).toBeInstanceOf(Error)
      remote.release(request)
      await busy
    })

    it.runIf(threads)(
      'runs a blocking yield dependency to its yield, then cleans up on its worker',
      async () => {
        const s = await make({ size: 1 })
        const remote = s.remote!
        for (const error of [undefined, new Error('handler failed')]) {
          const flags = probe.cells(3)
          const request = remote.newRequest()
          const entered = await remote.context(blockingInfo(f.resource), request, snapshot(flags), {
            keep: true,
            yields: true,
          })
          expect(entered.exit).toBeTypeOf('number')
          expect([loadCell(flags, 0), loadCell(flags, 1)]).toEqual([1, 0])
          if (error)
            expect(String((await caught(remote.exit(request, entered.exit!, { error }))).message)).toMatch(
              'handler failed',
            )
          else expect(await remote.exit(request, entered.exit!)).toBe('done')
          expect([loadCell(flags, 1), loadCell(flags, 2)]).toEqual([1, error ? 1 : 0])
          remote.release(request)
        }
      },
    )

    if (threads) faultCases(it, expect, make, f, probe)
  })
}
