// The memory a NATS worker's event loop shares with its pool threads (thread.ts), read and written
// with Atomics: counters the loop and the threads both need at once (answers the threads published,
// the worker connection's changes, whether it is up or draining, the calls the threads took off
// NATS themselves), and one slot per thread: the call it took itself and runs now, the calls it took
// lately and the aborts the loop marked for it (an abort of a call waiting unread behind a long one
// is answered at once by the loop, and the thread never starts it: `take` and `abort` below).

const DELIVERED = 0
const CHANGES = 1
const UP = 2
const DRAINING = 3
const DIRECT_DONE = 4
const DIRECT_FAILED = 5
/** Calls with a time limit the threads started (the event loop waits on it to watch them). */
const LIMITED = 6
/** 1 while the event loop watches the time limits of the calls the threads take (worker/limits.ts). */
const WATCHED = 7
/** Int32 index of the epoch (`Date.now()` at creation, a Float64) the threads' start times count from. */
const EPOCH = 8
const HEADER = 12

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
/** Next entry of the thread's ring of calls taken, and of its ring of aborts. */
const TAKEN_NEXT = 7
const ABORTS_NEXT = 8
/** When the running call started (ms since the epoch), and its time limit (ms, 0: none). */
const STARTED = 9
const LIMIT = 10
/** A lock around the thread's and the loop's decisions on a call (`take`, `abort`). */
const LOCK = 11
const SLOT_CELLS = 12
/** Entries of each ring: a call's scheduler (hashed) and id. */
const RING = 256
const S_BYTES = 64
const REPLY_BYTES = 192
const TAKEN_AT = SLOT_CELLS
const ABORTS_AT = TAKEN_AT + RING * 2
const SLOT_INTS = ABORTS_AT + RING * 2
const SLOT_BYTES = SLOT_INTS * 4 + S_BYTES + REPLY_BYTES

/** A thread's slot state: no subscription of its own (starting, cut off, stopped). */
export const NOT_TAKING = 0
/** The thread takes calls off its own subject and runs none of them now. */
export const TAKING = 1
/** The thread runs a call it took itself. */
export const RUNNING = 2
/** The event loop is stopping the thread: its call ran past its time limit. */
export const STOPPING = 3

