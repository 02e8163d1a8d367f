import { PoolTimeoutError, WorkerCrashedError } from '../errors.ts'
import type { Dispatcher } from './dispatch.ts'
import type { WorkerLifecycle } from './lifecycle.ts'
import type { WorkerLink } from './link.ts'
import { sortLostCalls } from './marks.ts'
import type { PoolState } from './state.ts'
import type { Task } from './task.ts'

/** How long the answers a lost worker had posted may take to arrive after it stopped (ms). */
const ANSWER_GRACE = 1000

/**
 * Faults: a call that ran past the time limit, and a worker that is gone. What each call gets is
 * decided by what its worker marked in shared memory (marks.ts), so a call runs at most once and a
 * fault is charged to the call that ran, and only to it.
 */
export class Faults {
  readonly #state: PoolState
  readonly #dispatch: Dispatcher
  readonly #workers: WorkerLifecycle

  constructor(state: PoolState, dispatch: Dispatcher, workers: WorkerLifecycle) {
    this.#state = state
    this.#dispatch = dispatch
    this.#workers = workers
  }

  /** The call that ran past the time limit fails with PoolTimeoutError, and its worker is replaced. */
  timedOut(link: WorkerLink, task: Task): void {
    const state = this.#state
    const limit = task.limit
    state.settle(task)
    state.failed++
    task.reject(new PoolTimeoutError(task.label, limit))
    this.lose(link, `${task.label} ran past the ${limit} ms timeout`, true)
  }

  /**
   * A worker is gone (crashed, or stopped after a timeout). What each of its calls gets depends on
   * what the worker itself marked, not on messages in transit: a call it started and did not answer
   * fails with WorkerCrashedError and is never run again (at most once); a call it answered keeps its
   * answer, which is on its way; a call it never started runs on another worker, unless its request's
   * values were on this one. Its requests' values are lost, and a replacement starts.
   */
  lose(link: WorkerLink, reason: string, stopped = false): void {
    const state = this.#state
    const slot = link.slot
    if (slot.dead) return
    slot.dead = true
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = undefined
    slot.outbox = []
    if (state.phase === 'starting') {
      void link.terminate()
      this.#workers.startupFailed(link, new Error(`Pool worker ${slot.index} died while starting: ${reason}`))
      return
    }
    const logger = state.options.logger
    if (!stopped) logger?.error(`Pool worker ${slot.index} died (${reason}); replacing it.`)
    else logger?.warn(`Pool worker ${slot.index} was stopped (${reason}); replacing it.`)
    const crashed = (task: Task, why = reason) => {
      state.settle(task)
      if (!task.direct) state.failed++
      task.reject(new WorkerCrashedError(task.label, why))
    }
    const lost = sortLostCalls(slot, (request) => state.requests.isAnchored(request))
    slot.local.length = 0
    for (const task of lost.ran) crashed(task)
    for (const task of lost.stranded) crashed(task, `${reason}; it held this request’s values`)
    for (const task of lost.movable) {
      state.settle(task)
      task.link = undefined
      task.flag = -1
      if (task.signal && task.onAbort) task.signal.addEventListener('abort', task.onAbort, { once: true })
    }
    state.requests.workerLost(link, lost.requests)
    if (lost.answered.length > 0) this.#awaitAnswers(link, lost.answered)
    else void link.terminate()
    state.queue.requeue(lost.movable)
    if (state.phase === 'running' || state.phase === 'closing') this.#workers.spawn(slot.index)
    this.#dispatch.pump()
  }

  /**
   * Calls a lost worker had answered: their answers were posted before it went, and arrive (Node
   * delivers a worker's messages before its exit). Any still missing after the worker is stopped
   * and a grace period fails with WorkerCrashedError, never runs again.
   */
  #awaitAnswers(link: WorkerLink, answered: Task[]): void {
    const state = this.#state
    state.dying.add(link)
    const giveUp = () => {
      state.dying.delete(link)
      for (const task of answered) {
        if (!state.tasks.has(task.id)) continue
        state.settle(task)
        if (!task.direct) state.failed++
        task.reject(
          new WorkerCrashedError(task.label, `its worker finished it but died before the answer arrived`),
        )
      }
      this.#dispatch.pump()
    }
    void link.terminate().then(() => {
      const timer = setTimeout(giveUp, ANSWER_GRACE)
      ;(timer as { unref?: () => void }).unref?.()
    })
  }
}
