import type { ContextEffects, ContextSnapshot } from '../execution/scheduler.ts'
import type { SerializedError } from './errors-wire.ts'

/**
 * The messages between the event loop (main side) and pool workers, shared by every thread-based
 * adapter (Node's worker_threads, Bun's Web Workers). Everything here is structured-cloneable.
 */

/** Main → worker. */
export type ToWorker =
  /** Run blocking function `fn` with cloned `args` (a utility call). */
  | { type: 'call'; id: number; fn: number; args: unknown[]; flag: number; replyTo?: unknown }
  /**
   * Run blocking function `fn` with a rebuilt context, for request `request`. `keep`: keep the
   * result on the worker and answer a ref (dependencies); `yields`: a generator run to its yield.
   */
  | {
      type: 'context'
      id: number
      fn: number
      request: number
      ctx: ContextSnapshot
      keep: boolean
      yields: boolean
      flag: number
      /** For a port filter that answers the caller from the thread (`RunOptions.replyTo`). */
      replyTo?: unknown
    }
  /** Send back (clone) a value kept for a request. */
  | { type: 'fetch'; id: number; request: number; ref: number; flag: number }
  /** Exit a blocking yield dependency: `next()`, or `throw(error)` at its yield. */
  | { type: 'exit'; id: number; request: number; exit: number; error?: SerializedError; flag: number }
  /** Run a background task the worker kept (a non-blocking function added there). */
  | { type: 'task'; id: number; request: number; task: number; flag: number }
  /** Forget everything kept for a request. */
  | { type: 'release'; request: number }
  /** A running call was aborted (its flag is set too, for synchronous code that polls `signal.aborted`). */
  | { type: 'abort'; id: number }
  /** The pool is closing: run the app's lifespan teardown, then answer `closed`. */
  | { type: 'close' }
  /** Several messages sent in one (calls made in the same turn of the event loop). */
  | { type: 'batch'; messages: ToWorker[] }

/** Worker → main. */
export type FromWorker =
  /** The worker has evaluated its modules (the entry's included); its lifespan starts next. */
  | { type: 'loaded' }
  | { type: 'ready'; fingerprint: string[] }
  | { type: 'startup-error'; error: SerializedError }
  | {
      type: 'result'
      id: number
      value?: unknown
      /** Set when the value was kept on the worker. */
      ref?: number
      /** Set for a yield dependency: its exit handle. */
      exit?: number
      effects?: ContextEffects
      /** Time the call ran on the worker, in milliseconds. */
      took: number
      /** The thread's port filter delivered the value to the caller itself: the call resolves with `REPLIED`. */
      replied?: true
    }
  | { type: 'error'; id: number; error: SerializedError; took: number }
  | { type: 'closed' }

/**
 * Each worker shares one block of memory with the main side, with a cell per call sent to it (the
 * call's `flag`, unique among the calls the worker has not answered):
 * - `aborts[flag]`: set by the main side when the call is aborted (synchronous code polls it);
 * - `marks[flag]`: set by the worker when the call starts (`RUNNING`) and when its answer is posted
 *   (`ANSWERED`), so the main side knows, whatever the messages in transit, which calls ran: a call
 *   that started is never run again, and a time limit is charged to the call that ran past it;
 * - `starts[flag]`: when the call started (`clockNow()`, milliseconds), for its time limit;
 * - `current[0]`: `flag + 1` of the call whose synchronous part holds the worker's thread (0: none).
 */
export const CALL_CELLS = 1024

/** `marks[flag]`: the call has not started on the worker. */
export const NOT_STARTED = 0
/** `marks[flag]`: the call is running on the worker (or the worker died while it ran). */
export const RUNNING = 1
/** `marks[flag]`: the call settled and its answer was posted. */
export const ANSWERED = 2

/** The shared cells of one worker's calls. */
export interface CallCells {
  aborts: Int32Array
  marks: Int32Array
  starts: Float64Array
  current: Int32Array
}

/** Memory for one worker's call cells (shared with the worker at its start). */
export function callMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(CALL_CELLS * (4 + 4 + 8) + 8)
}

/** Views over a worker's call memory (the same layout on both sides). */
export function callCells(memory: SharedArrayBuffer): CallCells {
  return {
    aborts: new Int32Array(memory, 0, CALL_CELLS),
    marks: new Int32Array(memory, CALL_CELLS * 4, CALL_CELLS),
    starts: new Float64Array(memory, CALL_CELLS * 8, CALL_CELLS),
    current: new Int32Array(memory, CALL_CELLS * 16, 1),
  }
}

/** Milliseconds on a clock both sides of a worker share (each thread's `timeOrigin` differs). */
export function clockNow(): number {
  return performance.timeOrigin + performance.now()
}

/**
 * What a call resolves with when its worker thread answered the caller itself (a port filter, given
 * `RunOptions.replyTo`): the value went straight from the thread to its destination.
 *
 * @example
 * const value = await pool.run(info, args, { replyTo: msg.reply })
 * if (value !== REPLIED) msg.respond(encode(value))
 */
export const REPLIED: unique symbol = Symbol.for('tandem.replied') as never
