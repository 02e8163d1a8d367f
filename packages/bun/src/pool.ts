import { availableParallelism } from 'node:os'
import {
  checkedNice,
  DEFAULT_POOL_NICE,
  type Entry,
  entryHref,
  type FromWorker,
  type PoolSettings,
  type PortFilterModule,
  poolOptions,
  ThreadPool,
  type TransportFactory,
} from '@tandem/core/pool'

/** Options of the Web Worker pool: the shared pool settings, and what this runtime adds. */
export interface BunPoolOptions extends PoolSettings {
  /** Start workers with Bun's `smol` mode (a smaller heap). */
  smol?: boolean
}

export type { Entry }

/**
 * The pool's transport over Bun's Web Workers: each runs Tandem's worker entry, which loads `entry`.
 *
 * @example
 * new ThreadPool(bunTransport(new URL('./app.ts', import.meta.url)), poolOptions({ size: 2 }, 2, 'bun-web-workers'))
 */
export function bunTransport(
  entry: Entry,
  options: { smol?: boolean; nice?: number; portFilter?: PortFilterModule } = {},
): TransportFactory {
  const nice = options.nice ?? DEFAULT_POOL_NICE
  const workerUrl = new URL('./worker.js', import.meta.url)
  const url = entryHref(entry, process.cwd())
  return ({ index, flags }) => {
    const worker = new Worker(workerUrl, {
      name: `tandem-pool-${index}`,
      ...(options.smol ? { smol: true } : {}),
    } as WorkerOptions)
    let exitListener: ((reason: string) => void) | undefined
    let gone = false
    const exited = (reason: string) => {
      if (gone) return
      gone = true
      exitListener?.(reason)
    }
    worker.addEventListener('error', (event) => exited(`uncaught error: ${(event as ErrorEvent).message}`))
    worker.addEventListener('close', (event) => exited(`exit code ${(event as CloseEvent).code}`))
    const portFilter = options.portFilter
    worker.postMessage({
      tandemPool: { index, entry: url, flags, nice, ...(portFilter ? { portFilter } : {}) },
    })
    return {
      send: (message, transfer) => worker.postMessage(message, transfer ?? []),
      onReceive: (listener) =>
        worker.addEventListener('message', (event) => listener((event as MessageEvent).data as FromWorker)),
      onExit: (listener) => {
        exitListener = listener
      },
      terminate: async () => {
        gone = true
        worker.terminate()
      },
    }
  }
}

/**
 * A thread pool for blocking functions on Bun: `size` Web Workers, each loading `entry` (the module
 * that declares them). Started with `await pool.start()`; `serve()` does this for you.
 *
 * @example
 * const pool = createBunPool(new URL('./app.ts', import.meta.url), { size: 2 })
 * await pool.start()
 */
export function createBunPool(
  entry: Entry,
  options: BunPoolOptions & {
    logger?: ConstructorParameters<typeof ThreadPool>[1]['logger']
    /** For adapters that answer from the threads (`@tandem/nats`' workers): see `PortFilter`. */
    portFilter?: PortFilterModule
  } = {},
): ThreadPool {
  return new ThreadPool(
    bunTransport(entry, {
      smol: options.smol === true,
      nice: checkedNice(options.nice),
      ...(options.portFilter ? { portFilter: options.portFilter } : {}),
    }),
    poolOptions(options, availableParallelism(), 'bun-web-workers', options.logger),
  )
}
