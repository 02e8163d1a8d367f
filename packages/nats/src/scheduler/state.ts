import { type NatsConnection, nuid, type Subscription } from '@nats-io/transport-node'
import { blockingFingerprint, blockingRegistry } from '@tandem/core/adapter'
import type { NatsLogger } from '../connection.ts'
import { compatibilityKey, encode, type Heartbeat, type ToWorker } from '../wire.ts'

// A NATS scheduler's shared bookkeeping (SchedulerState): its connection and settings, the worker
// table, the queue, the calls sent, the requests bound to workers, its counters and its phase, with
// the small operations every part needs (compatibility, loads, forgetting a call). The parts of the
// scheduler (admission, dispatch, answers, workers, liveness, remote, shutdown) work on it; it is
// never seen outside the scheduler.

/** One remote worker, as the scheduler keeps it. */
export interface Worker {
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
  /** Its threads whose subject had no responders, skipped until its next heartbeat. */
  threadsGone: Set<number>
  /** Its threads with work, as its last pong said. */
  occupied: number[]
  /** Requests of ours bound to it (their values are there). */
  bound: number
}

export type Kind = 'call' | 'ctx' | 'step' | 'ping'

export interface Call {
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
  /** Sent to this thread of its worker, which takes it itself (`S.w.<id>.<thread>`). */
  thread?: number
  /** Unlisted twice though sent to a thread: the worker was asked whether the thread took it. */
  reclaimed?: boolean
  /**
   * Reclaimed from a thread (marked there never to start): sent again, it goes through the
   * worker's event loop.
   */
  viaLoop?: boolean
}

export const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')

/** The scheduler's settings, defaults applied and checked. */
export interface Settings {
  subject: string
  maxQueue: number
  timeout: number
  lostAfter: number | undefined
  logger: NatsLogger
}

export class SchedulerState {
  readonly nc: NatsConnection
  readonly id = nuid.next()
  readonly inbox: string
  readonly subject: string
  readonly maxQueue: number
  readonly timeout: number
  readonly lostAfter: number | undefined
  readonly logger: NatsLogger
  readonly workers = new Map<string, Worker>()
  /** Workers on the subject with another key, by id: when last seen. */
  readonly others = new Map<string, number>()
  readonly queue: Call[] = []
  readonly calls = new Map<number, Call>()
  readonly requests = new Map<number, Worker>()
  /** Requests whose worker was lost, with that worker's id (told to release them, should it come back). */
  readonly lost = new Map<number, string>()
  readonly subscriptions: Subscription[] = []
  readonly waiters = new Set<() => void>()
  timer: ReturnType<typeof setInterval> | undefined
  connected = true
  phase: 'open' | 'closing' | 'closed' = 'open'
  /** Resolves `close()`'s wait for the queued and running calls. */
  idle: (() => void) | undefined
  retryTimer: ReturnType<typeof setTimeout> | undefined
  /** `leave()` under way or done. */
  left: Promise<void> | undefined
  nextId = 1
  nextSeq = 1
  nextRequest = 1
  /** Since when (ms) calls have been queued with no compatible worker taking calls (0: not now). */
  noWorkersSince = 0
  completed = 0
  failed = 0
  #key: string | undefined
  #keyFor = -1

  constructor(nc: NatsConnection, settings: Settings) {
    this.nc = nc
    this.subject = settings.subject
    this.maxQueue = settings.maxQueue
    this.timeout = settings.timeout
    this.lostAfter = settings.lostAfter
    this.logger = settings.logger
    this.inbox = `_INBOX.${this.id}`
  }

  compatibilityKey(): string {
    const registry = blockingRegistry()
    if (this.#key === undefined || this.#keyFor !== registry.length) {
      this.#key = compatibilityKey(blockingFingerprint())
      this.#keyFor = registry.length
    }
    return this.#key
  }

  compatible(): Worker[] {
    const key = this.compatibilityKey()
    return [...this.workers.values()].filter((worker) => worker.heartbeat.key === key)
  }

  /** Threads of the compatible workers. */
  threads(): number {
    return this.compatible().reduce((sum, worker) => sum + worker.heartbeat.capacity, 0)
  }

  /** This scheduler's calls running on `worker` (pings and bookkeeping steps aside). */
  load(worker: Worker): number {
    let load = 0
    for (const call of worker.inflight) if (call.kind === 'call' || call.kind === 'ctx') load++
    return load
  }

  /** Whether calls or steps of ours are on the worker (pings aside). */
  busyWith(worker: Worker): boolean {
    for (const call of worker.inflight) if (call.kind !== 'ping') return true
    return false
  }

  /** The server it is connected to, as a URL (the client gives `host:port`). */
  serverUrl(): string {
    const server = this.nc.getServer()
    return server.includes('://') ? server : `nats://${server}`
  }

  publish(worker: Worker, message: ToWorker): void {
    this.publishTo(worker.id, message)
  }

  /** To worker `id`'s subject, or to its thread's (`S.w.<id>.<thread>`). */
  publishTo(id: string, message: ToWorker, thread?: number): void {
    try {
      const subject = thread === undefined ? `${this.subject}.w.${id}` : `${this.subject}.w.${id}.${thread}`
      if (!this.nc.isClosed()) this.nc.publish(subject, encode(message))
    } catch {}
  }

  /** Binds `request` to `worker`: its values are there, its steps go there. */
  bind(request: number, worker: Worker): void {
    this.unbind(request)
    this.requests.set(request, worker)
    worker.bound++
  }

  /** Unbinds `request` (released, or its worker said busy or was lost); returns the worker it was on. */
  unbind(request: number): Worker | undefined {
    const worker = this.requests.get(request)
    if (!worker) return undefined
    this.requests.delete(request)
    worker.bound--
    return worker
  }

  /** Forgets a call that is answered or failed: off its worker and its abort signal. */
  settle(call: Call): void {
    this.unsend(call)
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort)
  }

  /** Takes a sent call off its worker; it keeps listening to its abort signal. */
  unsend(call: Call): void {
    this.calls.delete(call.id)
    call.worker?.inflight.delete(call)
    call.worker = undefined
    call.thread = undefined
    call.unlisted = false
    call.reclaimed = false
  }

  forget(call: Call): void {
    if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort)
  }

  fail(call: Call, error: unknown): void {
    this.settle(call)
    if (call.kind === 'call' || call.kind === 'ctx') this.failed++
    call.reject(error)
  }

  isIdle(): boolean {
    return (
      this.queue.length === 0 &&
      [...this.calls.values()].every((call) => call.kind === 'ping') &&
      [...this.workers.values()].every((worker) => worker.parked.length === 0)
    )
  }

  wakeIdle(): void {
    const idle = this.idle
    this.idle = undefined
    idle?.()
  }
}
