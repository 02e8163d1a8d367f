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

/**
 * Sees a pool worker's messages both ways, in the worker thread, for an adapter that delivers some
 * answers itself: `@tandem/nats`' workers publish a call's result from the thread straight to the
 * scheduler (no hop through the event loop) and post the pool a `replied` answer without the value.
 *
 * @example
 * export function portFilter(): PortFilter {
 *   const to = new Map<number, unknown>()
 *   return {
 *     received: (m) => { if (m.type === 'call' && m.replyTo) to.set(m.id, m.replyTo) },
 *     sending: (m) => (m.type === 'result' && deliver(to.get(m.id), m.value) ? { ...m, value: undefined, replied: true } : m),
 *   }
 * }
 */
export interface PortFilter {
  /** Every message from the main side, before the worker runtime takes it (batches as sent). */
  received(message: ToWorker): void
  /**
   * Every answer before it is posted: returns what to post (the same message, or a `replied` one),
   * or `undefined` to post nothing (the answer to a call the filter started, `PortFilterHost.run`).
   */
  sending(message: FromWorker): FromWorker | undefined
  /** Called once, when the worker has loaded the app and takes calls: what the filter may do in it. */
  attach?(host: PortFilterHost): void
}

/**
 * What a `PortFilter` may do in its pool worker (`attach`): its number, and running calls that did
 * not come from the pool (`@tandem/nats` workers' threads take calls off NATS themselves).
 *
 * @example
 * attach(host) {
 *   sub = nc.subscribe(`tandem.w.${id}.${host.index}`, { callback: (_e, msg) => host.run(-next++, fn, args) || answerBusy(msg) })
 * }
 */
export interface PortFilterHost {
  /** The worker's number in its pool: a replacement worker has the number of the one it replaces. */
  readonly index: number
  /**
   * Runs blocking function number `fn` (its index in the registry) with `args` for a caller other
   * than the pool. Its answer comes to `sending` with id `id`, which must be negative (the pool's are
   * positive), and is the filter's to deliver. False, and nothing run, while a call of the pool's is
   * pending or waiting in this worker, or the worker is closing.
   */
  run(id: number, fn: number, args: unknown[]): boolean
}

/**
 * Where a pool worker finds its `PortFilter`: a module (by URL) whose export
 * `portFilter(options, { index })` makes it, called once as the worker starts, before it loads the
 * app (`index`: the worker's number in its pool).
 *
 * @example
 * createNodePool(entry, { portFilter: { href: new URL('./thread.js', import.meta.url).href, options: { servers } } })
 */
export interface PortFilterModule {
  href: string
  /** Structured-cloneable options for `portFilter(options)`. */
  options?: unknown
}
