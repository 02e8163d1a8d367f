import type { SerializedError } from './errors-wire.ts'

/**
 * The messages between the event loop (main side) and pool workers, shared by every thread-based
 * adapter (Node's worker_threads, Bun's Web Workers). Everything here is structured-cloneable.
 */

/** A request's context as it crosses to a worker (`ctx` is rebuilt there). */
export interface ContextSnapshot {
  params: unknown
  query: unknown
  headers: unknown
  cookies: unknown
  body: unknown
  form: unknown
  /** Injected values: cloned values, or `{ [REF]: id }` for values kept on the worker. */
  deps: Record<string, unknown>
  scopes: string[]
  request: { url: string; method: string; headers: [string, string][]; body: ArrayBuffer | null }
}

/** The key under which a snapshot's `deps` name a value kept on the worker. */
export const REF = '__tandem_ref__'

/** Main → worker. */
export type ToWorker =
  /** Run blocking function `fn` with cloned `args` (a utility call). */
  | { type: 'call'; id: number; fn: number; args: unknown[]; flag: number }
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
    }
  /** Send back (clone) a value kept for a request. */
  | { type: 'fetch'; id: number; request: number; ref: number }
  /** Exit a blocking yield dependency: `next()`, or `throw(error)` at its yield. */
  | { type: 'exit'; id: number; request: number; exit: number; error?: SerializedError }
  /** Run a background task the worker kept (a non-blocking function added there). */
  | { type: 'task'; id: number; request: number; task: number }
  /** Forget everything kept for a request. */
  | { type: 'release'; request: number }
  /** A running call was aborted (its flag is set too, for synchronous code that polls `signal.aborted`). */
  | { type: 'abort'; id: number }
  /** The pool is closing: run the app's lifespan teardown, then answer `closed`. */
  | { type: 'close' }
  /** Several messages sent in one (calls made in the same turn of the event loop). */
  | { type: 'batch'; messages: ToWorker[] }

/** What a context call reports besides its result: changes the worker made to the request. */
export interface ContextEffects {
  status?: number
  headers?: [string, string][]
  /** Background tasks added on the worker: a blocking function by id, or a task kept on the worker. */
  tasks?: ({ fn: number; args: unknown[] } | { local: number; name: string })[]
}

/** Worker → main. */
export type FromWorker =
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
    }
  | { type: 'error'; id: number; error: SerializedError; took: number }
  | { type: 'closed' }
  /** Several answers sent in one. */
  | { type: 'batch'; messages: FromWorker[] }

/** Each worker's slot in the shared abort flags: a call sets it to tell a running call it was aborted. */
export const ABORT_FLAG_SLOTS = 1024
