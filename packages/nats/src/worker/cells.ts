// The memory a NATS worker's event loop shares with its pool threads (thread.ts), read and written
// with Atomics: counters the loop and the threads both need at once (answers the threads published,
// the worker connection's changes, whether it is up or draining, the calls the threads took off
// NATS themselves), and one slot per thread saying which call it took itself and runs now.

const DELIVERED = 0
const CHANGES = 1
const UP = 2
const DRAINING = 3
const DIRECT_DONE = 4
const DIRECT_FAILED = 5
const HEADER = 8

// A thread's slot: Int32 cells, then the scheduler's id and the reply subject as ASCII bytes.
const STATE = 0
/** A seqlock: odd while the thread writes the call's fields. */
const SEQ = 1
const CALL = 2
const FN = 3
const S_LENGTH = 4
const REPLY_LENGTH = 5
/** Calls of the pool's sent to the thread and not answered yet. */
const POOL = 6
const SLOT_CELLS = 8
const S_BYTES = 64
const REPLY_BYTES = 192
const SLOT_BYTES = SLOT_CELLS * 4 + S_BYTES + REPLY_BYTES

/** A thread's slot state: no subscription of its own (starting, cut off, stopped). */
export const NOT_TAKING = 0
/** The thread takes calls off its own subject and runs none of them now. */
export const TAKING = 1
/** The thread runs a call it took itself. */
export const RUNNING = 2

/** The call a thread took itself and runs, as its slot says. */
export interface DirectCall {
  /** The scheduler's id. */
  s: string
  id: number
  /** The blocking function's number. */
  fn: number
  /** Where its answer goes. */
  reply: string
}

/**
 * The shared cells: counters, and a slot per thread for the call it took off NATS itself.
 *
 * @example
 * const cells = new WorkerCells(4) // the event loop, for 4 threads
 * // in a thread: new WorkerCells(options.shared)
 */
export class WorkerCells {
  readonly buffer: SharedArrayBuffer
  /** Threads with a slot. */
  readonly threads: number
  readonly #cells: Int32Array

  constructor(shared: SharedArrayBuffer | number = 1) {
    this.buffer =
      typeof shared === 'number' ? new SharedArrayBuffer(HEADER * 4 + shared * SLOT_BYTES) : shared
    this.threads = (this.buffer.byteLength - HEADER * 4) / SLOT_BYTES
    this.#cells = new Int32Array(this.buffer)
  }

