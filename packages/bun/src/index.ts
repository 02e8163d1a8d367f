export { type BunPoolOptions, bunWorkerFactory, createBunPool, type Entry } from './pool.ts'
export { type ServeOptions, serve, type TandemServer } from './serve.ts'
