import { isBlocking } from './execution/blocking.ts'

type Task = { fn: (...args: any[]) => unknown; args: unknown[] }

/**
 * The background tasks of one request, shared by its handler and dependencies. They run in the
 * order added, after the response has been sent and before request-scoped cleanups. Blocking
 * functions run on the pool (their arguments are cloned); others on the event loop (by reference).
 *
 * @example
 * app.post('/orders', { body: OrderIn }, ({ body, background }) => {
 *   background.add(sendConfirmation, body.email)
 *   return { queued: true }
 * })
 */
export class BackgroundTasks {
  readonly #tasks: Task[] = []
  #started = false
  readonly #label: string

  /** @internal */
  constructor(label: string) {
    this.#label = label
  }

  /** Adds a task: `fn(...args)` runs after the response. Throws once the tasks have started. */
  add<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
    if (typeof fn !== 'function') {
      throw new TypeError(`background.add() in ${this.#label} takes a function, got ${typeof fn}.`)
    }
    if (this.#started) {
      throw new Error(
        `background.add(${fn.name || 'anonymous'}) was called in ${this.#label} after its background tasks ` +
          'had started (from a request-scoped cleanup?), so it would never run. Add tasks in the handler, ' +
          "in a dependency before its yield, or in a cleanup of scope 'function'.",
      )
    }
    this.#tasks.push({ fn, args })
  }

  /** How many tasks were added. */
  get size(): number {
    return this.#tasks.length
  }

  /** @internal Runs the tasks in order; a failing task is logged and the next one still runs. */
  async run(logError: (message: string, error: unknown) => void): Promise<void> {
    this.#started = true
    for (const task of this.#tasks) {
      try {
        await task.fn(...task.args)
      } catch (error) {
        const kind = isBlocking(task.fn) ? 'blocking background task' : 'background task'
        logError(`The ${kind} ${task.fn.name || 'anonymous'} of ${this.#label} failed`, error)
      }
    }
  }

  /** @internal Marks the tasks as never to run (the request failed). */
  discard(): void {
    this.#started = true
  }
}
