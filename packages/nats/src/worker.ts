import { availableParallelism, hostname } from 'node:os'
import { type NatsConnection, nuid } from '@nats-io/transport-node'
import type { RemoteExecution, Scheduler, SchedulerStats } from '@tandem/core/adapter'
import { blockingFingerprint, blockingRegistry } from '@tandem/core/adapter'
import { type Entry, entryHref, markPoolWorker, type PortFilterModule } from '@tandem/core/pool'
import {
  connectNats,
  consoleLogger,
  type NatsConnectionOptions,
  type NatsLogger,
  onStatus,
} from './connection.ts'
import type { ThreadFilterOptions } from './thread.ts'
import { compatibilityKey, RUNTIME } from './wire.ts'
import { Calls } from './worker/calls.ts'
import { WorkerCells } from './worker/cells.ts'
import { messageHandler } from './worker/handle.ts'
import { Load } from './worker/heartbeat.ts'
import { KeptRequests } from './worker/kept.ts'
import { type Replaceable, watchTimeLimits } from './worker/limits.ts'
import { Schedulers } from './worker/schedulers.ts'

// The NATS worker: `runNatsWorker()` and its options, composing the parts under worker/: calls.ts
// (running calls and their answers), handle.ts (the schedulers' messages by type), kept.ts (the
// requests it keeps), heartbeat.ts (its heartbeats and free threads) and schedulers.ts (the
// schedulers it hears from, and the sweep of silent ones); and the thread answers' setup (the port
// filter thread.ts, whose path is relative to this module).

/** The local scheduler a NATS worker runs calls on: a thread pool, with its remote execution. */
export type LocalPool = Scheduler & {
  readonly remote: RemoteExecution
  start?(): Promise<void>
  /** Stops a thread as a time limit does: with it, threads take calls with a time limit too. */
  replaceWorker?(index: number, reason: string): boolean
}

/** Options of `runNatsWorker`. */
export type NatsWorkerOptions = NatsConnectionOptions & {
  /** The app's entry module (a path or `file:` URL): it declares the blocking functions, as pool workers load it. */
  entry: Entry
  /** The subject prefix shared with the scheduler (default `tandem`). */
  subject?: string
  /** Calls run at once, one thread each (default: this machine's cores). */
  concurrency?: number
  /** Milliseconds between heartbeats (default 1000); schedulers take a worker for lost after 3 missed. */
  heartbeat?: number
  /** Milliseconds a stop waits for the requests in progress (default 30 000). */
  drainTimeout?: number
  /**
   * Threads take calls and publish answers on NATS connections of their own, one per thread
   * (default true): a call of no request and no time limit goes from NATS straight to a thread, and
   * an answer skips the hop back to the worker's event loop. `false` keeps the worker at one
   * connection (an account with a connection limit), every call and answer going through its event
   * loop.
   */
  threadAnswers?: boolean
  /** Where the worker logs (default: the console). */
  logger?: NatsLogger
  /**
   * Makes the local thread pool (default: `@tandem/node`'s or `@tandem/bun`'s, for the runtime). A
   * pool that loads `portFilter` in its threads lets them answer the scheduler themselves.
   */
  pool?: (
    entry: Entry,
    options: { size: number; portFilter?: PortFilterModule },
  ) => LocalPool | Promise<LocalPool>
}

/** A running NATS worker. */
export interface NatsWorker {
  /** Its id: it takes calls on `<subject>.w.<id>`. */
  readonly id: string
  /** Its compatibility key (blocking functions, runtime, codec): it gets the calls of schedulers with the same. */
  readonly key: string
  /** Threads it runs calls on. */
  readonly capacity: number
  /** The local pool's counters. */
  stats(): SchedulerStats
  /**
   * Stops: takes no new request, lets the ones in progress finish (up to `drainTimeout`), says bye
   * to the schedulers, then stops its threads and leaves NATS.
   */
  close(): Promise<void>
}

async function defaultPool(
  entry: Entry,
  options: { size: number; portFilter?: PortFilterModule },
): Promise<LocalPool> {
  if (RUNTIME === 'bun') {
    const { createBunPool } = await import('@tandem/bun')
    return createBunPool(entry, options)
  }
  const { createNodePool } = await import('@tandem/node')
  return createNodePool(entry, options)
}

/**
 * Runs a NATS worker in this process: loads the app's entry module (its blocking functions, as pool
 * workers do; `serve()` there does not listen), starts a thread pool of `concurrency` threads that
 * runs the app's lifespan, connects to NATS and takes the calls of every scheduler whose blocking
 * functions are the same. The bin `tandem-nats-worker` calls it.
 *
 * @example
 * import { runNatsWorker } from '@tandem/nats'
 * const worker = await runNatsWorker({ entry: './src/app.ts', servers: 'nats://10.0.0.5:4222' })
 * process.on('SIGTERM', () => worker.close())
 */
