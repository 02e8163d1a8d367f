import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { MessageChannel, type ResourceLimits, receiveMessageOnPort, Worker } from 'node:worker_threads'
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

/** Options of the worker_threads pool: the shared pool settings, and what this runtime adds. */
export interface NodePoolOptions extends PoolSettings {
  /**
   * V8 heap limits per worker (`worker_threads` `resourceLimits`); a call that takes its worker over
   * them fails with 500 (`WorkerCrashedError`) and the worker is replaced. Default:
   * `{ maxOldGenerationSizeMb: 1024 }` (`DEFAULT_WORKER_HEAP_MB`), so a runaway call fails in about a
   * second instead of growing to the machine's V8 default (4 GB and half a minute on a 24 GB machine).
   */
  resourceLimits?: ResourceLimits
}

/**
 * The default old-generation heap limit of each Node pool worker, in MB.
 *
 * @example
 * createNodePool(entry, { resourceLimits: { maxOldGenerationSizeMb: DEFAULT_WORKER_HEAP_MB * 2 } })
 */
export const DEFAULT_WORKER_HEAP_MB = 1024

/**
 * The resource limits a pool worker gets: the user's, with the default heap limit when they set none.
 *
 * @example
 * workerLimits({}) // { maxOldGenerationSizeMb: 1024 }
 */
export function workerLimits(limits: ResourceLimits | undefined): ResourceLimits {
  return { maxOldGenerationSizeMb: DEFAULT_WORKER_HEAP_MB, ...limits }
}

export type { Entry }

/**
 * The pool's transport over `worker_threads`: each worker runs Tandem's worker entry, which loads `entry`.
 *
 * @example
 * new ThreadPool(nodeTransport(new URL('./app.ts', import.meta.url)), poolOptions({ size: 2 }, 2, 'node-worker-threads'))
 */
export function nodeTransport(
  entry: Entry,
  resourceLimits?: ResourceLimits,
  nice: number = DEFAULT_POOL_NICE,
  portFilter?: PortFilterModule,
): TransportFactory {
  const workerUrl = new URL('./worker.js', import.meta.url)
  const url = entryHref(entry, process.cwd())
  // In a node:cluster worker process, its pool threads take the entry's worker branch too (worker.ts).
  const clusterWorker = cluster.isWorker
  return ({ index, flags }) => {
    // Answers come over a channel of their own, read with receiveMessageOnPort when the worker wakes
    // the loop: one 'message' event for every answer posted while the loop was busy, not one each
    // (a worker posts each answer the moment its call ends).
    const { port1: answers, port2 } = new MessageChannel()
    const wake = new Int32Array(new SharedArrayBuffer(4))
    const worker = new Worker(workerUrl, {
      workerData: {
        tandemPool: true,
        index,
        entry: url,
        flags,
        nice,
        answers: port2,
        wake: wake.buffer,
        clusterWorker,
        ...(portFilter ? { portFilter } : {}),
      },
      transferList: [port2],
      name: `tandem-pool-${index}`,
      resourceLimits: workerLimits(resourceLimits),
    })
    let listener: ((message: FromWorker) => void) | undefined
    const drain = () => {
      // Cleared first: an answer posted from now on wakes the loop again.
      Atomics.store(wake, 0, 0)
      for (let next = receiveMessageOnPort(answers); next; next = receiveMessageOnPort(answers)) {
        listener?.(next.message as FromWorker)
      }
    }
    worker.on('message', drain)
    let exitListener: ((reason: string) => void) | undefined
    let gone = false
    const exited = (reason: string) => {
      if (gone) return
      gone = true
      // What the worker answered before it went is still in the channel.
      drain()
      answers.close()
      exitListener?.(reason)
    }
    worker.on('error', (error) => exited(`${error.name}: ${error.message}`))
    worker.on('exit', (code) => exited(`exit code ${code}`))
    return {
      send: (message, transfer) => worker.postMessage(message, transfer as never),
      onReceive: (fn) => {
        listener = fn
      },
      onExit: (fn) => {
        exitListener = fn
      },
      terminate: async () => {
        gone = true
        await worker.terminate()
        drain()
        answers.close()
      },
    }
  }
}

/**
 * A thread pool for blocking functions on Node: `size` worker_threads, each loading `entry` (the
 * module that declares them). Started with `await pool.start()`; `serve()` does this for you.
 *
 * @example
 * const pool = createNodePool(new URL('./app.ts', import.meta.url), { size: 2 })
 * await pool.start()
 * setScheduler(pool)
 */
export function createNodePool(
  entry: Entry,
  options: NodePoolOptions & {
    logger?: ConstructorParameters<typeof ThreadPool>[1]['logger']
    /** For adapters that answer from the threads (`@tandem/nats`' workers): see `PortFilter`. */
    portFilter?: PortFilterModule
  } = {},
): ThreadPool {
  return new ThreadPool(
    nodeTransport(entry, options.resourceLimits, checkedNice(options.nice), options.portFilter),
    poolOptions(options, availableParallelism(), 'node-worker-threads', options.logger),
  )
}
