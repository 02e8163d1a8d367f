import { blockingFingerprint, blockingRegistry, sealBlockingRegistry } from '../execution/blocking.ts'
import { InlineScheduler } from '../execution/inline.ts'
import type { ContextEffects } from '../execution/scheduler.ts'
import { markPoolWorker, setScheduler } from '../execution/scheduler-registry.ts'
import { encodeResponse } from '../execution/snapshot.ts'
import { unwrapTransfer } from '../execution/transfer.ts'
import { deserializeError, type SerializedError, serializeError, UNCLONEABLE_RESULT } from './errors-wire.ts'
import type { CallCells, FromWorker, ToWorker } from './protocol.ts'
import { ANSWERED, callCells, clockNow, RUNNING } from './protocol.ts'
import type { WorkerPort } from './transport.ts'
import { type RequestState, WorkerContext } from './worker-context.ts'

/** What a worker needs of the app: its lifespan, whose state blocking functions see as `ctx.state`. */
export interface WorkerApp {
  start(): Promise<void>
  close(): Promise<void>
  readonly state: unknown
}

let workerApp: WorkerApp | undefined
let appStarted: Promise<void> | undefined

/**
 * Called by an adapter's `serve()` inside a pool worker: the worker runs the app's lifespan and
 * gives blocking handlers and dependencies its state as `ctx.state`.
 */
export function registerWorkerApp(app: WorkerApp): void {
  workerApp = app
}

const abortedGetter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!

