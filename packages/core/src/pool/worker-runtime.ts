import { blockingRegistry } from '../execution/blocking.ts'
import { CALL_CELLS, type CallCells, type ToWorker } from './protocol.ts'
import type { WorkerPort } from './transport.ts'
import { closeWorkerApp } from './worker-app.ts'
import { CallRunner } from './worker-call.ts'
import { watchExit } from './worker-exit.ts'
import { WorkerRequests } from './worker-requests.ts'

/** Runs `fn` as a task of its own, once the microtasks queued before it have run. */
const nextTask: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ?? ((fn) => setTimeout(fn, 0))

/** A started worker's message loop: takes the main side's messages in order and runs their calls. */
export class WorkerRuntime {
  readonly #port: WorkerPort
  readonly #calls: CallRunner
  readonly #requests = new WorkerRequests()
  /** Told to close: nothing more starts here but what the pool sent. */
  #closing = false

  constructor(port: WorkerPort, cells: CallCells) {
    this.#port = port
    this.#calls = new CallRunner(port, cells)
  }

  /** From a call's `process.exit()` on, nothing more starts or answers here (see `watchExit`). */
  watchExit(): void {
    const calls = this.#calls
    watchExit(() => calls.stop())
  }

  /**
   * Runs blocking function `fn` for a caller other than the pool (a `PortFilter`'s own channel, see
   * `PortFilterHost.run`); its answer goes to the port with id `id` like any other. False, and
   * nothing run, while a call of the pool's is pending or waiting here, or the worker is closing.
   */
  runOther(id: number, fn: number, args: unknown[]): boolean {
    const calls = this.#calls
    if (this.#closing || this.#waiting || this.#next < this.#backlog.length || calls.pending > 0) return false
    const info = blockingRegistry()[fn]
    if (!info) return false
    // Holds the thread with a value that is no flag + 1 of the pool's (flags < CALL_CELLS).
    calls.run(id, -1, () => info.fn(...args), false, CALL_CELLS + 1)
    return true
  }

  /** Messages received and not handled yet, in order. */
  #backlog: ToWorker[] = []
  #next = 0
  #waiting = false

  /**
   * Takes a message from the main side. Calls run in the order they came; a call that is still
   * pending (async: its awaits run as microtasks) lets them run before the next call starts, so a
   * call sent behind it (which may run for long) never holds its answer back.
   */
  handle(message: ToWorker): void {
    if (message.type === 'abort') {
      this.#calls.abort(message.id)
      return
    }
    if (message.type === 'batch') for (const inner of message.messages) this.#backlog.push(inner)
    else this.#backlog.push(message)
    if (!this.#waiting) this.#drain()
  }

  #drain(): void {
    const backlog = this.#backlog
    while (this.#next < backlog.length) {
      const message = backlog[this.#next++]!
      if (this.#dispatch(message) && this.#next < backlog.length) {
        this.#waiting = true
        nextTask(() => {
          this.#waiting = false
          this.#drain()
        })
        return
      }
    }
    this.#backlog = []
    this.#next = 0
  }

  /** Handles one message; true when it started a call that is still pending. */
  #dispatch(message: ToWorker): boolean {
    const calls = this.#calls
    switch (message.type) {
      case 'call':
        // A utility gets its arguments only, no signal: nothing to make per call beyond the flag check.
        return calls.run(message.id, message.flag, () => {
          const info = blockingRegistry()[message.fn]!
          return info.fn(...message.args)
        })
      case 'context':
        return calls.run(message.id, message.flag, (signal) => this.#requests.context(message, signal), true)
      case 'fetch':
        return calls.run(message.id, message.flag, () => this.#requests.value(message.request, message.ref))
      case 'exit':
        return calls.run(message.id, message.flag, () =>
          this.#requests.exit(message.request, message.exit, message.error),
        )
      case 'task':
        return calls.run(message.id, message.flag, () => this.#requests.task(message.request, message.task))
      case 'release':
        this.#requests.release(message.request)
        return false
      case 'close':
        this.#closing = true
        void (async () => {
          this.#requests.releaseAll()
          const closing = closeWorkerApp()
          if (closing) await closing
          this.#port.send({ type: 'closed' })
        })()
        return false
      default:
        return false
    }
  }
}
