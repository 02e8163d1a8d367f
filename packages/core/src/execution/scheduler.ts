/** A blocking function as a scheduler runs it: what `blocking()` recorded about it. */
export interface BlockingInfo {
  /** Registration order: the same in every worker that loads the same entry module. */
  readonly id: number
  /** The function's name (for messages and the fingerprint). */
  readonly name: string
  /** The function itself, as written. */
  readonly fn: (...args: any[]) => unknown
  /** True for a generator function (a blocking yield dependency). */
  readonly generator: boolean
}

/** Options of one scheduled call. */
export interface RunOptions {
  /** Aborts the call: before it starts it never runs; while running, the worker's signal is aborted. */
  signal?: AbortSignal
  /** Objects transferred rather than cloned (ArrayBuffers). */
  transfer?: Transferable[]
  /** The pool request number of the request making the call (its utilities run on its worker). */
  request?: number
  /**
   * Milliseconds the call may run once started, instead of the scheduler's own limit (0: none).
   * For a scheduler that runs calls on behalf of others, each with its own limit (a remote worker's
   * thread pool); apps set `timeout` on the scheduler instead.
   */
  timeout?: number
  /**
   * For a scheduler whose worker threads can answer the caller themselves (`@tandem/nats`' workers,
   * through a port filter, see `runPoolWorker`): data the thread sees with the call. When the thread
   * answered it, the call resolves with `REPLIED` (from `@tandem/core/pool`) instead of its value.
   */
  replyTo?: unknown
}

/** Counters of a scheduler: calls of blocking functions. */
export interface SchedulerStats {
  size: number
  busy: number
  queued: number
  completed: number
  failed: number
}

/**
 * Where blocking functions run. Adapters implement it: a worker_threads pool on Node, Web Workers
 * on Bun, inline on workerd. Every implementation passes the same conformance suite.
 *
 * @example
 * class MyScheduler implements Scheduler {
 *   readonly name = 'mine'
 *   async run(info, args) { return info.fn(...args) }
 *   stats() { return { size: 1, busy: 0, queued: 0, completed: 0, failed: 0 } }
 *   async close() {}
 * }
 */
export interface Scheduler {
  /** A short name for logs (`inline`, `node-worker-threads`). */
  readonly name: string
  /** Runs a registered blocking function with cloneable arguments and resolves to its result. */
  run(info: BlockingInfo, args: unknown[], options?: RunOptions): Promise<unknown>
  /**
   * Thread-based schedulers run handlers and dependencies in a worker with a rebuilt context; the
   * framework drives that through this. Absent (inline): they run in place with the real context.
   */
  readonly remote?: RemoteExecution
  /**
   * What the server's start-up line says of the scheduler, read when it starts serving (a remote
   * scheduler: where it is and the workers it sees). Optional: without it the line gives `name`.
   */
  describe?(): string
  /** The current counters. */
  stats(): SchedulerStats
  /** Finishes running calls, then stops. */
  close(): Promise<void>
  /**
   * Stops at once: running and queued calls fail (a shutdown past its deadline, when `close()` would
   * wait on a call that does not end). Optional: without it the server only stops waiting.
   */
  terminate?(): Promise<void>
}

/** What a context call on a worker answers: the value (cloned) or a ref to it, and the request's changes. */
export interface RemoteResult {
  value?: unknown
  /** The value was kept on the worker under this ref (a dependency's value). */
  ref?: number
  /** The exit handle of a blocking yield dependency. */
  exit?: number
  effects?: ContextEffects
}

/**
 * How the framework runs handlers and dependencies on a thread-based scheduler: each request gets
 * a number; its blocking steps run on one worker, which keeps their values until `release`.
 */
export interface RemoteExecution {
  /** A new request number. */
  newRequest(): number
  /** Runs `info` with a rebuilt context on the request's worker. */
  context(
    info: BlockingInfo,
    request: number,
    ctx: ContextSnapshot,
    options: {
      keep: boolean
      yields: boolean
      signal?: AbortSignal
      transfer?: Transferable[]
      label?: string
      /** The call's own time limit (see `RunOptions.timeout`); the request's cleanups and tasks keep it. */
      timeout?: number
      /** See `RunOptions.replyTo`: when the thread answered, the result's `value` is `REPLIED`. */
      replyTo?: unknown
    },
  ): Promise<RemoteResult>
  /** Brings a kept value to the event loop (structured clone). */
  fetch(request: number, ref: number): Promise<unknown>
  /**
   * Exits a blocking yield dependency: resumes it after its yield, or throws `raised.error` into it
   * there (the request failed). Never waits for a free worker. Rejects with what the cleanup raised.
   */
  exit(request: number, exit: number, raised?: { error: unknown }): Promise<'done' | 'yielded'>
  /** Runs a background task that was added on the worker. */
  task(request: number, task: number): Promise<void>
  /** Forgets the request's values on its worker. */
  release(request: number): void
}

/**
 * A request's context as plain data, for a blocking function that runs elsewhere (`ctx` is rebuilt
 * there from it): the validated inputs, the injected values (or refs to values already there), and
 * the request's URL, method, headers and body bytes.
 */
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

/**
 * The key under which a snapshot's `deps` name a value kept on the worker.
 *
 * @example
 * snapshot(null, { kept: { [REF]: kept.ref } }) // the handler's `deps.kept` is the value kept there
 */
export const REF = '__tandem_ref__'

/** What a context call reports besides its result: changes the worker made to the request. */
export interface ContextEffects {
  status?: number
  headers?: [string, string][]
  /** Background tasks added on the worker: a blocking function by id, or a task kept on the worker. */
  tasks?: ({ fn: number; args: unknown[] } | { local: number; name: string })[]
}
