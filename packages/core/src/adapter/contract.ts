import type { App, Logger } from '../app.ts'
import type { RequestStorage } from '../execution/request-storage.ts'
import type { Scheduler } from '../execution/scheduler.ts'
import type { Entry, PoolSettings } from '../pool/pool-types.ts'
import type { BodyReader } from '../request/body.ts'
import type { CodeCompiler } from '../validation/compiler.ts'
import type { ListeningServer, ServingOptions } from './serving.ts'

/** The options of every server adapter's `serve()`; an adapter's own options extend them. */
export interface ServeOptions<Pool extends PoolSettings = PoolSettings> extends ServingOptions {
  /** The port (default: `PORT` from the environment, else 8000; 0 picks a free port). */
  port?: number
  /** The address to listen on (default `127.0.0.1`; `0.0.0.0` for every interface). */
  hostname?: string
  /** The module pool workers load to find the blocking functions (default: the main module). */
  entry?: Entry
  /** The worker pool's settings; `false` runs blocking functions inline, on the event loop. */
  pool?: Pool | false
  /**
   * Where blocking functions run instead of the adapter's pool: any `Scheduler` (one of another
   * package, or your own). `pool` must then be absent. `close()` and SIGTERM close it.
   */
  scheduler?: Scheduler
  /**
   * How many event loops serve the port (default 1). With more, this process supervises that many
   * processes of the same program, each listening with SO_REUSEPORT (Linux): `serve()` resolves to
   * `undefined` here and to the server in each loop. Each loop has its own pool, of the cores divided
   * between the loops unless `pool.size` says otherwise (then it is per loop).
   */
  workers?: number
}

/** A running server, as every server adapter's `serve()` resolves it. */
export interface TandemServer<Server = unknown> {
  /** `http://127.0.0.1:8000` */
  url: string
  port: number
  /** The scheduler blocking functions run on (`stats()` for metrics). */
  scheduler: Scheduler
  /** The runtime's own server object. */
  server: Server
  /**
   * Stops accepting connections, finishes in-flight requests (past `shutdownTimeout` their
   * connections are closed), their background tasks and cleanups and the pool's calls, stops the
   * workers, then runs the lifespan's teardown.
   */
  close(): Promise<void>
}

/**
 * Several event loops on one port, where the runtime can start processes; `@tandem/core/loops`'s
 * `processLoops` implements it with `node:child_process` (Node, Bun).
 *
 * @example
 * const adapter = { ...nodeAdapter, loops: processLoops }
 */
export interface LoopSupport {
  /** This process's place among the loops when a supervisor started it; `undefined` otherwise. */
  current(): { index: number; count: number; port: number } | undefined
  /** Starts `count` loops of this program on `port` (0: a free one); resolves once all listen. */
  supervise(options: {
    count: number
    port: number
    hostname: string
    info(message: string): void
    error(message: string): void
  }): Promise<void>
  /** A loop's default pool size: the machine's cores divided between `count` loops, at least 1. */
  poolShare(count: number): number
  /** Tells the supervisor this loop listens; `onGone` runs when the supervisor is gone. */
  reportListening(url: string, onGone: () => void): void
  /** Tells the supervisor this loop could not start. */
  reportFailure(error: unknown): void
}

/** A started pool and what its start-up line says about it. */
export interface StartedPool {
  scheduler: Scheduler
  /** The start-up line (`describePool(...)`, plus what this runtime adds). */
  description: string
}

/** What an adapter's server reports once it listens. */
export interface Listening<Server> extends ListeningServer {
  port: number
  server: Server
}

/**
 * What a server adapter brings to `serveWith()`, which runs the same lifecycle on every runtime:
 * in a pool worker, register the app and listen to nothing; otherwise check the options, start the
 * pool, install the scheduler, the hooks and the request storage, run the lifespan's startup, listen,
 * log, and close gracefully on `close()`, SIGTERM or SIGINT.
 *
 * @example
 * const bunAdapter: ServerAdapter<ServeOptions, ReturnType<typeof Bun.serve>> = {
 *   workers: 'web worker',
 *   requestStorage: () => new AsyncLocalStorage(),
 *   startPool: async (settings, entry, logger) => { ... },
 *   listen: async (app, { port, hostname }) => { ... },
 * }
 * export const serve = (app: App, options: ServeOptions = {}) => serveWith(bunAdapter, app, options)
 */
export interface ServerAdapter<Options extends ServeOptions<any>, Server> {
  /** One pool worker in the start-up line: `worker thread`, `web worker`. */
  readonly workers: string
  /** The runtime's name in messages (`Node`, `Bun`). */
  readonly runtime?: string
  /** Serves the app's WebSocket routes (`upgradeWebSocket`); without it, an app with some is refused. */
  readonly webSockets?: boolean
  /** Runs several event loops on one port (`workers`); without it, `workers` above 1 is refused. */
  readonly loops?: LoopSupport
  /** The storage that tells a blocking utility call which request it belongs to (AsyncLocalStorage). */
  requestStorage(): RequestStorage
  /** Reads request bodies from the runtime's own request objects; default: `request.arrayBuffer()`. */
  readonly bodyReader?: BodyReader
  /** Compiles generated code, where the runtime allows it (response writers); default: none. */
  readonly compile?: CodeCompiler
  /** The module pool workers load when `entry` is not given (the process's main module). */
  mainModule(): Entry | undefined
  /** Creates and starts the pool of `settings`, whose workers load `entry`. */
  startPool(
    settings: Exclude<Options['pool'], false | undefined>,
    entry: Entry,
    logger: Logger,
  ): Promise<StartedPool>
  /** Starts serving `app` at `port` and `hostname`; resolves once listening, rejects if it cannot. */
  listen(
    app: App<any, any>,
    where: { port: number; hostname: string; reusePort?: boolean },
    options: Options,
  ): Promise<Listening<Server>>
}
