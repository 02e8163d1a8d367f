import type { WorkerHandle } from './pool-types.ts'
import { ABORT_FLAG_SLOTS } from './protocol.ts'
import type { Task } from './task.ts'

/** One worker of the pool, as the main side sees it. */
export class Slot {
  readonly index: number
  readonly handle: WorkerHandle
  readonly flags: Int32Array
  /** Tasks sent to the worker, in the order it runs them; the head is running. */
  readonly inflight: Task[] = []
  /** Calls sent this turn, posted together at its end (one message for many small calls). */
  outbox: Task[] = []
  /** Calls of requests bound to this worker, waiting for it. */
  readonly local: Task[] = []
  /** Requests whose values live on this worker. */
  readonly requests = new Set<number>()
  /** The request holding this worker exclusively (an open blocking yield dependency). */
  heldBy: number | undefined
  ready = false
  dead = false
  /** Called when the worker answers `closed` (its teardown is done). */
  onClosed: (() => void) | undefined
  /** Moving average of how long calls run on this worker (ms), to decide how many to send ahead. */
  averageTook = -1
  readonly #freeFlags: number[] = []

  constructor(index: number, handle: WorkerHandle, flags: SharedArrayBuffer) {
    this.index = index
    this.handle = handle
    this.flags = new Int32Array(flags)
    for (let i = ABORT_FLAG_SLOTS - 1; i >= 0; i--) this.#freeFlags.push(i)
  }

  /** How many calls may be sent ahead: many when calls are tiny (the round trip dominates), else one. */
  get depth(): number {
    if (this.averageTook < 0) return 1
    if (this.averageTook < 0.25) return 32
    if (this.averageTook < 2) return 2
    return 1
  }

  /** True when this worker can take another call from the shared queue. */
  get acceptsShared(): boolean {
    return this.ready && !this.dead && this.heldBy === undefined && this.inflight.length < this.depth
  }

  takeFlag(): number {
    const flag = this.#freeFlags.pop() ?? 0
    Atomics.store(this.flags, flag, 0)
    return flag
  }

  freeFlag(flag: number): void {
    Atomics.store(this.flags, flag, 0)
    this.#freeFlags.push(flag)
  }

  recordTook(took: number): void {
    this.averageTook = this.averageTook < 0 ? took : this.averageTook * 0.8 + took * 0.2
  }
}
