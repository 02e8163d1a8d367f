import { PoolClosedError, PoolQueueFullError, PoolTimeoutError, WorkerCrashedError } from '../errors.ts'
import { type BlockingInfo, blockingFingerprint, sealBlockingRegistry } from '../execution/blocking.ts'
import type {
  ContextSnapshot,
  RemoteExecution,
  RemoteResult,
  RunOptions,
  Scheduler,
  SchedulerStats,
} from '../execution/scheduler.ts'
import { RequestAffinity } from './affinity.ts'
import { deserializeError, type SerializedError, serializeError, UNCLONEABLE_RESULT } from './errors-wire.ts'
import { overdueCall, sortLostCalls } from './marks.ts'
import type { PoolOptions } from './pool-types.ts'
import { callMemory, clockNow, type FromWorker } from './protocol.ts'
import { Slot } from './slot.ts'
import type { Task } from './task.ts'
import type { TransportFactory } from './transport.ts'

/** How long the answers a lost worker had posted may take to arrive after it stopped (ms). */
const ANSWER_GRACE = 1000

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

function fingerprintMismatch(index: number, main: string[], worker: string[]): Error {
  const length = Math.max(main.length, worker.length)
  for (let i = 0; i < length; i++) {
    if (main[i] !== worker[i]) {
      return new Error(
        `Worker ${index} registered different blocking functions than the main thread: blocking function #${i} is ` +
          `${main[i] ? `"${main[i]}"` : 'missing'} on the main thread but ${worker[i] ? `"${worker[i]}"` : 'missing'} ` +
          'in the worker. Call blocking() at module top level, unconditionally, in the same order on every thread ' +
          '(workers load the entry module: check serve({ entry })).',
      )
    }
  }
  return new Error(`Worker ${index} reported a different blocking-function fingerprint.`)
}

/**
 * A pool of worker threads running blocking functions: a bounded FIFO queue shared by all callers,
 * request affinity (a request's blocking steps share a worker), time limits, crash recovery and a
 * graceful close. Runtime-agnostic: adapters give it a `TransportFactory` over their runtime's threads.
 *
 * @example
 * const pool = new ThreadPool(nodeTransportFactory(entry), { size: 4, maxQueue: 1024, timeout: 0 })
 * await pool.start()
 * setScheduler(pool)
 */
export class ThreadPool implements Scheduler {
  readonly name: string
  readonly options: Readonly<PoolOptions>
  readonly remote: RemoteExecution
  readonly #factory: TransportFactory
  readonly #slots: Slot[] = []
  readonly #queue: Task[] = []
  #queueHead = 0
  readonly #tasks = new Map<number, Task>()
  readonly #requests = new RequestAffinity()
  /** Workers lost with answers posted but not received yet: their calls wait for them a moment. */
  readonly #dying = new Set<Slot>()
  #nextId = 1
  #nextRequest = 1
  #completed = 0
  #failed = 0
  #state: 'new' | 'starting' | 'running' | 'closing' | 'closed' = 'new'
  #idle: (() => void) | undefined
  #started: { resolve: () => void; reject: (error: unknown) => void } | undefined

