import type { BlockingInfo } from './blocking.ts'

/** Options of one scheduled call. */
export interface RunOptions {
  /**
   * Calls with the same affinity key run on the same worker (the blocking steps of one request), so
   * they can share worker-side values. Released with `release(key)`.
   */
  affinity?: object
  /** Aborts the call: before it starts it never runs; while running, the worker's signal is aborted. */
  signal?: AbortSignal
  /** Objects transferred rather than cloned (ArrayBuffers). */
  transfer?: Transferable[]
}

/** Counters of a scheduler: calls of blocking functions. */
export interface SchedulerStats {
  size: number
  busy: number
  queued: number
  completed: number
  failed: number
}

/**
 * Where blocking functions run. Adapters implement it: a worker_threads pool on Node, Web Workers
 * on Bun, inline on workerd. Every implementation passes the same conformance suite.
 *
 * @example
 * class MyScheduler implements Scheduler {
 *   readonly name = 'mine'
 *   async run(info, args) { return info.fn(...args) }
 *   release() {}
 *   stats() { return { size: 1, busy: 0, queued: 0, completed: 0, failed: 0 } }
 *   async close() {}
 * }
 */
export interface Scheduler {
  /** A short name for logs (`inline`, `node-worker-threads`). */
  readonly name: string
  /** Runs a registered blocking function with cloneable arguments and resolves to its result. */
  run(info: BlockingInfo, args: unknown[], options?: RunOptions): Promise<unknown>
  /** Releases the worker-side values kept for an affinity key (after the request's cleanups). */
  release(affinity: object): void
  /** The current counters. */
  stats(): SchedulerStats
  /** Finishes running calls, then stops. */
  close(): Promise<void>
}
