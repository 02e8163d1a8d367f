export {
  createNodePool,
  DEFAULT_WORKER_HEAP_MB,
  type Entry,
  type NodePoolOptions,
  nodeTransport,
  workerLimits,
} from './pool.ts'
export { type ServeOptions, serve, type TandemServer } from './serve.ts'