/** Runs `fn` as a task of its own, once the microtasks queued before it have run. */
const nextTask: (fn: () => void) => void =
  (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate ?? ((fn) => setTimeout(fn, 0))

/** A signal whose `aborted` also reads the shared flag, so synchronous code polling it sees an abort. */
function callSignal(aborts: Int32Array, flag: number): AbortController {
  const controller = new AbortController()
  Object.defineProperty(controller.signal, 'aborted', {
    get: () => abortedGetter.call(controller.signal) || Atomics.load(aborts, flag) === 1,
  })
  return controller
}

/**
 * Runs a pool worker: loads the app's entry module (which registers its blocking functions),
 * reports their fingerprint, then answers calls from the main thread. Blocking functions called
 * inside the worker run directly.
 *
 * @example
 * // the adapter's worker entry
 * import { parentPort, workerData } from 'node:worker_threads'
 * await runPoolWorker(portFrom(parentPort), { flags: workerData.flags, load: () => import(workerData.entry) })
 */
export async function runPoolWorker(
  port: WorkerPort,
  options: { flags: SharedArrayBuffer; load: () => Promise<unknown> },
): Promise<void> {
  markPoolWorker()
  setScheduler(new InlineScheduler())
  const early: ToWorker[] = []
  let handle: (message: ToWorker) => void = (message) => early.push(message)
  port.onReceive((message) => handle(message))
  try {
    await options.load()
    // The app's lifespan starts before the worker takes calls: a call never waits for it on a worker
    // where the calls sent behind it could run (and exit the worker) first.
    if (workerApp) {
      appStarted = workerApp.start()
      await appStarted
    }
  } catch (error) {
    port.send({ type: 'startup-error', error: serializeError(error) })
    return
  }
  port.send({ type: 'ready', fingerprint: blockingFingerprint() })
  sealBlockingRegistry('this pool worker')
  const runtime = new WorkerRuntime(port, callCells(options.flags))
  runtime.watchExit()
  handle = (message) => runtime.handle(message)
  for (const message of early) runtime.handle(message)
}

class WorkerRuntime {
  readonly #port: WorkerPort
  readonly #cells: CallCells
  readonly #requests = new Map<number, RequestState>()
  readonly #controllers = new Map<number, AbortController>()

  /** Set once a call asked the process to exit: nothing more starts or answers here. */
  #exiting = false

  constructor(port: WorkerPort, cells: CallCells) {
    this.#port = port
    this.#cells = cells
  }

  /**
   * A call that exits the worker (`process.exit()`) is the last to run on it. Node stops a worker at
   * once; Bun lets it run on for a moment, and would start the calls sent behind: they stay
   * unstarted here, so the main side runs them on another worker, once.
   */
  watchExit(): void {
    const proc = (globalThis as { process?: { exit?: (code?: number) => never } }).process
    const exit = proc?.exit
    if (!proc || typeof exit !== 'function') return
    proc.exit = ((code?: number) => {
      this.#exiting = true
      return exit.call(proc, code)
    }) as typeof exit
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
      this.#controllers.get(message.id)?.abort()
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
    switch (message.type) {
      case 'call':
        // A utility gets its arguments only, no signal: nothing to make per call beyond the flag check.
        return this.#run(message.id, message.flag, () => {
          const info = blockingRegistry()[message.fn]!
          return info.fn(...message.args)
        })
      case 'context':
        return this.#run(message.id, message.flag, (signal) => this.#context(message, signal), true)
      case 'fetch':
        return this.#run(message.id, message.flag, () =>
          this.#request(message.request).values.get(message.ref),
        )
      case 'exit':
        return this.#run(message.id, message.flag, () =>
          this.#exit(message.request, message.exit, message.error),
        )
      case 'task':
        return this.#run(message.id, message.flag, async () => {
          const task = this.#request(message.request).tasks.get(message.task)
          if (task) await task.fn(...task.args)
        })
      case 'release':
        this.#release(message.request)
        return false
      case 'close':
        void (async () => {
          for (const request of [...this.#requests.keys()]) this.#release(request)
          if (workerApp && appStarted) await workerApp.close()
          this.#port.send({ type: 'closed' })
        })()
        return false
      default:
        return false
    }
  }

  #request(id: number): RequestState {
    let state = this.#requests.get(id)
    if (!state) {
      state = { values: new Map(), exits: new Map(), tasks: new Map(), next: 1 }
      this.#requests.set(id, state)
    }
    return state
  }

  /**
   * Runs one call and answers it; a call already aborted never starts. The call's cell marks when it
   * starts and when its answer is posted, for the main side (at most once; the time limit).
   */
  #run(
    id: number,
    flag: number,
    fn: (signal: AbortSignal | undefined) => unknown,
    withSignal = false,
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
    Atomics.store(cells.current, 0, flag + 1)
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
      result.then(finish, (error) => {
        this.#controllers.delete(id)
        this.#fail(id, flag, error, performance.now() - started)
      })
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

  async #context(
    message: ToWorker & { type: 'context' },
    signal: AbortSignal | undefined,
  ): Promise<ContextOutcome> {
    const state = this.#request(message.request)
    const info = blockingRegistry()[message.fn]!
    const ctx = new WorkerContext(message.ctx, state, signal, () => workerApp?.state)
    let { value, list } = unwrapTransfer(await info.fn(ctx))
    const out: { ref?: number; exit?: number; value?: unknown; effects?: ContextEffects } = {}
    if (message.yields) {
      const generator = value as Generator | AsyncGenerator
      const step = await generator.next()
      if (step.done) {
        throw new Error(`The blocking yield dependency "${info.name}" returned without yielding a value.`)
      }
      out.exit = state.next++
      state.exits.set(out.exit, generator)
      value = step.value
    }
    if (message.keep) {
      out.ref = state.next++
      state.values.set(out.ref, value)
      list = undefined
    } else out.value = await encodeResponse(value)
    const effects = ctx.effects()
    if (effects) out.effects = effects
    return new ContextOutcome(out, list)
  }

  async #exit(
    request: number,
    exit: number,
    error: SerializedError | undefined,
  ): Promise<'done' | 'yielded'> {
    const state = this.#request(request)
    const generator = state.exits.get(exit)
    if (!generator) return 'done'
    state.exits.delete(exit)
    const step = error ? await generator.throw(deserializeError(error)) : await generator.next()
    if (!step.done) {
      await generator.return(undefined)
      return 'yielded'
    }
    return 'done'
  }

  #release(request: number): void {
    const state = this.#requests.get(request)
    if (!state) return
    this.#requests.delete(request)
    for (const generator of state.exits.values())
      void Promise.resolve(generator.return(undefined)).catch(() => {})
  }
}

/** A context call's answer: the message fields and the value to transfer from. */
class ContextOutcome {
  constructor(
    readonly message: { ref?: number; exit?: number; value?: unknown; effects?: ContextEffects },
    readonly transfer: Transferable[] | undefined,
  ) {}
}
