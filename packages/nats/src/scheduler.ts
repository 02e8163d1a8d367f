import { type Msg, type NatsConnection, nuid, type Subscription } from '@nats-io/transport-node'
import {
  HTTPException,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  WorkerCrashedError,
} from '@tandem/core'
import {
  type BlockingInfo,
  blockingFingerprint,
  blockingRegistry,
  InlineScheduler,
  type RemoteExecution,
  type RemoteResult,
  type RunOptions,
  type Scheduler,
  type SchedulerStats,
} from '@tandem/core/adapter'
import { deserializeError, isPoolWorker, serializeError } from '@tandem/core/pool'
import {
  connectNats,
  consoleLogger,
  type NatsConnectionOptions,
  type NatsLogger,
  onStatus,
  serversOf,
} from './connection.ts'
import {
  compatibilityKey,
  decode,
  encode,
  type FromWorker,
  type Heartbeat,
  type ToWorker,
  tooBig,
} from './wire.ts'

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

interface Worker {
  id: string
  heartbeat: Heartbeat
  seen: number
  /** This scheduler's calls and steps sent to it and not answered. */
  inflight: Set<Call>
  /** Open blocking yield dependencies of this scheduler's requests (each holds a thread). */
  held: number
  /** It said busy: no new request goes to it before this time (ms), or until a call of ours ends there. */
  retryAt: number
  /** When it was sent a ping whose answer has not come (0: none). */
  pingedAt: number
  /**
   * Cut off with us (our connection to NATS went down): it gets nothing until it announces itself
   * again after our reconnect, so that a message is never sent before its subscription is back.
   */
  stale: boolean
  /** Calls of requests bound to it, held while it is stale (sent once it is back, failed if lost). */
  parked: Call[]
}

type Kind = 'call' | 'ctx' | 'step' | 'ping'

interface Call {
  id: number
  kind: Kind
  label: string
  message: ToWorker
  data: Uint8Array
  request: number | undefined
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
  worker: Worker | undefined
  /** The request was bound to its worker by this call (undone if the worker says busy). */
  binds: boolean
  /** When it was sent, in this scheduler's order of sending (ids are given when calls are made). */
  seq: number
  /** A pong did not list it: one more that does not means its answer was lost. */
  unlisted?: boolean
}

const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')

/** How long queued calls wait for a compatible worker when none takes calls (all lost or draining). */
const NO_WORKERS_GRACE = 5000

/**
 * No compatible worker is connected: answered 503 with `Retry-After`, at once (and for queued
 * calls, once none has come back within 5 s).
 *
 * @example
 * app.exceptionHandler(NoWorkersError, () => Response.json({ detail: 'Kitchen closed' }, { status: 503 }))
 */
export class NoWorkersError extends PoolQueueFullError {
  constructor(label: string, subject: string, others: number) {
    super(label, 0, 1)
    this.name = 'NoWorkersError'
    this.message =
      `No NATS worker runs this app's blocking functions on subject "${subject}", so ${label} was not run` +
      (others > 0
        ? ` (${others} worker${others === 1 ? '' : 's'} there run other blocking functions: another version?)`
        : '') +
      '. Start one: tandem-nats-worker <entry> --servers <url>' +
      (subject === 'tandem' ? '' : ` --subject ${subject}`) +
      '.'
  }
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
  readonly #nc: NatsConnection
  readonly #id = nuid.next()
  readonly #inbox: string
  readonly #maxQueue: number
  readonly #timeout: number
  readonly #lostAfter: number | undefined
  readonly #logger: NatsLogger
  readonly #workers = new Map<string, Worker>()
  /** Workers on the subject with another key, by id: when last seen. */
  readonly #others = new Map<string, number>()
  readonly #queue: Call[] = []
  readonly #calls = new Map<number, Call>()
  readonly #requests = new Map<number, Worker>()
  /** Requests whose worker was lost, with that worker's id (told to release them, should it come back). */
  readonly #lost = new Map<number, string>()
  readonly #subscriptions: Subscription[] = []
  readonly #timer: ReturnType<typeof setInterval>
  readonly #waiters = new Set<() => void>()
  #key: string | undefined
  #keyFor = -1
  #connected = true
  #phase: 'open' | 'closing' | 'closed' = 'open'
  #idle: (() => void) | undefined
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #nextId = 1
  #nextSeq = 1
  #nextRequest = 1
  /** Since when (ms) calls have been queued with no compatible worker taking calls (0: not now). */
  #noWorkersSince = 0
  #completed = 0
  #failed = 0

