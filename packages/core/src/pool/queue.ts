import type { Task } from './task.ts'

/**
 * The pool's shared FIFO of calls waiting for any worker, fair across callers. Taken from the head
 * by index (not `shift()`, which copies), and compacted now and then.
 */
export class CallQueue {
  readonly #tasks: Task[] = []
  #head = 0

  /** Calls waiting. */
  get length(): number {
    return this.#tasks.length - this.#head
  }

  /** Adds a call at the tail. */
  push(task: Task): void {
    this.#tasks.push(task)
  }

  /** The call at the head, or undefined when none waits. */
  peek(): Task | undefined {
    return this.#head < this.#tasks.length ? this.#tasks[this.#head] : undefined
  }

  /** Takes the call at the head off the queue. */
  drop(): void {
    this.#tasks[this.#head++] = undefined as never
  }

  /** Puts calls back at the head, in their order (calls that must run before the ones waiting). */
  requeue(tasks: Task[]): void {
    this.#tasks.splice(this.#head, 0, ...tasks)
  }

  /** Takes a waiting call off the queue, wherever it is; false when it was not there. */
  remove(task: Task): boolean {
    const index = this.#tasks.indexOf(task, this.#head)
    if (index === -1) return false
    this.#tasks.splice(index, 1)
    return true
  }

  /** Frees the taken head once it is most of the array. */
  compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#tasks.length) {
      this.#tasks.splice(0, this.#head)
      this.#head = 0
    }
  }

  /** Empties the queue, returning the calls that waited. */
  clear(): Task[] {
    const waiting = this.#tasks.slice(this.#head)
    this.#tasks.length = 0
    this.#head = 0
    return waiting
  }
}