  /** Answers published by the threads (counted before each is published). */
  delivered(): number {
    return Atomics.load(this.#cells, DELIVERED)
  }

  /** A thread is about to publish an answer itself. */
  countDelivered(): void {
    Atomics.add(this.#cells, DELIVERED, 1)
  }

  /** How many times the worker's connection went down or came back. */
  changes(): number {
    return Atomics.load(this.#cells, CHANGES)
  }

  /** Whether the worker's connection is up. */
  up(): boolean {
    return Atomics.load(this.#cells, UP) === 1
  }

  /** The worker's connection is up (at start, and after a reconnect: a change). */
  connected(change: boolean): void {
    if (change) Atomics.add(this.#cells, CHANGES, 1)
    Atomics.store(this.#cells, UP, 1)
  }

  /** The worker's connection went down: a change. */
  disconnected(): void {
    Atomics.store(this.#cells, UP, 0)
    Atomics.add(this.#cells, CHANGES, 1)
  }

  /** Whether the worker is stopping (its threads take no call off NATS, they answer busy). */
  draining(): boolean {
    return Atomics.load(this.#cells, DRAINING) === 1
  }

  drain(): void {
    Atomics.store(this.#cells, DRAINING, 1)
  }

  /** Calls the threads took themselves and answered: [completed, failed]. */
  directCounts(): [number, number] {
    return [Atomics.load(this.#cells, DIRECT_DONE), Atomics.load(this.#cells, DIRECT_FAILED)]
  }

  countDirect(ok: boolean): void {
    Atomics.add(this.#cells, ok ? DIRECT_DONE : DIRECT_FAILED, 1)
  }

  #base(thread: number): number {
    return (HEADER * 4 + thread * SLOT_BYTES) / 4
  }

  /** The state of thread `thread`'s slot (`NOT_TAKING`, `TAKING`, `RUNNING`). */
  state(thread: number): number {
    return Atomics.load(this.#cells, this.#base(thread) + STATE)
  }

  /** Sets the slot's state (the thread's own doing; `begin` for `RUNNING`). */
  setState(thread: number, state: number): void {
    Atomics.store(this.#cells, this.#base(thread) + STATE, state)
  }

  /** The thread starts a call it took itself: its fields are written, then it is `RUNNING`. */
  begin(thread: number, call: DirectCall): void {
    const base = this.#base(thread)
    const cells = this.#cells
    Atomics.add(cells, base + SEQ, 1)
    cells[base + CALL] = call.id
    cells[base + FN] = call.fn
    cells[base + S_LENGTH] = this.#write(thread, 0, S_BYTES, call.s)
    cells[base + REPLY_LENGTH] = this.#write(thread, S_BYTES, REPLY_BYTES, call.reply)
    Atomics.add(cells, base + SEQ, 1)
    Atomics.store(cells, base + STATE, RUNNING)
  }

  /** The call the thread runs (taken itself), if any; read consistently with the thread's writes. */
  running(thread: number): DirectCall | undefined {
    const base = this.#base(thread)
    const cells = this.#cells
    for (;;) {
      if (Atomics.load(cells, base + STATE) !== RUNNING) return undefined
      const seq = Atomics.load(cells, base + SEQ)
      if (seq % 2 === 1) continue
      const call: DirectCall = {
        id: cells[base + CALL]!,
        fn: cells[base + FN]!,
        s: this.#read(thread, 0, cells[base + S_LENGTH]!),
        reply: this.#read(thread, S_BYTES, cells[base + REPLY_LENGTH]!),
      }
      if (Atomics.load(cells, base + SEQ) === seq) return call
    }
  }

  /** Counts the pool's calls on the thread (`+1` sent, `-1` answered; `reset` when a thread starts). */
  countPool(thread: number, delta: number, reset = false): void {
    const index = this.#base(thread) + POOL
    if (reset) Atomics.store(this.#cells, index, 0)
    else Atomics.add(this.#cells, index, delta)
  }

  /** Whether the thread has work: a call it took itself, or calls of the pool's. */
  occupied(thread: number): boolean {
    return this.state(thread) === RUNNING || Atomics.load(this.#cells, this.#base(thread) + POOL) > 0
  }

  /** Threads taking calls off their own subjects (a heartbeat's `direct`). */
  taking(): number[] {
    const taking: number[] = []
    for (let thread = 0; thread < this.threads; thread++)
      if (this.state(thread) !== NOT_TAKING) taking.push(thread)
    return taking
  }

  /** Threads running a call they took themselves. */
  directRunning(): number {
    let count = 0
    for (let thread = 0; thread < this.threads; thread++) if (this.state(thread) === RUNNING) count++
    return count
  }

  #write(thread: number, offset: number, size: number, text: string): number {
    const bytes = new Uint8Array(
      this.buffer,
      HEADER * 4 + thread * SLOT_BYTES + SLOT_CELLS * 4 + offset,
      size,
    )
    const length = Math.min(text.length, size)
    for (let i = 0; i < length; i++) bytes[i] = text.charCodeAt(i) & 0x7f
    return length
  }

  #read(thread: number, offset: number, length: number): string {
    const bytes = new Uint8Array(
      this.buffer,
      HEADER * 4 + thread * SLOT_BYTES + SLOT_CELLS * 4 + offset,
      length,
    )
    return String.fromCharCode(...bytes)
  }
}
