import type { FromWorker, ToWorker } from './protocol.ts'

/**
 * A worker thread as the pool drives it; adapters implement it over their runtime's workers
 * (Node's `worker_threads`, Bun's Web Workers).
 */
export interface WorkerHandle {
  postMessage(message: ToWorker, transfer?: Transferable[]): void
  /** Called with every message from the worker. */
  onMessage(listener: (message: FromWorker) => void): void
  /** Called once when the worker is gone (exit, uncaught error, out of memory), with a reason. */
  onExit(listener: (reason: string) => void): void
  /** Stops the worker. */
  terminate(): Promise<void>
}

/** Starts worker number `index`; `flags` is shared memory the worker reads abort flags from. */
export type WorkerFactory = (init: { index: number; flags: SharedArrayBuffer }) => WorkerHandle

/** Options of a thread pool. */
export interface PoolOptions {
  /** Workers (default: the adapter's `availableParallelism()`). */
  size: number
  /** Calls waiting (not running) before new ones are refused with 503 (default 1024). */
  maxQueue: number
  /** Milliseconds a call may run before it is stopped with 504 and its worker replaced (0: none). */
  timeout: number
  /** Where the pool reports worker deaths and replacements. */
  logger?: { error(message: string, error?: unknown): void; warn(message: string): void }
  /** The scheduler's name in logs. */
  name?: string
}
