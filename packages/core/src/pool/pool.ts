import type { BlockingInfo } from '../execution/blocking.ts'
import type { RemoteExecution, RunOptions, Scheduler, SchedulerStats } from '../execution/scheduler.ts'
import { Admission } from './admission.ts'
import { Answers } from './answers.ts'
import { Dispatcher } from './dispatch.ts'
import { Faults } from './faults.ts'
import { WorkerLifecycle } from './lifecycle.ts'
import type { PoolOptions } from './pool-types.ts'
import { remoteExecution } from './remote.ts'
import { closePool, terminatePool } from './shutdown.ts'
import { PoolState } from './state.ts'
import { checkedLimit, TimeLimits } from './time-limit.ts'
import type { TransportFactory } from './transport.ts'

function checkOptions(options: PoolOptions): void {
  if (!Number.isInteger(options.size) || options.size < 1) {
    throw new TypeError(`pool.size must be a whole number of workers, at least 1 (got ${options.size}).`)
  }
  if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) {
    throw new TypeError(`pool.maxQueue must be a whole number, 0 or more (got ${options.maxQueue}).`)
  }
  if (!(options.timeout >= 0)) {
    throw new TypeError(`pool.timeout must be a number of milliseconds, 0 for none (got ${options.timeout}).`)
  }
}

/**
 * A pool of worker threads running blocking functions: a bounded FIFO queue shared by all callers,
 * request affinity (a request's blocking steps share a worker), time limits, crash recovery and a
 * graceful close. Runtime-agnostic: adapters give it a `TransportFactory` over their runtime's threads.
 *
 * Its policy is in parts that share one `PoolState`: admission.ts (calls entering the queue),
 * dispatch.ts (the queue to the workers), lifecycle.ts (starting workers, routing what they say),
 * answers.ts, time-limit.ts and faults.ts (time limits, lost workers), remote.ts and shutdown.ts.
 *
 * @example
 * const pool = new ThreadPool(nodeTransport(entry), { size: 4, maxQueue: 1024, timeout: 0 })
 * await pool.start()
 * setScheduler(pool)
 */
export class ThreadPool implements Scheduler {
  readonly name: string
  readonly options: Readonly<PoolOptions>
  readonly remote: RemoteExecution
  readonly #state: PoolState
  readonly #admission: Admission
  readonly #workers: WorkerLifecycle
  readonly #faults: Faults

  constructor(factory: TransportFactory, options: PoolOptions) {
    checkOptions(options)
    this.options = options
    this.name = options.name ?? 'thread-pool'
    const state = new PoolState(options)
    const limits = new TimeLimits((link, task) => faults.timedOut(link, task))
    const dispatch = new Dispatcher(state, limits)
    const answers = new Answers(state, dispatch)
    const workers = new WorkerLifecycle(state, factory, dispatch, answers, (link, reason) =>
      faults.lose(link, reason),
    )
    const faults = new Faults(state, dispatch, workers)
    this.#faults = faults
    this.#state = state
    this.#admission = new Admission(state, dispatch)
    this.#workers = workers
    this.remote = remoteExecution(state, this.#admission, dispatch)
  }

  /** Starts every worker and checks that each registered the same blocking functions. */
  start(): Promise<void> {
    return this.#workers.start()
  }

  run(info: BlockingInfo, args: unknown[], options: RunOptions = {}): Promise<unknown> {
    // A utility called while serving a request goes to that request's worker, if it has one
    // (which it may hold: sent elsewhere, it would wait for it).
    const request =
      options.request !== undefined && this.#state.requests.linkOf(options.request)
        ? options.request
        : undefined
    return this.#admission.submit(
      options.replyTo === undefined
        ? { type: 'call', fn: info.id, args }
        : { type: 'call', fn: info.id, args, replyTo: options.replyTo },
      `blocking function "${info.name}"`,
      request,
      options.signal,
      options.transfer,
      false,
      true,
      options.timeout === undefined ? undefined : checkedLimit(options.timeout),
    )
  }

  stats(): SchedulerStats {
    return this.#state.stats()
  }

  /**
   * Stops worker number `index` and starts another in its place, as a time limit does: of its calls,
   * those it started fail with `WorkerCrashedError` (`reason` says why), the others run elsewhere.
   * For adapters whose threads run calls the pool did not send (`PortFilterHost.run`) and that
   * watch those calls' time limits themselves. False if there is no such worker running.
   *
   * @example
   * if (overdue) pool.replaceWorker(thread, 'blocking function "resize" ran past the 5000 ms timeout')
   */
  replaceWorker(index: number, reason: string): boolean {
    const link = this.#state.links[index]
    const phase = this.#state.phase
    if (!link || link.slot.dead || (phase !== 'running' && phase !== 'closing')) return false
    this.#faults.lose(link, reason, true)
    return true
  }

  /** Lets queued and running calls finish, then stops every worker. */
  close(): Promise<void> {
    return closePool(this.#state)
  }

  /** Stops every worker now; running and queued calls fail with `PoolClosedError`. */
  terminate(): Promise<void> {
    return terminatePool(this.#state)
  }
}
