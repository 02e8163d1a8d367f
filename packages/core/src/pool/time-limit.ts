import type { WorkerLink } from './link.ts'
import { overdueCall } from './marks.ts'
import { clockNow } from './protocol.ts'
import type { Task } from './task.ts'

/**
 * The pool's time limit, per call, from the moment the worker started it (as it marked it in shared
 * memory, so a call sent ahead waits unclocked, and an answer in transit is not mistaken for a call
 * still running). Each worker with calls in flight has one timer, at its soonest deadline.
 */
export class TimeLimits {
  /** Milliseconds a call may run (0: no limit). */
  readonly limit: number
  readonly #overdue: (link: WorkerLink, task: Task) => void

  /** `overdue` is told of the call that ran past the limit: it fails, and its worker is replaced. */
  constructor(limit: number, overdue: (link: WorkerLink, task: Task) => void) {
    this.limit = limit
    this.#overdue = overdue
  }

  /** A call was sent to the worker: its check is due in `limit` at the latest. */
  arm(link: WorkerLink): void {
    // No call can run past the limit before `timeout` from now: it has not started yet.
    if (this.limit > 0 && !link.slot.timer) this.#checkAfter(link, this.limit)
  }

  #checkAfter(link: WorkerLink, ms: number): void {
    const slot = link.slot
    slot.timer = setTimeout(() => {
      slot.timer = undefined
      this.#check(link)
    }, ms)
    ;(slot.timer as { unref?: () => void }).unref?.()
  }

  /** The call that ran past the limit is overdue; otherwise the check comes back at the soonest deadline. */
  #check(link: WorkerLink): void {
    const slot = link.slot
    if (slot.dead || slot.inflight.length === 0) return
    const overdue = overdueCall(slot, this.limit, clockNow())
    if (typeof overdue === 'number') {
      this.#checkAfter(link, overdue)
      return
    }
    this.#overdue(link, overdue)
  }
}
