import { ANSWERED, CALL_CELLS, type CallCells, callCells, NOT_STARTED, RUNNING } from './protocol.ts'
import type { Task } from './task.ts'

/**
 * The pool's bookkeeping about one worker: its calls (sent, batched, waiting for it), its call
 * cells, its requests and its state. The channel to it is beside it, in its `WorkerLink`.
 */
export class Slot {
  readonly index: number
  readonly cells: CallCells
  /** Tasks sent to the worker and not answered yet, in the order it starts them. */
  readonly inflight: Task[] = []
  /** Calls sent this turn, posted together at its end (one message for many small calls). */
  outbox: Task[] = []
  /** Calls of requests bound to this worker, waiting for it. */
  readonly local: Task[] = []
  /** Requests whose values live on this worker. */
  readonly requests = new Set<number>()
  /** The request holding this worker exclusively (an open blocking yield dependency). */
  heldBy: number | undefined
  /** The worker started and registered the same blocking functions as the main thread. */
  ready = false
  /** Lost, stopped or closed: nothing more is sent to it. */
  dead = false
  /** Called when the worker answers `closed` (its teardown is done). */
  onClosed: (() => void) | undefined
  /** Moving average of how long calls run on this worker (ms), to decide how many to send ahead. */
  averageTook = -1
  /** The next check of this worker's calls against the pool's time limit. */
  timer: ReturnType<typeof setTimeout> | undefined
  /** When `timer` fires (`clockNow()` ms). */
  timerDue = 0
  readonly #freeFlags: number[] = []

  constructor(index: number, memory: SharedArrayBuffer) {
    this.index = index
    this.cells = callCells(memory)
    for (let i = CALL_CELLS - 1; i >= 0; i--) this.#freeFlags.push(i)
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

  /** A free call cell, cleared; -1 when all are taken (the call then counts as started once sent). */
  takeFlag(): number {
    const flag = this.#freeFlags.pop()
    if (flag === undefined) return -1
    Atomics.store(this.cells.aborts, flag, 0)
    Atomics.store(this.cells.marks, flag, NOT_STARTED)
    return flag
  }

  /** Gives cell `flag` back (a no-op for -1), its abort flag cleared. */
  freeFlag(flag: number): void {
    if (flag < 0) return
    Atomics.store(this.cells.aborts, flag, 0)
    this.#freeFlags.push(flag)
  }

  /** Takes a settled (or moved) call off the calls in flight; with none left, no time check is due. */
  remove(task: Task): void {
    const index = this.inflight.indexOf(task)
    if (index !== -1) this.inflight.splice(index, 1)
    this.freeFlag(task.flag)
    if (this.inflight.length === 0 && this.timer) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
  }

  /** Sets the abort flag of the call in cell `flag`, for synchronous code that polls `signal.aborted`. */
  abort(flag: number): void {
    if (flag >= 0) Atomics.store(this.cells.aborts, flag, 1)
  }

  /**
   * Whether the call in cell `flag` has started on the worker (as the worker marked it: messages in
   * transit do not matter). A call without a cell counts as started: it is never run twice.
   */
  started(flag: number): boolean {
    return flag < 0 || Atomics.load(this.cells.marks, flag) !== NOT_STARTED
  }

  /** Whether the call in cell `flag` settled on the worker and its answer was posted. */
  answered(flag: number): boolean {
    return flag >= 0 && Atomics.load(this.cells.marks, flag) === ANSWERED
  }

  /** When the call in cell `flag` started (`clockNow()` ms), or undefined if it has not, or is done. */
  startedAt(flag: number): number | undefined {
    if (flag < 0) return undefined
    // The mark is stored after the start time: an atomic load of RUNNING makes the time visible.
    if (Atomics.load(this.cells.marks, flag) !== RUNNING) return undefined
    return this.cells.starts[flag]
  }

  /** Folds a call's run time into the moving average. */
  recordTook(took: number): void {
    this.averageTook = this.averageTook < 0 ? took : this.averageTook * 0.8 + took * 0.2
  }
}
