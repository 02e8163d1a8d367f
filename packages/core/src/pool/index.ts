/**
 * `@tandem/core/pool`: the runtime-agnostic worker pool (its policy: a bounded fair queue, request
 * affinity, held workers, time limits, crash handling, abort, close) over a `Transport` an adapter
 * brings, and the worker runtime that answers its calls. For adapters and schedulers, not apps.
 */

export { isPoolWorker, markPoolWorker } from '../execution/scheduler-registry.ts'
export { deserializeError, type SerializedError, serializeError } from './errors-wire.ts'
export { ThreadPool } from './pool.ts'
export {
  checkedNice,
  DEFAULT_POOL_NICE,
  type Entry,
  entryHref,
  lowerWorkerPriority,
  niceIsPerThread,
  type PoolOptions,
  type PoolSettings,
  poolOptions,
} from './pool-types.ts'
export { callMemory, type FromWorker, REPLIED, type ToWorker } from './protocol.ts'
export type {
  PortFilter,
  PortFilterHost,
  PortFilterModule,
  Transport,
  TransportFactory,
  WorkerPort,
} from './transport.ts'
export { registerWorkerApp, runPoolWorker, type WorkerApp } from './worker.ts'
