import { HTTPException } from '../errors.ts'
import { type BlockingFunction, blocking } from '../execution/blocking.ts'
import { addCell, type ProbeCells, sleepSync, storeCell } from './probe.ts'

/** A per-thread identity, made on first use (never at module load: workerd forbids randomness there). */
function threadIdentity(): string {
  const holder = globalThis as { __tandemThreadIdentity?: string }
  holder.__tandemThreadIdentity ??= crypto.randomUUID()
  return holder.__tandemThreadIdentity
}

type Ctx = { signal: AbortSignal; deps: Record<string, unknown>; body: unknown }

/**
 * Declares the blocking functions the scheduler conformance suite calls. Call it once at module
 * top level in a module that both the test and the pool workers load (the suite's entry).
 *
 * @example
 * // test/fixtures/suite-entry.ts
 * import { schedulerSuiteFunctions } from '@tandem/core/testing'
 * export const functions = schedulerSuiteFunctions()
 */
export function schedulerSuiteFunctions() {
  return {
    echo: blocking(function echo(value: unknown) {
      return value
    }),
    add: blocking(function add(a: number, b: number) {
      return a + b
    }),
    fail: blocking(function fail(message: string) {
      const error = new RangeError(message)
      Object.defineProperty(error, 'code', { value: 'E_SUITE', enumerable: true })
      throw error
    }),
    httpFail: blocking(function httpFail(status: number, detail: unknown) {
      throw new HTTPException(status, detail, { headers: { 'x-suite': 'yes' } })
    }),
    throwValue: blocking(function throwValue(value: unknown) {
      throw value
    }),
    sleep: blocking(function sleep(ms: number) {
      sleepSync(ms)
      return ms
    }),
    /** Counts its runs in probe cell 0 and returns its run number. */
    count: blocking(function count(counter: ProbeCells, ms = 0) {
      const order = addCell(counter, 0)
      if (ms > 0) sleepSync(ms)
      return order
    }),
    uncloneable: blocking(function uncloneable() {
      return { callback: () => 'functions cannot be cloned' }
    }),
    identity: blocking(function identity() {
      return threadIdentity()
    }),
    /** Marks its start (probe cell 0) and end (cell 1) around a synchronous sleep. */
    park: blocking(function park(cells: ProbeCells, ms: number) {
      storeCell(cells, 0, 1)
      sleepSync(ms)
      storeCell(cells, 1, 1)
      return ms
    }),
    /** Spins forever, ignoring its signal: only a time limit stops it. */
    loop: blocking(function loop() {
      let spins = 0
      while (spins >= 0) spins = (spins + 1) % 1_000_000
      return spins
    }),
    /** Counts its run (probe cell 0), then exits its worker's process: a call that dies while it runs. */
    countThenCrash: blocking(function countThenCrash(counter: ProbeCells) {
      addCell(counter, 0)
      const proc = (globalThis as { process?: { exit(code: number): never } }).process
      if (!proc) throw new Error('countThenCrash() needs process.exit (Node or Bun)')
      proc.exit(9)
    }),
    crash: blocking(function crash() {
      const proc = (globalThis as { process?: { exit(code: number): never } }).process
      if (!proc) throw new Error('crash() needs process.exit (Node or Bun)')
      proc.exit(7)
    }),
    /**
     * A context function: marks its start (probe cell 0, if given probe cells as its body), then waits
     * until its signal is aborted (polling, as synchronous code must).
     */
    watchAbort: blocking(function watchAbort(ctx: Ctx) {
      if (ctx.body) storeCell(ctx.body as ProbeCells, 0, 1)
      const started = Date.now()
      while (!ctx.signal.aborted && Date.now() - started < 3000) sleepSync(2)
      return { aborted: ctx.signal.aborted, after: Date.now() - started }
    }),
    /** A context function: the identity of its thread, and a value it keeps for the request. */
    keep: blocking(function keep(ctx: Ctx) {
      return { thread: threadIdentity(), body: ctx.body, live: () => 'not cloneable, but kept on the worker' }
    }),
    /** A context function using a kept value from `deps.kept`. */
    useKept: blocking(function useKept(ctx: Ctx) {
      const kept = ctx.deps.kept as { thread: string; live: () => string }
      return { thread: threadIdentity(), sameThread: kept.thread === threadIdentity(), live: kept.live() }
    }),
    /** A blocking yield dependency, given probe cells as its body: cell 0 = set up, 1 = cleaned up, 2 = saw an error. */
    resource: blocking(function* resource(ctx: Ctx) {
      const flags = ctx.body as ProbeCells
      storeCell(flags, 0, 1)
      try {
        yield { thread: threadIdentity() }
      } catch (error) {
        storeCell(flags, 2, 1)
        throw error
      } finally {
        storeCell(flags, 1, 1)
      }
    }),
  } satisfies Record<string, BlockingFunction>
}

/** The functions of the suite, as `schedulerSuiteFunctions()` returns them. */
export type SchedulerSuiteFunctions = ReturnType<typeof schedulerSuiteFunctions>
