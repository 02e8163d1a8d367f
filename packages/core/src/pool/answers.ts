import { WorkerCrashedError } from '../errors.ts'
import type { Dispatcher } from './dispatch.ts'
import { deserializeError, type SerializedError, UNCLONEABLE_RESULT } from './errors-wire.ts'
import type { WorkerLink } from './link.ts'
import { type FromWorker, REPLIED } from './protocol.ts'
import type { PoolState } from './state.ts'
import type { Task } from './task.ts'

/** A worker's answer to a call. */
export type Answer = Extract<FromWorker, { type: 'result' | 'error' }>

/**
 * Answers: each settles its call (the value, or the error rebuilt), counts it, and moves the
 * call's request along (anchored on its worker, holding it, or letting it go).
 */
export class Answers {
  readonly #state: PoolState
  readonly #dispatch: Dispatcher

  constructor(state: PoolState, dispatch: Dispatcher) {
    this.#state = state
    this.#dispatch = dispatch
  }

  /** Settles the call `message` answers (if it still waits for it), then dispatches what it freed. */
  answer(link: WorkerLink, message: Answer): void {
    const state = this.#state
    const task = state.tasks.get(message.id)
    if (!task) return
    state.settle(task)
    const slot = link.slot
    if (slot.dead && this.#keptOnLostWorker(task)) {
      if (!task.direct) state.failed++
      task.reject(
        new WorkerCrashedError(task.label, 'its worker died with the value it kept for this request'),
      )
      this.#dispatch.pump()
      return
    }
    slot.recordTook(message.took)
    const counts = !task.direct
    if (task.request !== undefined) state.requests.anchor(task.request)
    if (message.type === 'result') {
      if (counts) state.completed++
      if (task.holds && task.request !== undefined) state.requests.hold(task.request)
      task.resolve(message.replied ? { ...message, value: REPLIED } : message)
    } else {
      if (counts) state.failed++
      if (task.holds && task.request !== undefined) state.requests.failedToHold(task.request, link)
      const error = deserializeError(message.error as SerializedError)
      if (error instanceof Error && (error as { code?: unknown }).code === UNCLONEABLE_RESULT) {
        error.message = error.message.replace('The result', `The result of ${task.label}`)
      }
      task.reject(error)
    }
    this.#dispatch.pump()
  }

  /** A call whose answer refers to values kept on its worker, for a request lost with that worker. */
  #keptOnLostWorker(task: Task): boolean {
    const state = this.#state
    if (task.request === undefined || !state.requests.isLost(task.request)) return false
    return task.holds || (task.message as { keep?: boolean }).keep === true || task.message.type === 'fetch'
  }
}
