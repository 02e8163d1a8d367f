import type { WorkerLink } from './link.ts'
import { overdueCall } from './marks.ts'
import { clockNow } from './protocol.ts'
import type { Task } from './task.ts'

/**
 * A call's own time limit (`RunOptions.timeout`, a remote execution's `timeout`), checked.
 *
 * @example
 * checkedLimit(2000) // 2000
 * checkedLimit(-1) // throws: a call's timeout must be a number of milliseconds
 */
export function checkedLimit(ms: number): number {
  if (!(ms >= 0) || ms === Number.POSITIVE_INFINITY) {
    throw new TypeError(`A call's timeout must be a number of milliseconds, 0 for none (got ${ms}).`)
  }
  return ms
}

/**
 * The pool's time limits, per call (the pool's `timeout`, or the call's own), from the moment the
 * worker started it (as it marked it in shared memory, so a call sent ahead waits unclocked, and an
 * answer in transit is not mistaken for a call still running). Each worker with limited calls in
 * flight has one timer, at its soonest possible deadline.
 */
export class TimeLimits {
  readonly #overdue: (link: WorkerLink, task: Task) => void

  /** `overdue` is told of the call that ran past its limit: it fails, and its worker is replaced. */
  constructor(overdue: (link: WorkerLink, task: Task) => void) {
    this.#overdue = overdue
  }

  /** A call was sent to the worker: its check is due in its limit at the latest. */
  arm(link: WorkerLink, task: Task): void {
    if (task.limit <= 0) return
    // The call cannot run past its limit before `limit` from now: it has not started yet.
    const slot = link.slot
    if (slot.timer && slot.timerDue <= clockNow() + task.limit) return
    if (slot.timer) clearTimeout(slot.timer)
    this.#checkAfter(link, task.limit)
  }

  #checkAfter(link: WorkerLink, ms: number): void {
    const slot = link.slot
    slot.timerDue = clockNow() + ms
    slot.timer = setTimeout(() => {
      slot.timer = undefined
      this.#check(link)
    }, ms)
    ;(slot.timer as { unref?: () => void }).unref?.()
  }

  /** The call that ran past its limit is overdue; otherwise the check comes back at the soonest deadline. */
  #check(link: WorkerLink): void {
    const slot = link.slot
    if (slot.dead || slot.inflight.length === 0) return
    const overdue = overdueCall(slot, clockNow())
    if (overdue === undefined) return
    if (typeof overdue === 'number') {
      this.#checkAfter(link, overdue)
      return
    }
    this.#overdue(link, overdue)
  }
}
