import { availableParallelism } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  checkedNice,
  DEFAULT_POOL_NICE,
  type FromWorker,
  type PoolSettings,
  poolOptions,
  ThreadPool,
  type WorkerFactory,
} from '@tandem/core'

/** Options of the Web Worker pool: the shared pool settings, and what this runtime adds. */
export interface BunPoolOptions extends PoolSettings {
  /** Start workers with Bun's `smol` mode (a smaller heap). */
  smol?: boolean
}

/** The module each worker loads: a path, a `file:` URL string or a URL. */
export type Entry = string | URL

function entryUrl(entry: Entry): string {
  if (entry instanceof URL) return entry.href
  if (entry.startsWith('file:')) return entry
  return pathToFileURL(isAbsolute(entry) ? entry : resolve(entry)).href
}

/** A `WorkerFactory` over Bun's Web Workers: each runs Tandem's worker entry, which loads `entry`. */
export function bunWorkerFactory(
  entry: Entry,
  options: { smol?: boolean; nice?: number } = {},
): WorkerFactory {
  const nice = options.nice ?? DEFAULT_POOL_NICE
  const workerUrl = new URL('./worker.js', import.meta.url)
  const url = entryUrl(entry)
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
    worker.postMessage({ tandemPool: { entry: url, flags, nice } })
    return {
      postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
      onMessage: (listener) =>
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
  options: BunPoolOptions & { logger?: ConstructorParameters<typeof ThreadPool>[1]['logger'] } = {},
): ThreadPool {
  return new ThreadPool(
    bunWorkerFactory(entry, { smol: options.smol === true, nice: checkedNice(options.nice) }),
    poolOptions(options, availableParallelism(), 'bun-web-workers', options.logger),
  )
}
