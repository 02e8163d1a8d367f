import type { NatsConnection } from '@nats-io/transport-node'
import {
  type BlockingInfo,
  InlineScheduler,
  type RemoteExecution,
  type RunOptions,
  type Scheduler,
  type SchedulerStats,
} from '@tandem/core/adapter'
import { isPoolWorker } from '@tandem/core/pool'
import {
  connectNats,
  consoleLogger,
  type NatsConnectionOptions,
  type NatsLogger,
  onStatus,
  serversOf,
} from './connection.ts'
import { submit } from './scheduler/admission.ts'
import { onReply } from './scheduler/answers.ts'
import { discover, onStatus as onConnectionStatus } from './scheduler/liveness.ts'
import { remoteExecution } from './scheduler/remote.ts'
import { closeScheduler, terminateScheduler } from './scheduler/shutdown.ts'
import { SchedulerState } from './scheduler/state.ts'
import { onHeartbeat, tick } from './scheduler/workers.ts'

export { NoWorkersError } from './scheduler/errors.ts'

// The NATS scheduler: `NatsScheduler`, its options and counters, and `natsScheduler()`. Its policy
// is in parts that share one SchedulerState (scheduler/state.ts): admission.ts (calls entering),
// dispatch.ts (the queue to the workers), answers.ts (what the workers answer), workers.ts (the
// worker table: heartbeats, lost workers), liveness.ts (pings and pongs, the connection to NATS,
// stale workers), remote.ts (a request's steps) and shutdown.ts (close, terminate).

/** Options of `natsScheduler`: where NATS is, and the pool settings its calls keep. */
export type NatsSchedulerOptions = NatsConnectionOptions & {
  /** The subject prefix its workers listen under (default `tandem`): one per app (or fleet). */
  subject?: string
  /** Calls waiting for a free worker thread before new ones answer 503 (default 1024). */
  maxQueue?: number
  /** Milliseconds a call may run on its worker before it answers 504 and its thread is replaced (0, the default: none). */
  timeout?: number
  /** Milliseconds without a heartbeat after which a worker counts as lost (default: 3 of its heartbeats). */
  lostAfter?: number
  /** Milliseconds to wait at start for workers to answer (default 150). */
  discover?: number
  /** Where the scheduler logs lost workers and connections (default: the console). */
  logger?: NatsLogger
}

/** One remote worker, as the scheduler sees it. */
export interface RemoteWorkerStats {
  id: string
  host: string
  pid: number
  runtime: string
  /** Threads it runs calls on. */
  capacity: number
  /** Calls running and waiting on it, from every scheduler (as of its last heartbeat). */
  busy: number
  queued: number
  /** This scheduler's calls on it now. */
  mine: number
  draining: boolean
}

/** `stats()` of a NATS scheduler: the counters of every scheduler, and its compatible workers. */
export interface NatsSchedulerStats extends SchedulerStats {
  workers: RemoteWorkerStats[]
  /** Workers on the subject whose blocking functions (or runtime) differ: they get none of its calls. */
  incompatible: number
}

/**
 * A `Scheduler` whose blocking functions run on worker processes that take calls over NATS
 * (`tandem-nats-worker`, `runNatsWorker`), on this machine or others. The semantics are the thread
 * pool's: a bounded FIFO queue (503 beyond `maxQueue`), request affinity (a request's blocking steps
 * run on one worker, which keeps its values), `timeout` (504), abort, crash isolation; and no
 * compatible worker answers 503 at once. Made by `natsScheduler()`.
 *
 * @example
 * const scheduler = await natsScheduler({ servers: 'nats://127.0.0.1:4222' })
 * await serve(app, { scheduler })
 */
export class NatsScheduler implements Scheduler {
  readonly name = 'nats'
  readonly remote: RemoteExecution
  /** The subject prefix of its workers. */
  readonly subject: string
  readonly #state: SchedulerState

  /** Use `natsScheduler()`, which connects first. */
  constructor(nc: NatsConnection, options: NatsSchedulerOptions) {
    this.subject = options.subject ?? 'tandem'
    const maxQueue = options.maxQueue ?? 1024
    const timeout = options.timeout ?? 0
    if (!Number.isInteger(maxQueue) || maxQueue < 0) {
      throw new TypeError(`maxQueue must be a whole number, 0 or more (got ${maxQueue}).`)
    }
    if (!(timeout >= 0)) {
      throw new TypeError(`timeout must be a number of milliseconds, 0 for none (got ${timeout}).`)
    }
    const state = new SchedulerState(nc, {
      subject: this.subject,
      maxQueue,
      timeout,
      lostAfter: options.lostAfter,
      logger: options.logger ?? consoleLogger,
    })
    this.#state = state
    state.subscriptions.push(
      nc.subscribe(`${state.inbox}.*`, { callback: (_error, msg) => onReply(state, msg) }),
      nc.subscribe(`${this.subject}.hb`, { callback: (_error, msg) => onHeartbeat(state, msg) }),
    )
    onStatus(nc, (status) => onConnectionStatus(state, status.type))
    state.timer = setInterval(() => tick(state), 500)
    ;(state.timer as { unref?: () => void }).unref?.()
    this.remote = remoteExecution(state)
  }

