export { type BunPoolOptions, bunTransport, createBunPool, type Entry } from './pool.ts'
export { type ServeOptions, serve, type TandemServer } from './serve.ts'