export async function runNatsWorker(options: NatsWorkerOptions): Promise<NatsWorker> {
  // What is left once the worker's own options are taken: the NATS client's connection options.
  const {
    entry,
    subject = 'tandem',
    logger = consoleLogger,
    heartbeat: every = 1000,
    concurrency: capacity = availableParallelism(),
    drainTimeout = 30_000,
    threadAnswers = true,
    pool: makePool = defaultPool,
    ...connection
  } = options
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new TypeError(`concurrency must be a whole number of threads, at least 1 (got ${capacity}).`)
  }
  markPoolWorker()
  const href = entryHref(entry, process.cwd())
  await import(href)
  const registry = blockingRegistry()
  if (registry.length === 0) {
    throw new Error(
      `${href} declared no blocking functions: a NATS worker runs only blocking() functions. ` +
        'Give it the module that declares them (the app entry that the server loads).',
    )
  }
  const key = compatibilityKey(blockingFingerprint())
  const id = nuid.next()
  // Shared with the threads (thread.ts): the answers they published themselves (with those the
  // event loop has seen settle, the threads free though the pool does not know it yet), this
  // connection's state, and the calls the threads took off NATS themselves.
  const cells = new WorkerCells(capacity)
  const portFilter = threadAnswers
    ? threadFilter(connection, cells, logger, { subject, worker: id, key })
    : undefined
  const pool = await makePool(entry, {
    size: capacity,
    ...(portFilter ? { portFilter } : {}),
  })
  await pool.start?.()
  let nc: NatsConnection
  try {
    nc = await connectNats(connection, `tandem-nats-worker ${hostname()}:${process.pid}`)
  } catch (error) {
    await pool.close()
    throw error
  }
  cells.connected(false)
  const calls = new Calls(nc, logger)
  calls.inTransit = () => cells.delivered() - calls.settledDelivered
  const kept = new KeptRequests(pool.remote)
  const schedulers = new Schedulers(kept, calls, logger)
  const load = new Load(nc, pool, { id, key, subject, capacity, every }, cells, calls, kept)
  const handle = messageHandler({ id, key, registry, pool, calls, kept, load, schedulers, cells })
  // The time limits of the calls the threads take themselves, if the pool can stop a thread.
  const limits =
    portFilter && pool.replaceWorker
      ? watchTimeLimits(cells, pool as LocalPool & Replaceable, calls, registry)
      : undefined
  cells.watchLimits(limits !== undefined)

  nc.subscribe(`${subject}.w.${id}`, { callback: (_error, msg) => handle(msg) })
  nc.subscribe(`${subject}.discover`, { callback: () => load.beat() })
  nc.subscribe(`${subject}.shb`, { callback: (_error, msg) => schedulers.onBeat(msg) })
  onStatus(nc, (status) => {
    if (status.type === 'disconnect') {
      cells.disconnected()
      schedulers.connected = false
      logger.warn(`tandem-nats-worker: lost the connection to NATS; reconnecting.`)
    }
    if (status.type === 'reconnect') {
      cells.connected(true)
      schedulers.connected = true
      logger.info(`tandem-nats-worker: reconnected to NATS at ${nc.getServer()}.`)
      schedulers.reconnected()
      load.beat()
    }
  })
  const timer = setInterval(() => {
    load.beat()
    schedulers.sweep()
  }, every)
  await nc.flush()
  // The first heartbeat says which threads take calls themselves: they subscribe as they start,
  // so wait for them a little (schedulers learn of a thread that comes later at the next heartbeat).
  const until = Date.now() + 1000
  while (portFilter && cells.taking().length < capacity && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  load.beat()
  logger.info(
    `tandem-nats-worker ${id}: ${capacity} thread${capacity === 1 ? '' : 's'} (${RUNTIME}) for ${registry.length} ` +
      `blocking function${registry.length === 1 ? '' : 's'} of ${href}, on subject ${subject} at ${nc.getServer()}`,
  )

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      load.draining = true
      cells.drain()
      load.beat()
      const deadline = Date.now() + drainTimeout
      while (
        (calls.running.size > 0 || kept.size > 0 || cells.directRunning() > 0) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      clearInterval(timer)
      limits?.stop()
      load.beat({ bye: true })
      await nc.flush().catch(() => {})
      await nc.drain().catch(() => {})
      await pool.close()
    })()
    return closing
  }

  const stats = (): SchedulerStats => {
    const local = pool.stats()
    const [done, failed] = cells.directCounts()
    return {
      ...local,
      busy: local.busy + cells.directRunning(),
      completed: local.completed + done,
      failed: local.failed + failed,
    }
  }
  return { id, key, capacity, stats, close }
}

/**
 * The port filter module that lets the pool's threads publish their answers (`thread.ts`), with the
 * connection options, if they can cross to a thread (an `authenticator` function cannot: then the
 * answers go through the event loop, as before).
 */
function threadFilter(
  connection: NatsConnectionOptions,
  cells: WorkerCells,
  logger: NatsLogger,
  direct: ThreadFilterOptions['direct'],
): PortFilterModule | undefined {
  let cloned: NatsConnectionOptions
  try {
    cloned = structuredClone(connection)
  } catch {
    logger.info(
      'tandem-nats-worker: the connection options hold functions, which threads cannot be given; ' +
        'answers go through the event loop (about 50 µs more per call).',
    )
    return undefined
  }
  const own = import.meta.url.endsWith('.ts') ? './thread.ts' : './thread.js'
  return {
    href: new URL(own, import.meta.url).href,
    options: {
      connection: cloned,
      name: `tandem-nats-worker ${hostname()}:${process.pid} thread`,
      shared: cells.buffer,
      direct,
    } satisfies ThreadFilterOptions,
  }
}
