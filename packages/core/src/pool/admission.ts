import { PoolClosedError, PoolQueueFullError, WorkerCrashedError } from '../errors.ts'
import type { RemoteResult } from '../execution/scheduler.ts'
import type { Dispatcher } from './dispatch.ts'
import type { PoolState } from './state.ts'
import { newTask, type Task } from './task.ts'

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

/**
 * How calls enter the pool: admitted to the bounded queue (or refused at once: closed, not started,
 * aborted, their request lost, the queue full), sent straight to their request's worker (bookkeeping
 * messages), and taken back out when their caller aborts them.
 */
export class Admission {
  readonly #state: PoolState
  readonly #dispatch: Dispatcher

  constructor(state: PoolState, dispatch: Dispatcher) {
    this.#state = state
    this.#dispatch = dispatch
  }

  /** Queues a call (for its request's worker, if bound), or refuses it; `valueOnly`: resolve with the value alone. */
  submit(
    message: Task['message'],
    label: string,
    request: number | undefined,
    signal: AbortSignal | undefined,
    transfer: Transferable[] | undefined,
    holds: boolean,
    valueOnly = false,
    limit?: number,
  ): Promise<RemoteResult> {
    const state = this.#state
    if (state.phase === 'closed') return Promise.reject(new PoolClosedError(label))
    if (state.phase === 'new') {
      return Promise.reject(
        new Error(`${label} was called before the pool started: await pool.start() first.`),
      )
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    if (request !== undefined && state.requests.isLost(request)) {
      return Promise.reject(new WorkerCrashedError(label, 'it held this request’s values'))
    }
    const bound = request === undefined ? undefined : state.requests.linkOf(request)
    const waiting = state.waiting()
    const startsNow =
      waiting === 0 && state.links.some(({ slot }) => slot.acceptsShared && slot.inflight.length === 0)
    if (!bound && !startsNow && waiting >= state.options.maxQueue) {
      const perCall = Math.max(state.averageTook(), 1)
      const wait = (waiting * perCall) / state.options.size / 1000
      return Promise.reject(new PoolQueueFullError(label, state.options.maxQueue, wait))
    }
    return new Promise<RemoteResult>((resolve, reject) => {
      const task = newTask(state.nextId++, {
        message,
        label,
        request,
        // A plain call resolves with its value (no second promise to unwrap it: one turn less).
        resolve: valueOnly ? (result) => resolve(result.value as RemoteResult) : resolve,
        reject,
        signal,
        transfer,
        direct: false,
        holds,
        limit: limit ?? state.limitOf(request),
      })
      if (signal) {
        task.onAbort = () => this.abort(task)
        signal.addEventListener('abort', task.onAbort, { once: true })
      }
      if (bound) bound.slot.local.push(task)
      else state.queue.push(task)
      this.#dispatch.pump()
    })
  }

  /** Sends a bookkeeping message straight to the request's worker: it never waits for a free slot. */
  direct(request: number, message: Task['message'], label: string): Promise<RemoteResult> {
    const link = this.#state.requests.linkOf(request)
    if (!link || link.slot.dead) {
      return Promise.reject(new WorkerCrashedError(label, 'the worker holding this request is gone'))
    }
    return new Promise<RemoteResult>((resolve, reject) => {
      const task = newTask(this.#state.nextId++, {
        message,
        label,
        request,
        resolve,
        reject,
        direct: true,
        holds: false,
        limit: this.#state.limitOf(request),
      })
      this.#dispatch.send(link, task)
    })
  }

  /** The caller aborted: a waiting call leaves its queue and fails; a sent one is told to its worker. */
  abort(task: Task): void {
    const reason = abortReason(task.signal!)
    if (!task.link) {
      const state = this.#state
      state.queue.remove(task)
      for (const { slot } of state.links) {
        const local = slot.local.indexOf(task)
        if (local !== -1) slot.local.splice(local, 1)
      }
      task.reject(reason)
      this.#dispatch.pump()
      return
    }
    task.link.abort(task)
  }
}