  /** Use `natsScheduler()`, which connects first. */
  constructor(nc: NatsConnection, options: NatsSchedulerOptions) {
    this.#nc = nc
    this.subject = options.subject ?? 'tandem'
    this.#maxQueue = options.maxQueue ?? 1024
    this.#timeout = options.timeout ?? 0
    this.#lostAfter = options.lostAfter
    this.#logger = options.logger ?? consoleLogger
    if (!Number.isInteger(this.#maxQueue) || this.#maxQueue < 0) {
      throw new TypeError(`maxQueue must be a whole number, 0 or more (got ${this.#maxQueue}).`)
    }
    if (!(this.#timeout >= 0)) {
      throw new TypeError(`timeout must be a number of milliseconds, 0 for none (got ${this.#timeout}).`)
    }
    this.#inbox = `_INBOX.${this.#id}`
    this.#subscriptions.push(
      nc.subscribe(`${this.#inbox}.*`, { callback: (_error, msg) => this.#onReply(msg) }),
      nc.subscribe(`${this.subject}.hb`, { callback: (_error, msg) => this.#onHeartbeat(msg) }),
    )
    onStatus(nc, (status) => this.#onStatus(status.type))
    this.#timer = setInterval(() => this.#tick(), 500)
    ;(this.#timer as { unref?: () => void }).unref?.()
    this.remote = this.#remoteExecution()
  }

  /** Asks every worker on the subject to announce itself now. */
  discover(): void {
    this.#nc.publish(`${this.subject}.discover`)
    this.#beat()
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
    if (this.#compatible().length >= count) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#compatible().length < count) return
        clearTimeout(timer)
        this.#waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(check)
        reject(
          new Error(
            `Waited ${timeout} ms for ${count} NATS worker(s) on subject "${this.subject}" and saw ` +
              `${this.#compatible().length} compatible, ${this.#others.size} incompatible. Start them with ` +
              'tandem-nats-worker <entry> --servers <url>.',
          ),
        )
      }, timeout)
      this.#waiters.add(check)
      this.discover()
    })
  }

  run(info: BlockingInfo, args: unknown[], options: RunOptions = {}): Promise<unknown> {
    const label = `blocking function "${info.name}"`
    const request =
      options.request !== undefined && this.#requests.has(options.request) ? options.request : undefined
    return this.#submit('call', label, request, options.signal, (id) => ({
      t: 'call',
      id,
      s: this.#id,
      key: this.#compatibilityKey(),
      fn: info.id,
      args,
      timeout: options.timeout ?? this.#timeout,
      ...(request === undefined ? {} : { request }),
    }))
  }

  describe(): string {
    const workers = this.#compatible()
    const threads = workers.reduce((sum, worker) => sum + worker.heartbeat.capacity, 0)
    const others = this.#others.size
    return (
      `nats (${this.#serverUrl()}, subject ${this.subject}): ${workers.length} compatible worker` +
      `${workers.length === 1 ? '' : 's'} (${threads} thread${threads === 1 ? '' : 's'})` +
      (others > 0 ? `, ${others} incompatible (other blocking functions, runtime or version)` : '')
    )
  }

  /** The server it is connected to, as a URL (the client gives `host:port`). */
  #serverUrl(): string {
    const server = this.#nc.getServer()
    return server.includes('://') ? server : `nats://${server}`
  }