  constructor(factory: TransportFactory, options: PoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new TypeError(`pool.size must be a whole number of workers, at least 1 (got ${options.size}).`)
    }
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) {
      throw new TypeError(`pool.maxQueue must be a whole number, 0 or more (got ${options.maxQueue}).`)
    }
    if (!(options.timeout >= 0)) {
      throw new TypeError(
        `pool.timeout must be a number of milliseconds, 0 for none (got ${options.timeout}).`,
      )
    }
    this.#factory = factory
    this.options = options
    this.name = options.name ?? 'thread-pool'
    this.remote = {
      newRequest: () => this.#nextRequest++,
      context: (info, request, ctx, opts) => this.#context(info, request, ctx, opts),
      fetch: (request, ref) =>
        this.#direct(request, { type: 'fetch', request, ref }, `a value of request ${request}`).then(
          (r) => r.value,
        ),
      exit: (request, exit, raised) =>
        this.#direct(
          request,
          { type: 'exit', request, exit, ...(raised ? { error: serializeError(raised.error) } : {}) },
          'a cleanup',
        ).then(
          (r) => {
            this.#exited(request)
            return r.value as 'done' | 'yielded'
          },
          (raised) => {
            this.#exited(request)
            throw raised
          },
        ),
      task: (request, task) =>
        this.#direct(request, { type: 'task', request, task }, 'a background task').then(() => undefined),
      release: (request) => this.#release(request),
    }
  }

  /** Starts every worker and checks that each registered the same blocking functions. */
  start(): Promise<void> {
    if (this.#state !== 'new') throw new Error('The pool was started already.')
    this.#state = 'starting'
    return new Promise<void>((resolve, reject) => {
      this.#started = { resolve, reject }
      for (let i = 0; i < this.options.size; i++) this.#spawn(i)
    })
  }

  run(info: BlockingInfo, args: unknown[], options: RunOptions = {}): Promise<unknown> {
    // A utility called while serving a request goes to that request's worker, if it has one
    // (which it may hold: sent elsewhere, it would wait for it).
    const request =
      options.request !== undefined && this.#requests.slotOf(options.request) ? options.request : undefined
    return this.#submit(
      { type: 'call', fn: info.id, args },
      `blocking function "${info.name}"`,
      request,
      options.signal,
      options.transfer,
      false,
      true,
    )
  }

  stats(): SchedulerStats {
    let busy = 0
    for (const slot of this.#slots) if (slot.inflight.length > 0) busy++
    return {
      size: this.options.size,
      busy,
      queued: this.#waiting(),
      completed: this.#completed,
      failed: this.#failed,
    }
  }

  /** Calls waiting: in the queue, for their request's worker, or sent ahead behind a running call. */
  #waiting(): number {
    let waiting = this.#queue.length - this.#queueHead
    for (const slot of this.#slots) {
      waiting += slot.local.length
      if (slot.inflight.length > 1) waiting += slot.inflight.length - 1
    }
    return waiting
  }

  /** Lets queued and running calls finish, then stops every worker. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return
    if (this.#state !== 'closing') {
      this.#state = 'closing'
      if (!this.#isIdle()) await new Promise<void>((resolve) => (this.#idle = resolve))
    }
    this.#state = 'closed'
    // Each worker runs the app's lifespan teardown (5 s at most), then stops.
    await Promise.allSettled(
      this.#slots.map(async (slot) => {
        if (!slot.dead && slot.ready) {
          await new Promise<void>((resolve) => {
            slot.onClosed = resolve
            const timer = setTimeout(resolve, 5000)
            ;(timer as { unref?: () => void }).unref?.()
            try {
              slot.handle.send({ type: 'close' })
            } catch {
              resolve()
            }
          })
        }
        slot.dead = true
        return slot.handle.terminate()
      }),
    )
  }

  /** Stops every worker now; running and queued calls fail with `PoolClosedError`. */
  async terminate(): Promise<void> {
    this.#state = 'closed'
    const stop = (task: Task) => {
      this.#settle(task)
      task.reject(new PoolClosedError(task.label, 'the pool was terminated (a shutdown past its deadline)'))
    }
    for (const slot of [...this.#slots, ...this.#dying]) {
      slot.dead = true
      slot.outbox = []
      for (const task of [...slot.inflight, ...slot.local.splice(0)]) stop(task)
    }
    this.#dying.clear()
    for (let i = this.#queueHead; i < this.#queue.length; i++) {
      const task = this.#queue[i]
      if (task) stop(task)
    }
    this.#queue.length = 0
    this.#queueHead = 0
    const idle = this.#idle
    this.#idle = undefined
    idle?.()
    await Promise.allSettled(this.#slots.map((slot) => slot.handle.terminate()))
  }

  #context(
    info: BlockingInfo,
    request: number,
    ctx: ContextSnapshot,
    opts: { keep: boolean; yields: boolean; signal?: AbortSignal; transfer?: Transferable[]; label?: string },
  ): Promise<RemoteResult> {
    return this.#submit(
      { type: 'context', fn: info.id, request, ctx, keep: opts.keep, yields: opts.yields },
      opts.label ?? `blocking function "${info.name}"`,
      request,
      opts.signal,
      opts.transfer,
      opts.yields,
    ) as Promise<RemoteResult>
  }

  #submit(
    message: Task['message'],
    label: string,
    request: number | undefined,
    signal: AbortSignal | undefined,
    transfer: Transferable[] | undefined,
    holds: boolean,
    valueOnly = false,
  ): Promise<RemoteResult> {
    if (this.#state === 'closed') return Promise.reject(new PoolClosedError(label))
    if (this.#state === 'new') {
      return Promise.reject(
        new Error(`${label} was called before the pool started: await pool.start() first.`),
      )
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    if (request !== undefined && this.#requests.isLost(request)) {
      return Promise.reject(new WorkerCrashedError(label, 'it held this request’s values'))
    }
    const bound = request === undefined ? undefined : this.#requests.slotOf(request)
    const waiting = this.#waiting()
    const startsNow = waiting === 0 && this.#slots.some((s) => s.acceptsShared && s.inflight.length === 0)
    if (!bound && !startsNow && waiting >= this.options.maxQueue) {
      const perCall = Math.max(this.#averageTook(), 1)
      const wait = (waiting * perCall) / this.options.size / 1000
      return Promise.reject(new PoolQueueFullError(label, this.options.maxQueue, wait))
    }
    return new Promise<RemoteResult>((resolve, reject) => {
      const task = this.#task({
        message,
        label,
        request,
        // A plain call resolves with its value (no second promise to unwrap it: one turn less).
        resolve: valueOnly ? (result) => resolve(result.value as RemoteResult) : resolve,
        reject,
        signal,
        transfer,
        direct: false,
        holds,
      })
      if (signal) {
        task.onAbort = () => this.#abort(task)
        signal.addEventListener('abort', task.onAbort, { once: true })
      }
      if (bound) bound.local.push(task)
      else this.#queue.push(task)
      this.#pump()
    })
  }

  #task(
    fields: Pick<Task, 'message' | 'label' | 'request' | 'resolve' | 'reject' | 'direct' | 'holds'> &
      Partial<Pick<Task, 'signal' | 'transfer'>>,
  ): Task {
    return {
      signal: undefined,
      transfer: undefined,
      ...fields,
      id: this.#nextId++,
      onAbort: undefined,
      slot: undefined,
      flag: -1,
      sentAt: 0,
    }
  }

  /** Sends a bookkeeping message straight to the request's worker: it never waits for a free slot. */
  #direct(request: number, message: Task['message'], label: string): Promise<RemoteResult> {
    const slot = this.#requests.slotOf(request)
    if (!slot || slot.dead) {
      return Promise.reject(new WorkerCrashedError(label, 'the worker holding this request is gone'))
    }
    return new Promise<RemoteResult>((resolve, reject) => {
      const task = this.#task({ message, label, request, resolve, reject, direct: true, holds: false })
      this.#send(slot, task)
    })
  }

  #pump(): void {
    this.#pumpLocal()
    while (this.#queueHead < this.#queue.length) {
      const task = this.#queue[this.#queueHead]!
      const bound = task.request === undefined ? undefined : this.#requests.slotOf(task.request)
      if (bound) {
        // Another call of the same request was bound meanwhile: this one follows it to its worker.
        this.#queue[this.#queueHead++] = undefined as never
        bound.local.push(task)
        continue
      }
      let best: Slot | undefined
      for (const slot of this.#slots) {
        if (slot.acceptsShared && (!best || slot.inflight.length < best.inflight.length)) best = slot
      }
      if (!best) break
      this.#queue[this.#queueHead++] = undefined as never
      if (task.request !== undefined) this.#requests.bind(task.request, best)
      this.#send(best, task)
    }
    this.#pumpLocal()
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#queueHead)
      this.#queueHead = 0
    }
    if (this.#state === 'closing' && this.#idle && this.#isIdle()) {
      const idle = this.#idle
      this.#idle = undefined
      idle()
    }
  }

  #pumpLocal(): void {
    for (const slot of this.#slots) {
      if (!slot.ready || slot.dead) continue
      while (slot.local.length > 0 && slot.inflight.length < slot.depth) this.#send(slot, slot.local.shift()!)
    }
  }

  #send(slot: Slot, task: Task): void {
    // A blocking yield dependency holds its worker from the moment it is sent: nothing of another
    // request is queued behind it there until its cleanup has run.
    if (task.holds && task.request !== undefined) slot.heldBy = task.request
    task.slot = slot
    task.flag = slot.takeFlag()
    if (task.flag < 0) task.sentAt = clockNow()
    slot.inflight.push(task)
    this.#tasks.set(task.id, task)
    // No call can run past the limit before `timeout` from now: it has not started yet.
    if (this.options.timeout > 0 && !slot.timer) this.#checkTimeAfter(slot, this.options.timeout)
    const message = task.message as Task['message'] & { id: number; flag: number }
    message.id = task.id
    message.flag = task.flag
    if (task.transfer) {
      this.#flush(slot)
      this.#post(slot, task)
      return
    }
    slot.outbox.push(task)
    if (slot.outbox.length === 1) queueMicrotask(() => this.#flush(slot))
  }

  /** Posts the calls sent this turn: one message for all of them (per-message costs dominate small calls). */
  #flush(slot: Slot): void {
    const tasks = slot.outbox
    if (tasks.length === 0 || slot.dead) return
    slot.outbox = []
    if (tasks.length === 1) {
      this.#post(slot, tasks[0]!)
      return
    }
    try {
      slot.handle.send({ type: 'batch', messages: tasks.map((task) => task.message) } as never)
    } catch {
      // One of them cannot be cloned: post them one by one, so only that one fails.
      for (const task of tasks) this.#post(slot, task)
    }
  }

  #post(slot: Slot, task: Task): void {
    try {
      slot.handle.send(task.message as never, task.transfer)
    } catch (error) {
      this.#settle(task)
      task.reject(
        new TypeError(
          `${task.label}: its arguments cannot be sent to a worker (${(error as Error).message}). ` +
            'Values crossing to the pool are structured-cloned: pass plain data, arrays, Maps, Dates, ArrayBuffers.',
        ),
      )
    }
  }

  /** Removes a task from its worker's list. */
  #settle(task: Task): void {
    const slot = task.slot
    this.#tasks.delete(task.id)
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort)
    if (!slot) return
    const index = slot.inflight.indexOf(task)
    if (index !== -1) slot.inflight.splice(index, 1)
    slot.freeFlag(task.flag)
    if (slot.inflight.length === 0 && slot.timer) {
      clearTimeout(slot.timer)
      slot.timer = undefined
    }
  }

  #onMessage(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        this.#ready(slot, message.fingerprint)
        return
      case 'startup-error':
        this.#startupFailed(slot, deserializeError(message.error))
        return
      case 'closed':
        slot.onClosed?.()
        return
      case 'result':
      case 'error': {
        const task = this.#tasks.get(message.id)
        if (!task) return
        this.#settle(task)
        if (slot.dead && this.#keptOnLostWorker(task)) {
          if (!task.direct) this.#failed++
          task.reject(
            new WorkerCrashedError(task.label, 'its worker died with the value it kept for this request'),
          )
          this.#pump()
          return
        }
        slot.recordTook(message.took)
        const counts = !task.direct
        if (task.request !== undefined) this.#requests.anchor(task.request)
        if (message.type === 'result') {
          if (counts) this.#completed++
          if (task.holds && task.request !== undefined) this.#requests.hold(task.request)
          task.resolve(message)
        } else {
          if (counts) this.#failed++
          if (task.holds && task.request !== undefined) this.#requests.failedToHold(task.request, slot)
          const error = deserializeError(message.error as SerializedError)
          if (error instanceof Error && (error as { code?: unknown }).code === UNCLONEABLE_RESULT) {
            error.message = error.message.replace('The result', `The result of ${task.label}`)
          }
          task.reject(error)
        }
        this.#pump()
      }
    }
  }

  /** A call whose answer refers to values kept on its worker, for a request lost with that worker. */
  #keptOnLostWorker(task: Task): boolean {
    if (task.request === undefined || !this.#requests.isLost(task.request)) return false
    return task.holds || (task.message as { keep?: boolean }).keep === true || task.message.type === 'fetch'
  }

  #ready(slot: Slot, fingerprint: string[]): void {
    const main = blockingFingerprint()
    if (fingerprint.join('\n') !== main.join('\n')) {
      this.#startupFailed(slot, fingerprintMismatch(slot.index, main, fingerprint))
      return
    }
    slot.ready = true
    if (this.#state === 'starting' && this.#slots.every((s) => s.ready)) {
      this.#state = 'running'
      sealBlockingRegistry('the worker pool')
      this.#started?.resolve()
      this.#started = undefined
    }
    this.#pump()
  }

  #startupFailed(slot: Slot, error: unknown): void {
    slot.dead = true
    void slot.handle.terminate()
    if (this.#state === 'starting') {
      this.#state = 'closed'
      for (const other of this.#slots) {
        other.dead = true
        void other.handle.terminate()
      }
      this.#started?.reject(error)
      this.#started = undefined
      return
    }
    this.options.logger?.error(
      `A replacement pool worker (${slot.index}) failed to start; retrying in 1 s.`,
      error,
    )
    const timer = setTimeout(() => {
      if (this.#state === 'running' || this.#state === 'closing') this.#spawn(slot.index)
    }, 1000)
    ;(timer as { unref?: () => void }).unref?.()
  }

  #spawn(index: number): Slot {
    const flags = callMemory()
    const handle = this.#factory({ index, flags })
    const slot = new Slot(index, handle, flags)
    this.#slots[index] = slot
    handle.onReceive((message) => this.#onMessage(slot, message))
    handle.onExit((reason) => {
      if (!slot.dead) this.#lose(slot, reason)
    })
    return slot
  }

  #checkTimeAfter(slot: Slot, ms: number): void {
    slot.timer = setTimeout(() => {
      slot.timer = undefined
      this.#checkTime(slot)
    }, ms)
    ;(slot.timer as { unref?: () => void }).unref?.()
  }

  /**
   * The time limit, per call, from the moment the worker started it (as it marked it in shared
   * memory, so a call sent ahead waits unclocked, and an answer in transit is not mistaken for a
   * call still running): the call that ran past it fails with PoolTimeoutError and its worker is
   * replaced. Otherwise the check comes back at the soonest deadline.
   */
  #checkTime(slot: Slot): void {
    if (slot.dead || slot.inflight.length === 0) return
    const limit = this.options.timeout
    const overdue = overdueCall(slot, limit, clockNow())
    if (typeof overdue === 'number') {
      this.#checkTimeAfter(slot, overdue)
      return
    }
    this.#settle(overdue)
    this.#failed++
    overdue.reject(new PoolTimeoutError(overdue.label, limit))
    this.#lose(slot, `${overdue.label} ran past the ${limit} ms timeout`, true)
  }

  /**
   * A worker is gone (crashed, or stopped after a timeout). What each of its calls gets depends on
   * what the worker itself marked, not on messages in transit: a call it started and did not answer
   * fails with WorkerCrashedError and is never run again (at most once); a call it answered keeps its
   * answer, which is on its way; a call it never started runs on another worker, unless its request's
   * values were on this one. Its requests' values are lost, and a replacement starts.
   */
  #lose(slot: Slot, reason: string, stopped = false): void {
    if (slot.dead) return
    slot.dead = true
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = undefined
    slot.outbox = []
    if (this.#state === 'starting') {
      void slot.handle.terminate()
      this.#startupFailed(slot, new Error(`Pool worker ${slot.index} died while starting: ${reason}`))
      return
    }
    if (!stopped) this.options.logger?.error(`Pool worker ${slot.index} died (${reason}); replacing it.`)
    else this.options.logger?.warn(`Pool worker ${slot.index} was stopped (${reason}); replacing it.`)
    const crashed = (task: Task, why = reason) => {
      this.#settle(task)
      if (!task.direct) this.#failed++
      task.reject(new WorkerCrashedError(task.label, why))
    }
    const lost = sortLostCalls(slot, (request) => this.#requests.isAnchored(request))
    slot.local.length = 0
    for (const task of lost.ran) crashed(task)
    for (const task of lost.stranded) crashed(task, `${reason}; it held this request’s values`)
    for (const task of lost.movable) {
      this.#settle(task)
      task.slot = undefined
      task.flag = -1
      if (task.signal && task.onAbort) task.signal.addEventListener('abort', task.onAbort, { once: true })
    }
    this.#requests.workerLost(slot, lost.requests)
    if (lost.answered.length > 0) this.#awaitAnswers(slot, lost.answered)
    else void slot.handle.terminate()
    this.#queue.splice(this.#queueHead, 0, ...lost.movable)
    if (this.#state === 'running' || this.#state === 'closing') this.#spawn(slot.index)
    this.#pump()
  }

  /**
   * Calls a lost worker had answered: their answers were posted before it went, and arrive (Node
   * delivers a worker's messages before its exit). Any still missing after the worker is stopped
   * and a grace period fails with WorkerCrashedError, never runs again.
   */
  #awaitAnswers(slot: Slot, answered: Task[]): void {
    this.#dying.add(slot)
    const giveUp = () => {
      this.#dying.delete(slot)
      for (const task of answered) {
        if (!this.#tasks.has(task.id)) continue
        this.#settle(task)
        if (!task.direct) this.#failed++
        task.reject(
          new WorkerCrashedError(task.label, `its worker finished it but died before the answer arrived`),
        )
      }
      this.#pump()
    }
    void slot.handle.terminate().then(() => {
      const timer = setTimeout(giveUp, ANSWER_GRACE)
      ;(timer as { unref?: () => void }).unref?.()
    })
  }

  #abort(task: Task): void {
    const reason = abortReason(task.signal!)
    if (!task.slot) {
      const index = this.#queue.indexOf(task, this.#queueHead)
      if (index !== -1) this.#queue.splice(index, 1)
      for (const slot of this.#slots) {
        const local = slot.local.indexOf(task)
        if (local !== -1) slot.local.splice(local, 1)
      }
      task.reject(reason)
      this.#pump()
      return
    }
    if (task.flag >= 0) Atomics.store(task.slot.cells.aborts, task.flag, 1)
    try {
      task.slot.handle.send({ type: 'abort', id: task.id })
    } catch {
      // The worker is gone; its exit handler fails the task.
    }
  }

  #exited(request: number): void {
    this.#requests.exited(request)
    this.#pump()
  }

  #release(request: number): void {
    const slot = this.#requests.release(request)
    if (slot && !slot.dead) {
      try {
        slot.handle.send({ type: 'release', request })
      } catch {
        // The worker is gone.
      }
    }
    this.#pump()
  }

  #averageTook(): number {
    let sum = 0
    let n = 0
    for (const slot of this.#slots) {
      if (slot.averageTook >= 0) {
        sum += slot.averageTook
        n++
      }
    }
    return n === 0 ? 0 : sum / n
  }

  #isIdle(): boolean {
    if (this.#queue.length > this.#queueHead) return false
    for (const slot of this.#dying) if (slot.inflight.length > 0) return false
    return this.#slots.every((slot) => slot.dead || (slot.inflight.length === 0 && slot.local.length === 0))
  }
}