  /** Asks every worker on the subject to announce itself now. */
  discover(): void {
    discover(this.#state)
  }

  /**
   * Resolves once `count` compatible workers are connected; rejects after `timeout` ms (default
   * 10 000) saying how many there are.
   *
   * @example
   * const scheduler = await natsScheduler({ servers })
   * await scheduler.waitForWorkers(2) // before taking traffic
   */
  waitForWorkers(count = 1, timeout = 10_000): Promise<void> {
    const state = this.#state
    if (state.compatible().length >= count) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = () => {
        if (state.compatible().length < count) return
        clearTimeout(timer)
        state.waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        state.waiters.delete(check)
        reject(
          new Error(
            `Waited ${timeout} ms for ${count} NATS worker(s) on subject "${this.subject}" and saw ` +
              `${state.compatible().length} compatible, ${state.others.size} incompatible. Start them with ` +
              'tandem-nats-worker <entry> --servers <url>.',
          ),
        )
      }, timeout)
      state.waiters.add(check)
      this.discover()
    })
  }

  run(info: BlockingInfo, args: unknown[], options: RunOptions = {}): Promise<unknown> {
    const state = this.#state
    const label = `blocking function "${info.name}"`
    const request =
      options.request !== undefined && state.requests.has(options.request) ? options.request : undefined
    return submit(state, 'call', label, request, options.signal, (id) => ({
      t: 'call',
      id,
      s: state.id,
      key: state.compatibilityKey(),
      fn: info.id,
      args,
      timeout: options.timeout ?? state.timeout,
      ...(request === undefined ? {} : { request }),
    }))
  }

  describe(): string {
    const state = this.#state
    const workers = state.compatible()
    const threads = state.threads()
    const others = state.others.size
    return (
      `nats (${state.serverUrl()}, subject ${this.subject}): ${workers.length} compatible worker` +
      `${workers.length === 1 ? '' : 's'} (${threads} thread${threads === 1 ? '' : 's'})` +
      (others > 0 ? `, ${others} incompatible (other blocking functions, runtime or version)` : '')
    )
  }

  stats(): NatsSchedulerStats {
    const state = this.#state
    const workers = state.compatible()
    let busy = 0
    for (const worker of workers) busy += state.load(worker)
    return {
      size: workers.reduce((sum, worker) => sum + worker.heartbeat.capacity, 0),
      busy,
      queued: state.queue.length,
      completed: state.completed,
      failed: state.failed,
      incompatible: state.others.size,
      workers: workers.map((worker) => ({
        id: worker.id,
        host: worker.heartbeat.host,
        pid: worker.heartbeat.pid,
        runtime: worker.heartbeat.runtime,
        capacity: worker.heartbeat.capacity,
        busy: worker.heartbeat.busy,
        queued: worker.heartbeat.queued,
        mine: state.load(worker),
        draining: worker.heartbeat.draining === true,
      })),
    }
  }

  /** Lets queued and running calls finish, then leaves NATS. */
  close(): Promise<void> {
    return closeScheduler(this.#state)
  }

  /** Stops now: queued calls fail, running ones are told to abort and fail with `PoolClosedError`. */
  terminate(): Promise<void> {
    return terminateScheduler(this.#state)
  }
}

/**
 * The scheduler `natsScheduler()` gives where nothing will be served (a pool thread or NATS worker
 * loading the entry, `tandem routes`): blocking functions run in place, nothing connects, and
 * `waitForWorkers()` resolves at once, so an entry's top-level code runs unchanged.
 */
function inertScheduler(subject: string): NatsScheduler {
  const inline = new InlineScheduler()
  return Object.assign(inline, {
    subject,
    discover() {},
    waitForWorkers: () => Promise.resolve(),
    describe: () => `nats (not connected here: subject ${subject})`,
  }) as unknown as NatsScheduler
}

/**
 * Connects to NATS and returns a `Scheduler` whose blocking functions run on NATS workers
 * (`tandem-nats-worker <entry> --servers <url>`), after a short discovery of the workers there.
 * Inside a pool worker or a NATS worker (which load the same entry) it connects to nothing:
 * blocking functions run in place there.
 *
 * @example
 * import { serve } from '@tandem/node'
 * import { natsScheduler } from '@tandem/nats'
 * await serve(app, { scheduler: await natsScheduler({ servers: 'nats://127.0.0.1:4222', timeout: 5_000 }) })
 */
export async function natsScheduler(options: NatsSchedulerOptions): Promise<NatsScheduler> {
  if (isPoolWorker() || (globalThis as Record<symbol, unknown>)[Symbol.for('tandem.offline')] === true) {
    return inertScheduler(options.subject ?? 'tandem')
  }
  const nc = await connectNats(options, `tandem-scheduler ${serversOf(options)}`)
  const scheduler = new NatsScheduler(nc, options)
  scheduler.discover()
  await nc.flush()
  await new Promise((resolve) => setTimeout(resolve, options.discover ?? 150))
  return scheduler
}
