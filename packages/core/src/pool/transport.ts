import type { FromWorker, ToWorker } from './protocol.ts'

/**
 * The channel between the pool and one worker, which the pool's policy (queue, affinity, time
 * limits, crash handling, close) drives without knowing what carries it. An adapter brings one per
 * runtime: `@tandem/node` over worker_threads, `@tandem/bun` over Web Workers.
 *
 * @example
 * const factory: TransportFactory = ({ index, flags }) => {
 *   const worker = new Worker(workerUrl, { name: `tandem-pool-${index}` })
 *   worker.postMessage({ tandemPool: { entry, flags } })
 *   return {
 *     send: (message, transfer) => worker.postMessage(message, transfer ?? []),
 *     onReceive: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
 *     onExit: (listener) => worker.addEventListener('close', () => listener('closed')),
 *     terminate: async () => worker.terminate(),
 *   }
 * }
 */
export interface Transport {
  /** Sends a message to the worker: a call, or a batch of calls made in the same turn. */
  send(message: ToWorker, transfer?: Transferable[]): void
  /** Called with every message from the worker, in the order the worker sent them. */
  onReceive(listener: (message: FromWorker) => void): void
  /** Called once when the worker is gone (exit, uncaught error, out of memory), with a reason. */
  onExit(listener: (reason: string) => void): void
  /** Stops the worker; what it answered before stopping is still received. */
  terminate(): Promise<void>
}

/**
 * Starts worker number `index` and returns the channel to it. `flags` is the worker's call memory
 * (`callMemory()`): the worker runtime gets it at its start (`runPoolWorker({ flags })`).
 */
export type TransportFactory = (init: { index: number; flags: SharedArrayBuffer }) => Transport

/**
 * The worker's end of its transport (Node's `parentPort`, a Web Worker's `self`), which
 * `runPoolWorker` answers calls over.
 */
export interface WorkerPort {
  /** Sends an answer (or `ready`, `closed`) to the pool. */
  send(message: FromWorker, transfer?: Transferable[]): void
  /** Called with every message from the pool. */
  onReceive(listener: (message: ToWorker) => void): void
}
