// The memory a NATS worker's event loop shares with its pool threads (thread.ts): three counters,
// read and written with Atomics, so a thread sees the loop's view of the connection at once and
// the loop sees the answers the threads published without waiting for their messages.

const DELIVERED = 0
const CHANGES = 1
const UP = 2

/**
 * The shared cells: answers the threads published themselves, the worker connection's changes
 * (disconnects and reconnects), and whether it is up.
 *
 * @example
 * const cells = new WorkerCells()
 * // in a thread: new WorkerCells(options.shared)
 */
export class WorkerCells {
  readonly buffer: SharedArrayBuffer
  readonly #cells: Int32Array

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(12)) {
    this.buffer = buffer
    this.#cells = new Int32Array(buffer)
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
}
