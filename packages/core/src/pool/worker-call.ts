import type { ContextEffects } from '../execution/scheduler.ts'
import { unwrapTransfer } from '../execution/transfer.ts'
import { serializeError, UNCLONEABLE_RESULT } from './errors-wire.ts'
import type { CallCells, FromWorker } from './protocol.ts'
import { ANSWERED, clockNow, RUNNING } from './protocol.ts'
import type { WorkerPort } from './transport.ts'

const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!

/** A signal whose `aborted` also reads the shared flag, so synchronous code polling it sees an abort. */
function callSignal(aborts: Int32Array, flag: number): AbortController {
  const controller = new AbortController()
  Object.defineProperty(controller.signal, 'aborted', {
    get: () => abortedGetter.call(controller.signal) || Atomics.load(aborts, flag) === 1,
  })
  return controller
}

/** A context call's answer: the message fields and the value to transfer from. */
export class ContextOutcome {
  constructor(
    readonly message: { ref?: number; exit?: number; value?: unknown; effects?: ContextEffects },
    readonly transfer: Transferable[] | undefined,
  ) {}
}

/** Runs calls on the worker and answers them: their shared marks, their signals, their answers. */
export class CallRunner {
  readonly #port: WorkerPort
  readonly #cells: CallCells
  readonly #controllers = new Map<number, AbortController>()

  /** Set once a call asked the process to exit: nothing more starts or answers here. */
  #exiting = false

  /** Calls started and not settled (async ones awaiting). */
  pending = 0

  constructor(port: WorkerPort, cells: CallCells) {
    this.#port = port
    this.#cells = cells
  }

  /** Called as a call exits the process: nothing more starts or answers here. */
  stop(): void {
    this.#exiting = true
  }

  /** Aborts the signal of running call `id` (its shared flag is set too, for code that polls). */
  abort(id: number): void {
    this.#controllers.get(id)?.abort()
  }

  /**
   * Runs one call and answers it; a call already aborted never starts. The call's cell marks when it
   * starts and when its answer is posted, for the main side (at most once; the time limit). True
   * when the call is still pending (async). `holder`: what `current` says while its synchronous part
   * runs (default: its flag + 1; a call the pool did not send holds the thread with a value no call
   * of the pool's has, so another call's time limit passing meanwhile does not stop it).
   */
  run(
    id: number,
    flag: number,
    fn: (signal: AbortSignal | undefined) => unknown,
    withSignal = false,
    holder = flag + 1,
  ): boolean {
    if (this.#exiting) return false
    const cells = this.#cells
    if (flag >= 0 && Atomics.load(cells.aborts, flag) === 1) {
      this.#fail(id, flag, new DOMException('The call was aborted before it started.', 'AbortError'), 0)
      return false
    }
    const controller = flag >= 0 && withSignal ? callSignal(cells.aborts, flag) : undefined
    if (controller) this.#controllers.set(id, controller)
    if (flag >= 0) {
      cells.starts[flag] = clockNow()
      Atomics.store(cells.marks, flag, RUNNING)
    }
    const started = performance.now()
    let result: unknown
    // While the call's synchronous part runs, it holds the thread: a time limit passing for another
    // call meanwhile is this one's doing.
    Atomics.store(cells.current, 0, holder)
    try {
      result = fn(controller?.signal)
    } catch (error) {
      Atomics.store(cells.current, 0, 0)
      this.#controllers.delete(id)
      this.#fail(id, flag, error, performance.now() - started)
      return false
    }
    Atomics.store(cells.current, 0, 0)
    const finish = (outcome: unknown) => {
      this.#controllers.delete(id)
      const took = performance.now() - started
      if (outcome instanceof ContextOutcome) {
        this.#answer({ type: 'result', id, took, ...outcome.message }, flag, outcome.transfer)
      } else {
        const { value, list } = unwrapTransfer(outcome)
        this.#answer({ type: 'result', id, took, value }, flag, list)
      }
    }
    if (result instanceof Promise) {
      this.pending++
      result.then(
        (outcome) => {
          this.pending--
          finish(outcome)
        },
        (error) => {
          this.pending--
          this.#controllers.delete(id)
          this.#fail(id, flag, error, performance.now() - started)
        },
      )
      return true
    }
    finish(result)
    return false
  }

  /**
   * Posts an answer at once: never held back behind the next call (which may run for long). Marked
   * answered first, so a main side that loses this worker waits for it instead of failing the call.
   */
  #answer(message: FromWorker & { type: 'result' | 'error' }, flag: number, transfer?: Transferable[]): void {
    // The call that exited, or one that settled after it: the main side fails it with the worker.
    if (this.#exiting) return
    if (flag >= 0) Atomics.store(this.#cells.marks, flag, ANSWERED)
    try {
      this.#port.send(message, transfer)
    } catch (error) {
      this.#port.send(
        message.type === 'result'
          ? this.#uncloneable(message.id, error, message.took)
          : {
              ...message,
              error: serializeError(
                new Error(`An error could not be sent from the worker (${(error as Error).message}).`),
              ),
            },
      )
    }
  }

  #uncloneable(id: number, error: unknown, took: number): FromWorker {
    // The pool puts the function's name in ("The result of blocking function "x" cannot...").
    const cause = Object.assign(
      new TypeError(
        `The result cannot be sent from the worker to the event loop (${(error as Error).message}). ` +
          'Return plain data (objects, arrays, strings, numbers, Dates, Maps, ArrayBuffers).',
      ),
      { code: UNCLONEABLE_RESULT },
    )
    return { type: 'error', id, error: serializeError(cause), took }
  }

  #fail(id: number, flag: number, error: unknown, took: number): void {
    this.#answer({ type: 'error', id, error: serializeError(error), took }, flag)
  }
}
