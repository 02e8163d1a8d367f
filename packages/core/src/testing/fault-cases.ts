import { PoolTimeoutError, WorkerCrashedError } from '../errors.ts'
import { blockingInfo } from '../execution/blocking.ts'
import type { Scheduler } from '../execution/scheduler.ts'
import type { SchedulerSuiteFunctions } from './functions.ts'
import { loadCell, type ProbeCells, type SuiteProbe } from './probe.ts'
import { caught, run, snapshot } from './suite-helpers.ts'

type Make = (options?: Partial<{ size: number; maxQueue: number; timeout: number }>) => Promise<Scheduler>

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const count = (counter: ProbeCells) => loadCell(counter, 0)

/**
 * The promises a scheduler with real workers keeps when calls share a worker (sent ahead in one
 * batch): an answer leaves as soon as its call ends; a time limit, crash or exit is charged to the
 * call that was running and only to it; calls that had not started run elsewhere, exactly once;
 * calls that had finished keep their values; a call is started at most once. Each case is one of
 * the reproductions of a fault-injection run, on a worker warmed so that it takes calls ahead.
 */
export function faultCases(
  it: (title: string, fn: () => Promise<void>) => void,
  expect: any,
  make: Make,
  f: SchedulerSuiteFunctions,
  probe: SuiteProbe,
): void {
  /** Tiny calls, so the worker's measured call time lets the pool send calls ahead to it. */
  const warm = async (s: Scheduler) => {
    for (let i = 0; i < 50; i++) await run(s, f.echo, [i])
  }

  it('answers a call as soon as it ends, not with the call sent after it', async () => {
    const s = await make({ size: 1 })
    await warm(s)
    const cells = probe.cells(2)
    const tiny = run(s, f.echo, ['tiny'])
    const parked = run(s, f.park, [cells, 1500])
    expect(await tiny).toBe('tiny')
    // The park call, sent in the same batch, has not ended: the answer did not wait for it.
    expect(loadCell(cells, 1)).toBe(0)
    expect(await parked).toBe(1500)
  })

  it('charges a time limit to the call that ran past it, not to one that ended before it', async () => {
    const s = await make({ size: 1, timeout: 1000 })
    await warm(s)
    const [tiny, looping] = await Promise.allSettled([run(s, f.echo, ['tiny']), run(s, f.loop, [])])
    expect(tiny).toEqual({ status: 'fulfilled', value: 'tiny' })
    expect(looping.status === 'rejected' && looping.reason).toBeInstanceOf(PoolTimeoutError)
    expect(await run(s, f.add, [1, 2])).toBe(3)
  })

  it('runs calls sent behind a call that times out on the new worker, once each', async () => {
    const s = await make({ size: 1, timeout: 1000 })
    await warm(s)
    const counter = probe.cells(1)
    const looping = caught(run(s, f.loop, []))
    await pause(150)
    const remote = s.remote!
    const request = remote.newRequest()
    const queued = [
      run(s, f.count, [counter]),
      remote.context(blockingInfo(f.keep), request, snapshot('next request'), { keep: true, yields: false }),
    ]
    expect(await looping).toBeInstanceOf(PoolTimeoutError)
    const [order, kept] = await Promise.all(queued)
    expect(order).toBe(0)
    expect((kept as { ref?: number }).ref).toBeTypeOf('number')
    expect(count(counter)).toBe(1)
    remote.release(request)
  })

  it('starts a call at most once: a worker that exits mid-batch fails only the call it ran', async () => {
    const s = await make({ size: 1 })
    await warm(s)
    const before = probe.cells(1)
    const crashing = probe.cells(1)
    const after = probe.cells(1)
    const results = await Promise.allSettled([
      run(s, f.count, [before]),
      run(s, f.countThenCrash, [crashing]),
      run(s, f.count, [after]),
      run(s, f.count, [after]),
    ])
    expect(results[0]).toEqual({ status: 'fulfilled', value: 0 })
    expect(results[1]!.status === 'rejected' && results[1]!.reason).toBeInstanceOf(WorkerCrashedError)
    expect(results.slice(2)).toEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'fulfilled', value: 1 },
    ])
    expect(await run(s, f.add, [1, 1])).toBe(2)
    expect([count(before), count(crashing), count(after)]).toEqual([1, 1, 2])
  })

  it('fails the queued steps of a request whose values died with its worker, and runs the rest', async () => {
    const s = await make({ size: 1 })
    await warm(s)
    const remote = s.remote!
    const request = remote.newRequest()
    const kept = await remote.context(blockingInfo(f.keep), request, snapshot('mine'), {
      keep: true,
      yields: false,
    })
    const counter = probe.cells(1)
    const crashing = probe.cells(1)
    const [crash, stranded, other] = await Promise.allSettled([
      run(s, f.countThenCrash, [crashing]),
      remote.fetch(request, kept.ref!),
      run(s, f.count, [counter]),
    ])
    expect(crash.status === 'rejected' && crash.reason).toBeInstanceOf(WorkerCrashedError)
    expect(stranded.status === 'rejected' && stranded.reason).toBeInstanceOf(WorkerCrashedError)
    expect(other).toEqual({ status: 'fulfilled', value: 0 })
    expect([count(crashing), count(counter)]).toEqual([1, 1])
    remote.release(request)
  })
}
