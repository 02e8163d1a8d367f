import type { SchedulerStats } from '../execution/scheduler.ts'
import { RequestAffinity } from './affinity.ts'
import type { WorkerLink } from './link.ts'
import type { PoolOptions } from './pool-types.ts'
import { CallQueue } from './queue.ts'
import type { Task } from './task.ts'

/** Where a pool is in its life. */
export type PoolPhase = 'new' | 'starting' | 'running' | 'closing' | 'closed'

/**
 * A pool's shared bookkeeping: its workers, its calls, its counters and its phase. The parts of the
 * pool's policy (dispatch, answers, faults, shutdown) work on it; it is never seen outside the pool.
 */
export class PoolState {
  readonly options: Readonly<PoolOptions>
  /** The workers, by index (a replacement takes its lost worker's place). */
  readonly links: WorkerLink[] = []
  /** Calls waiting for any worker. */
  readonly queue = new CallQueue()
  /** Calls sent and not answered, by id. */
  readonly tasks = new Map<number, Task>()
  readonly requests = new RequestAffinity()
  /** Time limits a request's calls set for themselves (`RunOptions.timeout`): its cleanups and tasks keep them. */
  readonly requestLimits = new Map<number, number>()
  /** Workers lost with answers posted but not received yet: their calls wait for them a moment. */
  readonly dying = new Set<WorkerLink>()
  nextId = 1
  nextRequest = 1
  completed = 0
  failed = 0
  phase: PoolPhase = 'new'
  /** Resolves `close()`'s wait for the queued and running calls. */
  idle: (() => void) | undefined
  /** Settles `start()` once every worker is ready, or one failed to start. */
  started: { resolve: () => void; reject: (error: unknown) => void } | undefined

  constructor(options: Readonly<PoolOptions>) {
    this.options = options
  }

  /** The time limit of a call of `request` that sets none: the request's own, else the pool's. */
  limitOf(request: number | undefined): number {
    return (request === undefined ? undefined : this.requestLimits.get(request)) ?? this.options.timeout
  }

  /** Forgets a task that is answered, failed or moved: off its worker's list and its abort signal. */
  settle(task: Task): void {
    this.tasks.delete(task.id)
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort)
    task.link?.remove(task)
  }

  /** Calls waiting: in the queue, for their request's worker, or sent ahead behind a running call. */
  waiting(): number {
    let waiting = this.queue.length
    for (const { slot } of this.links) {
      waiting += slot.local.length
      if (slot.inflight.length > 1) waiting += slot.inflight.length - 1
    }
    return waiting
  }

  /** The pool's counters. */
  stats(): SchedulerStats {
    let busy = 0
    for (const { slot } of this.links) if (slot.inflight.length > 0) busy++
    return {
      size: this.options.size,
      busy,
      queued: this.waiting(),
      completed: this.completed,
      failed: this.failed,
    }
  }

  /** How long calls run, averaged over the workers that ran some (ms; 0 before any). */
  averageTook(): number {
    let sum = 0
    let n = 0
    for (const { slot } of this.links) {
      if (slot.averageTook >= 0) {
        sum += slot.averageTook
        n++
      }
    }
    return n === 0 ? 0 : sum / n
  }

  /** Whether no call waits or runs (on a live worker, or on a lost one whose answers are due). */
  isIdle(): boolean {
    if (this.queue.length > 0) return false
    for (const { slot } of this.dying) if (slot.inflight.length > 0) return false
    return this.links.every(
      ({ slot }) => slot.dead || (slot.inflight.length === 0 && slot.local.length === 0),
    )
  }

  /** Ends `close()`'s wait, if it waits. */
  wakeIdle(): void {
    const idle = this.idle
    this.idle = undefined
    idle?.()
  }
}