// A slot's state cell holds the state in its low two bits and, above them, the number of the call
// the thread began last: the event loop stops a thread only if it still runs the call that is late.
const STATE_BITS = 3

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

  readonly #epoch: number

  constructor(shared: SharedArrayBuffer | number = 1) {
    this.buffer =
      typeof shared === 'number' ? new SharedArrayBuffer(HEADER * 4 + shared * SLOT_BYTES) : shared
    this.threads = (this.buffer.byteLength - HEADER * 4) / SLOT_BYTES
    this.#cells = new Int32Array(this.buffer)
    const epoch = new Float64Array(this.buffer, EPOCH * 4, 1)
    if (typeof shared === 'number') epoch[0] = Date.now()
    this.#epoch = epoch[0]!
  }

  /** Calls with a time limit the threads started so far (`waitLimited` waits for the next). */
  limitedStarts(): number {
    return Atomics.load(this.#cells, LIMITED)
  }

  /** Waits (without blocking) until a thread starts a call with a time limit after `seen` of them. */
  waitLimited(seen: number): Promise<unknown> | undefined {
    // Atomics.waitAsync (Node 16+, Bun), missing from the TypeScript lib this package targets.
    const waited = (Atomics as unknown as WaitAsync).waitAsync(this.#cells, LIMITED, seen)
    return waited.async ? waited.value : undefined
  }

  /** Whether the event loop watches the time limits of the calls the threads take themselves. */
  watchesLimits(): boolean {
    return Atomics.load(this.#cells, WATCHED) === 1
  }

  /** The event loop watches them (or no longer does): threads take calls with a time limit too. */
  watchLimits(on: boolean): void {
    Atomics.store(this.#cells, WATCHED, on ? 1 : 0)
  }

  /** Wakes whoever waits in `waitLimited` (the worker stops). */
  wakeLimits(): void {
    Atomics.add(this.#cells, LIMITED, 1)
    Atomics.notify(this.#cells, LIMITED)
  }

  /**
   * When the call the thread runs must be over (ms, `Date.now()` clock), with the call's number
   * (for `stop`), if it runs one with a time limit.
   */
  deadline(thread: number): { generation: number; at: number; limit: number } | undefined {
    const base = this.#base(thread)
    const value = Atomics.load(this.#cells, base + STATE)
    if ((value & STATE_BITS) !== RUNNING) return undefined
    const limit = Atomics.load(this.#cells, base + LIMIT)
    if (limit <= 0) return undefined
    const at = this.#epoch + Atomics.load(this.#cells, base + STARTED) + limit
    // Read again: the same call still runs (its start and limit were read with it).
    if (Atomics.load(this.#cells, base + STATE) !== value) return undefined
    return { generation: value >>> 2, at, limit }
  }

  /**
   * The event loop stops the thread's call number `generation` (past its time limit): true if the
   * thread still ran it (from now on it never answers it nor starts anything), false if it was done.
   */
  stop(thread: number, generation: number): boolean {
    const index = this.#base(thread) + STATE
    const running = (generation << 2) | RUNNING
    return Atomics.compareExchange(this.#cells, index, running, (generation << 2) | STOPPING) === running
  }

  /**
   * The thread is done with its call and goes to `next` (`TAKING` or `NOT_TAKING`): false if the event
   * loop is stopping it (the call ran past its limit, and was answered for).
   */
  finish(thread: number, next: number): boolean {
    const index = this.#base(thread) + STATE
    for (;;) {
      const value = Atomics.load(this.#cells, index)
      if ((value & STATE_BITS) !== RUNNING) return false
      if (Atomics.compareExchange(this.#cells, index, value, (value & ~STATE_BITS) | next) === value)
        return true
    }
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

  /** The state of thread `thread`'s slot (`NOT_TAKING`, `TAKING`, `RUNNING`, `STOPPING`). */
  state(thread: number): number {
    return Atomics.load(this.#cells, this.#base(thread) + STATE) & STATE_BITS
  }

  /** Sets the slot's state, keeping its call number (the thread's own doing; `begin` for `RUNNING`). */
  setState(thread: number, state: number): void {
    const index = this.#base(thread) + STATE
    Atomics.store(this.#cells, index, (Atomics.load(this.#cells, index) & ~STATE_BITS) | state)
  }

  /**
   * The thread starts a call it took itself: its fields are written, then it is `RUNNING` (under a
   * new call number). With a time limit (`limit` ms), the event loop is woken to watch it.
   */
  begin(thread: number, call: DirectCall, limit = 0): void {
    const base = this.#base(thread)
    const cells = this.#cells
    Atomics.add(cells, base + SEQ, 1)
    cells[base + CALL] = call.id
    cells[base + FN] = call.fn
    cells[base + S_LENGTH] = this.#write(thread, 0, S_BYTES, call.s)
    cells[base + REPLY_LENGTH] = this.#write(thread, S_BYTES, REPLY_BYTES, call.reply)
    Atomics.store(cells, base + STARTED, Date.now() - this.#epoch)
    Atomics.store(cells, base + LIMIT, limit)
    Atomics.add(cells, base + SEQ, 1)
    const generation = ((Atomics.load(cells, base + STATE) >>> 2) + 1) & 0x1fffffff
    Atomics.store(cells, base + STATE, (generation << 2) | RUNNING)
    if (limit > 0) {
      Atomics.add(cells, LIMITED, 1)
      Atomics.notify(cells, LIMITED)
    }
  }

  /** The call the thread runs (taken itself), if any; read consistently with the thread's writes. */
  running(thread: number): DirectCall | undefined {
    const base = this.#base(thread)
    const cells = this.#cells
    for (;;) {
      if ((Atomics.load(cells, base + STATE) & STATE_BITS) !== RUNNING) return undefined
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

  /**
   * The thread takes call `id` of scheduler `s` off NATS: recorded as taken, or false if the loop
   * marked it (aborted or reclaimed: the loop answered it, and the thread must not start it). With
   * `abort` below, one decides under the slot's lock: exactly one of them answers the call.
   */
  take(thread: number, s: string, id: number): boolean {
    this.#lock(thread)
    const marked = this.#has(thread, ABORTS_AT, s, id)
    if (!marked) this.#push(thread, TAKEN_AT, TAKEN_NEXT, s, id)
    this.#unlock(thread)
    return !marked
  }

  /** Whether the loop marked call `id` of scheduler `s` for the thread (and answered it). */
  aborted(thread: number, s: string, id: number): boolean {
    return this.#has(thread, ABORTS_AT, s, id)
  }

  /**
   * The loop would answer call `id` of scheduler `s`, sent to the thread, itself (its caller left,
   * or it is reclaimed to be sent again): true, and marked so the thread never starts it, if the
   * thread had not taken it; false if it had (the thread answers it).
   */
  abort(thread: number, s: string, id: number): boolean {
    this.#lock(thread)
    const taken = this.#has(thread, TAKEN_AT, s, id)
    if (!taken) this.#push(thread, ABORTS_AT, ABORTS_NEXT, s, id)
    this.#unlock(thread)
    return !taken
  }

  #lock(thread: number): void {
    const index = this.#base(thread) + LOCK
    // Held for a few microseconds; if its holder was descheduled meanwhile, sleep rather than spin.
    for (let spins = 0; Atomics.compareExchange(this.#cells, index, 0, 1) !== 0; spins++) {
      if (spins > 1000) Atomics.wait(this.#cells, index, 1, 1)
    }
  }

  #unlock(thread: number): void {
    Atomics.store(this.#cells, this.#base(thread) + LOCK, 0)
  }

  #push(thread: number, at: number, next: number, s: string, id: number): void {
    const base = this.#base(thread)
    const entry = (Atomics.add(this.#cells, base + next, 1) % RING) * 2
    Atomics.store(this.#cells, base + at + entry, hash(s))
    Atomics.store(this.#cells, base + at + entry + 1, id)
  }

  #has(thread: number, at: number, s: string, id: number): boolean {
    const base = this.#base(thread) + at
    const h = hash(s)
    for (let entry = 0; entry < RING * 2; entry += 2) {
      if (
        Atomics.load(this.#cells, base + entry + 1) === id &&
        Atomics.load(this.#cells, base + entry) === h
      ) {
        return true
      }
    }
    return false
  }

  /** Whether the thread has work: a call it took itself, or calls of the pool's. */
  occupied(thread: number): boolean {
    return this.state(thread) >= RUNNING || Atomics.load(this.#cells, this.#base(thread) + POOL) > 0
  }

  /** Threads taking calls off their own subjects (a heartbeat's `direct`). */
  taking(): number[] {
    const taking: number[] = []
    for (let thread = 0; thread < this.threads; thread++) {
      const state = this.state(thread)
      if (state === TAKING || state === RUNNING) taking.push(thread)
    }
    return taking
  }

  /** Threads running a call they took themselves. */
  directRunning(): number {
    let count = 0
    // A thread being stopped is busy until it is replaced.
    for (let thread = 0; thread < this.threads; thread++) if (this.state(thread) >= RUNNING) count++
    return count
  }

  #write(thread: number, offset: number, size: number, text: string): number {
    const bytes = new Uint8Array(this.buffer, HEADER * 4 + thread * SLOT_BYTES + SLOT_INTS * 4 + offset, size)
    const length = Math.min(text.length, size)
    for (let i = 0; i < length; i++) bytes[i] = text.charCodeAt(i) & 0x7f
    return length
  }

  #read(thread: number, offset: number, length: number): string {
    const bytes = new Uint8Array(
      this.buffer,
      HEADER * 4 + thread * SLOT_BYTES + SLOT_INTS * 4 + offset,
      length,
    )
    return String.fromCharCode(...bytes)
  }
}

const hashes = new Map<string, number>()

/** A scheduler id's 32-bit FNV-1a hash (never 0, the value of an empty ring entry). */
function hash(s: string): number {
  let h = hashes.get(s)
  if (h !== undefined) return h
  h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  h = h | 0 || 1
  if (hashes.size > 1024) hashes.clear()
  hashes.set(s, h)
  return h
}

type WaitAsync = {
  waitAsync(
    cells: Int32Array,
    index: number,
    value: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> }
}
