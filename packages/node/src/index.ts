export { createNodePool, type Entry, type NodePoolOptions, nodeWorkerFactory } from './pool.ts'
export { type ServeOptions, serve, type TandemServer } from './serve.ts'
