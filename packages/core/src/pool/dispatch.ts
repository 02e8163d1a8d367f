import type { WorkerLink } from './link.ts'
import { clockNow, type ToWorker } from './protocol.ts'
import type { PoolState } from './state.ts'
import type { Task } from './task.ts'
import type { TimeLimits } from './time-limit.ts'

/**
 * Dispatch: moves waiting calls to workers (the shared queue to the least busy worker that takes
 * one, a request's calls to its own worker) and sends them, the calls of one turn in one message.
 */
export class Dispatcher {
  readonly #state: PoolState
  readonly #limits: TimeLimits

  constructor(state: PoolState, limits: TimeLimits) {
    this.#state = state
    this.#limits = limits
  }

  /** Sends every waiting call a worker can take now; run after anything that may free one. */
  pump(): void {
    const state = this.#state
    const queue = state.queue
    this.#pumpLocal()
    for (let task = queue.peek(); task !== undefined; task = queue.peek()) {
      const bound = task.request === undefined ? undefined : state.requests.linkOf(task.request)
      if (bound) {
        // Another call of the same request was bound meanwhile: this one follows it to its worker.
        queue.drop()
        bound.slot.local.push(task)
        continue
      }
      let best: WorkerLink | undefined
      for (const link of state.links) {
        if (link.slot.acceptsShared && (!best || link.slot.inflight.length < best.slot.inflight.length)) {
          best = link
        }
      }
      if (!best) break
      queue.drop()
      if (task.request !== undefined) state.requests.bind(task.request, best)
      this.send(best, task)
    }
    this.#pumpLocal()
    queue.compact()
    if (state.phase === 'closing' && state.idle && state.isIdle()) state.wakeIdle()
  }

  /** Sends the calls waiting for their request's worker, as far as each worker's depth allows. */
  #pumpLocal(): void {
    for (const link of this.#state.links) {
      const slot = link.slot
      if (!slot.ready || slot.dead) continue
      while (slot.local.length > 0 && slot.inflight.length < slot.depth) this.send(link, slot.local.shift()!)
    }
  }

  /** Sends a call to a worker: in flight from now, posted at the end of the turn (or now, with transfers). */
  send(link: WorkerLink, task: Task): void {
    const slot = link.slot
    // A blocking yield dependency holds its worker from the moment it is sent: nothing of another
    // request is queued behind it there until its cleanup has run.
    if (task.holds && task.request !== undefined) slot.heldBy = task.request
    task.link = link
    task.flag = slot.takeFlag()
    if (task.flag < 0) task.sentAt = clockNow()
    slot.inflight.push(task)
    this.#state.tasks.set(task.id, task)
    this.#limits.arm(link, task)
    const message = task.message as Task['message'] & { id: number; flag: number }
    message.id = task.id
    message.flag = task.flag
    if (task.transfer) {
      this.#flush(link)
      this.#post(link, task)
      return
    }
    slot.outbox.push(task)
    if (slot.outbox.length === 1) queueMicrotask(() => this.#flush(link))
  }

  /** Posts the calls sent this turn: one message for all of them (per-message costs dominate small calls). */
  #flush(link: WorkerLink): void {
    const slot = link.slot
    const tasks = slot.outbox
    if (tasks.length === 0 || slot.dead) return
    slot.outbox = []
    if (tasks.length === 1) {
      this.#post(link, tasks[0]!)
      return
    }
    try {
      link.send({ type: 'batch', messages: tasks.map((task) => task.message) } as never)
    } catch {
      // One of them cannot be cloned: post them one by one, so only that one fails.
      for (const task of tasks) this.#post(link, task)
    }
  }

  #post(link: WorkerLink, task: Task): void {
    try {
      link.send(task.message as unknown as ToWorker, task.transfer)
    } catch (error) {
      this.#state.settle(task)
      task.reject(
        new TypeError(
          `${task.label}: its arguments cannot be sent to a worker (${(error as Error).message}). ` +
            'Values crossing to the pool are structured-cloned: pass plain data, arrays, Maps, Dates, ArrayBuffers.',
        ),
      )
    }
  }
}
