import { hostname } from 'node:os'
import type { NatsConnection } from '@nats-io/transport-node'
import { encode, type Heartbeat, RUNTIME } from '../wire.ts'
import type { LocalPool } from '../worker.ts'
import type { Calls } from './calls.ts'
import type { WorkerCells } from './cells.ts'
import type { KeptRequests } from './kept.ts'

// What a worker tells the schedulers of its load: its heartbeats (capacity, busy and queued threads,
// draining, a last one with `bye`), and whether a thread is free for a new request.

export interface Identity {
  id: string
  key: string
  subject: string
  capacity: number
  /** Milliseconds between heartbeats. */
  every: number
}

export class Load {
  readonly #nc: NatsConnection
  readonly #pool: LocalPool
  readonly #me: Identity
  readonly #cells: WorkerCells
  readonly #calls: Calls
  readonly #kept: KeptRequests
  /** Stopping: it takes no new request. */
  draining = false

  constructor(
    nc: NatsConnection,
    pool: LocalPool,
    me: Identity,
    cells: WorkerCells,
    calls: Calls,
    kept: KeptRequests,
  ) {
    this.#nc = nc
    this.#pool = pool
    this.#me = me
    this.#cells = cells
    this.#calls = calls
    this.#kept = kept
  }

  beat(extra: Partial<Heartbeat> = {}): void {
    const stats = this.#pool.stats()
    const direct = this.#cells.taking()
    const heartbeat: Heartbeat = {
      id: this.#me.id,
      key: this.#me.key,
      runtime: RUNTIME,
      host: hostname(),
      pid: process.pid,
      capacity: this.#me.capacity,
      busy: stats.busy + this.#cells.directRunning(),
      ...(direct.length > 0 ? { direct, ...(this.#cells.watchesLimits() ? { limits: true } : {}) } : {}),
      queued: stats.queued,
      every: this.#me.every,
      ...(this.draining ? { draining: this.draining } : {}),
      ...extra,
    }
    if (!this.#nc.isClosed()) this.#nc.publish(`${this.#me.subject}.hb`, encode(heartbeat))
  }

  /**
   * A thread is free for a new request: none running (for the pool, or a call a thread took itself),
   * waiting or held by an open yield dependency.
   */
  free(): boolean {
    const stats = this.#pool.stats()
    const inTransit = this.#cells.delivered() - this.#calls.settledDelivered
    const taken =
      stats.busy -
      inTransit +
      stats.queued +
      this.#calls.starting +
      this.#kept.holding +
      this.#cells.directRunning()
    return !this.draining && taken < this.#me.capacity
  }
}

/**
 * What a pong says of scheduler `s`'s calls: those running here (for the pool, or taken by a thread
 * itself), and the threads with work (a call sent to one of them and not listed waits there).
 */
export function pong(cells: WorkerCells, calls: Calls, s: string): { running: number[]; occupied: number[] } {
  const running = calls.runningOf(s)
  const occupied: number[] = []
  for (let thread = 0; thread < cells.threads; thread++) {
    const call = cells.running(thread)
    if (call?.s === s) running.push(call.id)
    if (cells.occupied(thread)) occupied.push(thread)
  }
  return { running, occupied }
}