  stats(): NatsSchedulerStats {
    const workers = this.#compatible()
    let busy = 0
    for (const worker of workers) busy += this.#load(worker)
    return {
      size: workers.reduce((sum, worker) => sum + worker.heartbeat.capacity, 0),
      busy,
      queued: this.#queue.length,
      completed: this.#completed,
      failed: this.#failed,
      incompatible: this.#others.size,
      workers: workers.map((worker) => ({
        id: worker.id,
        host: worker.heartbeat.host,
        pid: worker.heartbeat.pid,
        runtime: worker.heartbeat.runtime,
        capacity: worker.heartbeat.capacity,
        busy: worker.heartbeat.busy,
        queued: worker.heartbeat.queued,
        mine: this.#load(worker),
        draining: worker.heartbeat.draining === true,
      })),
    }
  }

  /** Lets queued and running calls finish, then leaves NATS. */
  async close(): Promise<void> {
    if (this.#phase === 'open') this.#phase = 'closing'
    if (!this.#isIdle() && this.#phase === 'closing') {
      await new Promise<void>((resolve) => {
        const previous = this.#idle
        this.#idle = () => {
          previous?.()
          resolve()
        }
      })
    }
    await this.#leave()
  }

  /** Stops now: queued calls fail, running ones are told to abort and fail with `PoolClosedError`. */
  async terminate(): Promise<void> {
    this.#phase = 'closed'
    const waiting = this.#queue.splice(0)
    for (const worker of this.#workers.values()) waiting.push(...worker.parked.splice(0))
    for (const call of waiting) {
      this.#forget(call)
      call.reject(new PoolClosedError(call.label, 'the pool was terminated'))
    }
    for (const call of [...this.#calls.values()]) {
      if (call.worker && call.kind !== 'ping')
        this.#publish(call.worker, { t: 'abort', s: this.#id, id: call.id })
      this.#settle(call)
      call.reject(new PoolClosedError(call.label))
    }
    this.#wakeIdle()
    await this.#leave()
  }

  // ---- calls -------------------------------------------------------------------------------

  #submit(
    kind: Kind,
    label: string,
    request: number | undefined,
    signal: AbortSignal | undefined,
    message: (id: number) => ToWorker,
  ): Promise<any> {
    if (this.#phase !== 'open') return Promise.reject(new PoolClosedError(label))
    if (signal?.aborted) return Promise.reject(abortReason(signal))
    if (request !== undefined && this.#lost.has(request)) {
      return Promise.reject(new WorkerCrashedError(label, 'it held this request’s values'))
    }
    const bound = request === undefined ? undefined : this.#requests.get(request)
    if (!bound && kind !== 'step') {
      if (this.#compatible().length === 0) {
        return Promise.reject(new NoWorkersError(label, this.subject, this.#others.size))
      }
      if (this.#queue.length >= this.#maxQueue && !this.#pick()) {
        const threads = Math.max(1, this.stats().size)
        return Promise.reject(
          new PoolQueueFullError(label, this.#maxQueue, this.#queue.length / threads / 100),
        )
      }
    }
    const id = this.#nextId++
    const body = message(id)
    let data: Uint8Array
    try {
      data = encode(body)
    } catch (error) {
      return Promise.reject(
        new TypeError(
          `${label}: its arguments cannot be sent to a NATS worker (${(error as Error).message}). ` +
            'Values crossing to workers are serialized: pass plain data, arrays, Maps, Dates, typed arrays.',
        ),
      )
    }
    const max = this.#nc.info?.max_payload ?? 1024 * 1024
    if (data.byteLength > max) {
      const error = tooBig(
        kind === 'ctx' ? `The request and injected values for ${label}` : `The arguments of ${label}`,
        data.byteLength,
        max,
        this.#nc.getServer(),
      )
      // A request too big to reach a worker is the client's to fix (413, without the server's address);
      // a utility's arguments are the app's (500, logged with the whole message).
      if (kind !== 'ctx') return Promise.reject(error)
      const detail = `The request is too large for ${label}: ${Math.ceil(data.byteLength / 1024)} KB once serialized, over the ${Math.floor(max / 1024)} KB a worker message may carry.`
      return Promise.reject(new HTTPException(413, detail))
    }
    return new Promise((resolve, reject) => {
      const call: Call = {
        id,
        kind,
        label,
        message: body,
        data,
        request,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        worker: undefined,
        binds: false,
        seq: 0,
      }
      if (signal) {
        call.onAbort = () => this.#abort(call)
        signal.addEventListener('abort', call.onAbort, { once: true })
      }
      if (bound) {
        this.#sendBound(bound, call)
        return
      }
      if (kind === 'step') {
        this.#settle(call)
        reject(new WorkerCrashedError(label, 'the worker holding this request is gone'))
        return
      }
      this.#queue.push(call)
      this.#pump()
    })
  }

  /** Sends every queued call a worker thread is free for, in order. */
  #pump(): void {
    while (this.#queue.length > 0 && this.#connected) {
      const call = this.#queue[0]!
      if (call.request !== undefined && this.#lost.has(call.request)) {
        this.#queue.shift()
        this.#fail(call, new WorkerCrashedError(call.label, 'it held this request’s values'))
        continue
      }
      const bound = call.request === undefined ? undefined : this.#requests.get(call.request)
      if (bound) {
        this.#queue.shift()
        this.#sendBound(bound, call)
        continue
      }
      const worker = this.#pick()
      if (!worker) break
      this.#queue.shift()
      if (call.request !== undefined && call.kind === 'ctx') {
        this.#requests.set(call.request, worker)
        call.binds = true
      }
      this.#send(worker, call)
    }
    if (this.#phase === 'closing' && this.#isIdle()) this.#wakeIdle()
  }

  /** The least loaded compatible worker with a free thread for this scheduler, if any. */
  #pick(): Worker | undefined {
    const now = Date.now()
    let best: Worker | undefined
    for (const worker of this.#workers.values()) {
      if (worker.heartbeat.key !== this.#compatibilityKey() || worker.heartbeat.draining || worker.stale)
        continue
      if (worker.retryAt > now) continue
      const load = this.#load(worker) + worker.held
      if (load >= worker.heartbeat.capacity) continue
      if (!best || load < this.#load(best) + best.held) best = worker
    }
    return best
  }

  /** This scheduler's calls running on `worker` (pings and bookkeeping steps aside). */
  #load(worker: Worker): number {
    let load = 0
    for (const call of worker.inflight) if (call.kind === 'call' || call.kind === 'ctx') load++
    return load
  }

  #send(worker: Worker, call: Call): void {
    call.worker = worker
    call.seq = this.#nextSeq++
    worker.inflight.add(call)
    this.#calls.set(call.id, call)
    try {
      this.#nc.publish(`${this.subject}.w.${worker.id}`, call.data, { reply: `${this.#inbox}.${call.id}` })
    } catch (error) {
      this.#settle(call)
      call.reject(error)
    }
  }

  /** Sends a call of a request bound to `worker`, or holds it until the worker is reachable again. */
  #sendBound(worker: Worker, call: Call): void {
    if (worker.stale) worker.parked.push(call)
    else this.#send(worker, call)
  }

  #publish(worker: Worker, message: ToWorker): void {
    this.#publishTo(worker.id, message)
  }

  #publishTo(id: string, message: ToWorker): void {
    try {
      if (!this.#nc.isClosed()) this.#nc.publish(`${this.subject}.w.${id}`, encode(message))
    } catch {}
  }

  /** The caller aborted: a queued call leaves the queue and fails; a sent one is told to its worker. */
  #abort(call: Call): void {
    if (!call.worker) {
      const index = this.#queue.indexOf(call)
      if (index !== -1) this.#queue.splice(index, 1)
      for (const worker of this.#workers.values()) {
        const parked = worker.parked.indexOf(call)
        if (parked !== -1) worker.parked.splice(parked, 1)
      }
      this.#settle(call)
      call.reject(abortReason(call.signal!))
      this.#pump()
      return
    }
    this.#publish(call.worker, { t: 'abort', s: this.#id, id: call.id })
  }

  /** Forgets a call that is answered or failed: off its worker and its abort signal. */
  #settle(call: Call): void {
    this.#unsend(call)
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort)
  }

  /** Takes a sent call off its worker; it keeps listening to its abort signal. */
  #unsend(call: Call): void {
    this.#calls.delete(call.id)
    call.worker?.inflight.delete(call)
    call.worker = undefined
  }

  /**
   * A sent call that reached no thread (the worker was busy, or gone) goes back to the head of the
   * queue, still abortable; one whose caller aborted meanwhile fails now and is never sent again.
   */
  #requeue(call: Call): void {
    this.#unsend(call)
    if (call.signal?.aborted) {
      this.#forget(call)
      call.reject(abortReason(call.signal))
      return
    }
    this.#queue.unshift(call)
  }

  #forget(call: Call): void {
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort)
  }

  #fail(call: Call, error: unknown): void {
    this.#settle(call)
    if (call.kind === 'call' || call.kind === 'ctx') this.#failed++
    call.reject(error)
  }

  #onReply(msg: Msg): void {
    const id = Number(msg.subject.slice(this.#inbox.length + 1))
    const call = this.#calls.get(id)
    if (!call) return
    const worker = call.worker!
    if (msg.headers?.code === 503) {
      // No responders: the worker's subscription is gone, so this call reached no one.
      this.#unsend(call)
      if (call.kind === 'ping') {
        this.#lose(worker, 'it left NATS (no responders on its subject)')
        return
      }
      if (call.binds && call.request !== undefined) this.#requests.delete(call.request)
      this.#lose(worker, 'it left NATS (no responders on its subject)')
      if (call.kind === 'step' || (call.request !== undefined && this.#lost.has(call.request))) {
        this.#fail(call, new WorkerCrashedError(call.label, 'the worker holding this request is gone'))
      } else {
        this.#requeue(call)
      }
      this.#pump()
      return
    }
    let answer: FromWorker
    try {
      answer = decode<FromWorker>(msg.data)
    } catch (error) {
      this.#fail(
        call,
        new Error(
          `The answer of NATS worker ${worker.id} to ${call.label} could not be read (${(error as Error).message}): ` +
            'servers and workers must run on the same runtime.',
        ),
      )
      this.#pump()
      return
    }
    switch (answer.t) {
      case 'busy':
        // It had no free thread: the call never started there. It goes back to the head of the queue.
        if (call.binds && call.request !== undefined) this.#requests.delete(call.request)
        worker.retryAt = Date.now() + 25
        this.#requeue(call)
        this.#retrySoon()
        break
      case 'pong':
        this.#settle(call)
        worker.pingedAt = 0
        this.#reconcile(worker, call, answer.running)
        break
      case 'ok': {
        this.#settle(call)
        worker.retryAt = 0
        if (call.kind === 'call' || call.kind === 'ctx') this.#completed++
        const value = answer.value as RemoteResult
        if (
          call.kind === 'ctx' &&
          (call.message as { yields?: boolean }).yields &&
          value?.exit !== undefined
        ) {
          worker.held++
        }
        call.resolve(answer.value)
        break
      }
      case 'err': {
        worker.retryAt = 0
        let error = deserializeError(answer.error)
        if (error instanceof PoolTimeoutError) error = this.#timedOut(call, worker)
        this.#fail(call, error)
        break
      }
    }
    this.#pump()
  }

  #timedOut(call: Call, worker: Worker): PoolTimeoutError {
    const ms = (call.message as { timeout?: number }).timeout ?? this.#timeout
    const error = new PoolTimeoutError(call.label, ms)
    error.message =
      `${call.label} ran longer than the timeout of ${ms} ms on NATS worker ${worker.id} (${worker.heartbeat.host}) ` +
      'and was stopped (its thread was replaced). Make the work shorter, or raise natsScheduler({ timeout }).'
    return error
  }

  #retrySoon(): void {
    if (this.#retryTimer) return
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined
      this.#pump()
    }, 25)
  }

  // ---- workers ------------------------------------------------------------------------------

  #compatibilityKey(): string {
    const registry = blockingRegistry()
    if (this.#key === undefined || this.#keyFor !== registry.length) {
      this.#key = compatibilityKey(blockingFingerprint())
      this.#keyFor = registry.length
    }
    return this.#key
  }

  #compatible(): Worker[] {
    const key = this.#compatibilityKey()
    return [...this.#workers.values()].filter((worker) => worker.heartbeat.key === key)
  }

  #onHeartbeat(msg: Msg): void {
    let heartbeat: Heartbeat
    try {
      heartbeat = decode<Heartbeat>(msg.data)
    } catch {
      return // a worker of another runtime: its heartbeat is unreadable here, and so would its answers be
    }
    const known = this.#workers.get(heartbeat.id)
    if (heartbeat.bye) {
      this.#others.delete(heartbeat.id)
      if (known) this.#lose(known, 'it stopped')
      return
    }
    if (heartbeat.key !== this.#compatibilityKey()) {
      this.#others.set(heartbeat.id, Date.now())
      return
    }
    if (known) {
      known.heartbeat = heartbeat
      known.seen = Date.now()
      if (heartbeat.busy + heartbeat.queued < heartbeat.capacity) known.retryAt = 0
      if (known.stale && this.#connected) this.#back(known)
    } else {
      this.#workers.set(heartbeat.id, {
        id: heartbeat.id,
        heartbeat,
        seen: Date.now(),
        inflight: new Set(),
        held: 0,
        retryAt: 0,
        pingedAt: 0,
        stale: false,
        parked: [],
      })
      for (const waiter of [...this.#waiters]) waiter()
    }
    this.#pump()
  }

  /**
   * A worker is gone: the calls it had fail (they may have run: never run twice), and the requests
   * whose values it kept are lost (their later steps fail at once).
   */
  #lose(worker: Worker, reason: string): void {
    if (this.#workers.get(worker.id) !== worker) return
    this.#workers.delete(worker.id)
    const calls = [...worker.inflight, ...worker.parked.splice(0)]
    for (const [request, holder] of this.#requests) {
      if (holder !== worker) continue
      this.#requests.delete(request)
      this.#lost.set(request, worker.id)
    }
    const failing = calls.filter((call) => call.kind !== 'ping')
    if (failing.length > 0) {
      this.#logger.error(
        `NATS worker ${worker.id} (${worker.heartbeat.host} pid ${worker.heartbeat.pid}) was lost: ${reason}. ` +
          `${failing.length} call(s) on it failed.`,
      )
    }
    for (const call of calls) {
      this.#settle(call)
      if (call.kind === 'ping') continue
      this.#fail(
        call,
        new WorkerCrashedError(call.label, `NATS worker ${worker.id} on ${worker.heartbeat.host}: ${reason}`),
      )
    }
    this.#pump()
  }

  /**
   * A worker answered a ping with the calls of ours it is running: a call sent before the ping, not
   * running there and still unanswered in two pongs in a row lost its answer (published while a
   * connection was down). One pong is not proof: a worker's thread publishes its answer on a
   * connection of its own, which nats-server may deliver after the pong, sent on the worker's.
   */
  #reconcile(worker: Worker, ping: Call, running: number[]): void {
    const still = new Set(running)
    for (const call of [...worker.inflight]) {
      if (call.seq > ping.seq || call.kind === 'ping') continue
      if (still.has(call.id)) {
        call.unlisted = false
        continue
      }
      if (!call.unlisted) {
        call.unlisted = true
        continue
      }
      this.#fail(
        call,
        new WorkerCrashedError(
          call.label,
          `its answer from NATS worker ${worker.id} was lost with a connection to NATS; it may have run, and is not run again`,
        ),
      )
    }
  }

  #tick(): void {
    if (!this.#connected) return
    const now = Date.now()
    this.#beat()
    for (const worker of [...this.#workers.values()]) {
      const lostAfter = this.#lostAfter ?? 3 * worker.heartbeat.every
      if (now - worker.seen > lostAfter) {
        this.#lose(worker, `no heartbeat for ${now - worker.seen} ms (stopped, frozen or cut off)`)
        continue
      }
      // A worker killed outright leaves no heartbeat to miss at once, but its subject answers
      // "no responders" now: a ping finds it within a tick. Only workers with calls of ours are
      // pinged. A ping unanswered for a second is sent again: it may have gone down with the
      // worker's connection (the worker killed as it arrived), which no one answers.
      if (
        !worker.stale &&
        (worker.pingedAt === 0 || now - worker.pingedAt > 1000) &&
        this.#busyWith(worker)
      ) {
        this.#ping(worker)
      }
    }
    for (const [id, seen] of this.#others) if (now - seen > 5000) this.#others.delete(id)
    this.#failWithoutWorkers(now)
  }

  /**
   * Queued calls wait while no compatible worker takes calls (all lost, or draining) for a grace
   * period, in which a restarted worker comes back; past it they fail with 503, not wait forever.
   */
  #failWithoutWorkers(now: number): void {
    const serving = this.#compatible().some((worker) => !worker.heartbeat.draining)
    if (serving || this.#queue.length === 0) {
      this.#noWorkersSince = 0
      return
    }
    if (this.#noWorkersSince === 0) this.#noWorkersSince = now
    if (now - this.#noWorkersSince < NO_WORKERS_GRACE) return
    for (const call of this.#queue.splice(0)) {
      this.#fail(call, new NoWorkersError(call.label, this.subject, this.#others.size))
    }
    this.#noWorkersSince = 0
    this.#pump()
  }

  /** Whether calls or steps of ours are on the worker (pings aside). */
  #busyWith(worker: Worker): boolean {
    for (const call of worker.inflight) if (call.kind !== 'ping') return true
    return false
  }

  /** Asks the worker which of our calls run there; an earlier ping still unanswered is forgotten. */
  #ping(worker: Worker): void {
    for (const call of [...worker.inflight]) if (call.kind === 'ping') this.#settle(call)
    worker.pingedAt = Date.now()
    const id = this.#nextId++
    const message: ToWorker = { t: 'ping', id, s: this.#id }
    const call: Call = {
      id,
      kind: 'ping',
      label: 'a ping',
      message,
      data: encode(message),
      request: undefined,
      resolve: () => {},
      reject: () => {},
      signal: undefined,
      onAbort: undefined,
      worker: undefined,
      binds: false,
      seq: 0,
    }
    this.#send(worker, call)
  }

  #beat(): void {
    if (!this.#connected || this.#nc.isClosed()) return
    this.#nc.publish(`${this.subject}.shb`, encode({ s: this.#id, lostAfter: 10_000 }))
  }

  #onStatus(type: string): void {
    if (type === 'disconnect') {
      this.#connected = false
      for (const worker of this.#workers.values()) worker.stale = true
      this.#logger.warn(
        `NATS scheduler: lost the connection to NATS; reconnecting. Queued calls wait; calls running on workers ` +
          'keep their answers if they arrive after the reconnect, and fail if they were lost.',
      )
    } else if (type === 'reconnect') {
      this.#connected = true
      // Silence while we were cut off says nothing about the workers. Each takes calls again once
      // it announces itself (its subscription is back then; a call sent earlier could find no
      // responders and lose it for nothing), and is asked then for the answers it lost.
      const now = Date.now()
      for (const worker of this.#workers.values()) {
        worker.seen = now
        worker.pingedAt = 0
        for (const call of [...worker.inflight]) if (call.kind === 'ping') this.#settle(call)
      }
      this.#logger.info(`NATS scheduler: reconnected to ${this.#serverUrl()}.`)
      this.discover()
      this.#pump()
    }
  }

  /**
   * A stale worker announced itself after our reconnect: a ping asks it which of our calls still
   * run there (the others lost their answers), then the calls held for it go.
   */
  #back(worker: Worker): void {
    worker.stale = false
    if (this.#busyWith(worker)) this.#ping(worker)
    for (const call of worker.parked.splice(0)) this.#send(worker, call)
  }

  // ---- requests -----------------------------------------------------------------------------

  #remoteExecution(): RemoteExecution {
    const step = (request: number, label: string, message: (id: number) => ToWorker) =>
      this.#submit('step', label, request, undefined, message)
    return {
      newRequest: () => this.#nextRequest++,
      context: (info, request, ctx, opts) => {
        const label = opts.label ?? `blocking function "${info.name}"`
        return this.#submit('ctx', label, request, opts.signal, (id) => ({
          t: 'ctx',
          id,
          s: this.#id,
          key: this.#compatibilityKey(),
          fn: info.id,
          request,
          ctx,
          keep: opts.keep,
          yields: opts.yields,
          timeout: opts.timeout ?? this.#timeout,
        }))
      },
      fetch: (request, ref) =>
        step(request, `a value of request ${request}`, (id) => ({
          t: 'fetch',
          id,
          s: this.#id,
          request,
          ref,
        })),
      exit: (request, exit, raised) => {
        const worker = this.#requests.get(request)
        const done = () => {
          if (worker && worker.held > 0) worker.held--
          this.#pump()
        }
        return step(request, 'a cleanup', (id) => ({
          t: 'exit',
          id,
          s: this.#id,
          request,
          exit,
          ...(raised ? { error: serializeError(raised.error) } : {}),
        })).then(
          (value) => {
            done()
            return value as 'done' | 'yielded'
          },
          (error) => {
            done()
            throw error
          },
        )
      },
      task: (request, task) =>
        step(request, 'a background task', (id) => ({ t: 'task', id, s: this.#id, request, task })).then(
          () => undefined,
        ),
      release: (request) => {
        const lostOn = this.#lost.get(request)
        if (lostOn !== undefined) {
          // A worker taken for lost (frozen, cut off) may come back with the request's values: it is told too.
          this.#lost.delete(request)
          this.#publishTo(lostOn, { t: 'release', s: this.#id, request })
          return
        }
        const worker = this.#requests.get(request)
        if (!worker) return
        this.#requests.delete(request)
        this.#publish(worker, { t: 'release', s: this.#id, request })
        this.#pump()
      },
    }
  }

  // ---- close --------------------------------------------------------------------------------

  #isIdle(): boolean {
    return (
      this.#queue.length === 0 &&
      [...this.#calls.values()].every((call) => call.kind === 'ping') &&
      [...this.#workers.values()].every((worker) => worker.parked.length === 0)
    )
  }

  #wakeIdle(): void {
    const idle = this.#idle
    this.#idle = undefined
    idle?.()
  }

  #left: Promise<void> | undefined
  #leave(): Promise<void> {
    this.#left ??= (async () => {
      this.#phase = 'closed'
      clearInterval(this.#timer)
      if (this.#retryTimer) clearTimeout(this.#retryTimer)
      for (const subscription of this.#subscriptions) subscription.unsubscribe()
      if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => {})
    })()
    return this.#left
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
