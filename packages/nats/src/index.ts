/**
 * `@tandem/nats`: blocking functions on worker processes that take calls over NATS, on this machine
 * or others. `natsScheduler()` is the server's side (`serve(app, { scheduler })`); `runNatsWorker()`
 * and the bin `tandem-nats-worker` are the workers'.
 */
export type { NatsConnectionOptions, NatsLogger } from './connection.ts'
export {
  NatsScheduler,
  type NatsSchedulerOptions,
  type NatsSchedulerStats,
  NoWorkersError,
  natsScheduler,
  type RemoteWorkerStats,
} from './scheduler.ts'
export { type LocalPool, type NatsWorker, type NatsWorkerOptions, runNatsWorker } from './worker.ts'
