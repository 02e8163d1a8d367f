import type { WorkerLink } from './link.ts'

/**
 * Request affinity, the pool's bookkeeping of which worker holds which request: a request's
 * blocking steps run on the worker its first step went to (bound), which keeps its values there
 * (anchored, once a step finished there) until the request is released. An open blocking yield
 * dependency holds its worker for its request alone until its cleanup ran (holds). A request whose
 * worker died with its values on it is lost: its later steps fail at once.
 */
export class RequestAffinity {
  readonly #bound = new Map<number, WorkerLink>()
  /** Open blocking yield dependencies per request (each holds the worker). */
  readonly #holds = new Map<number, number>()
  readonly #lost = new Set<number>()
  /** Requests with state on their worker (a step of theirs has finished there). */
  readonly #anchored = new Set<number>()

  /** The worker a request is bound to. */
  linkOf(request: number): WorkerLink | undefined {
    return this.#bound.get(request)
  }

  /** Whether the request's values were lost with its worker (its later steps fail at once). */
  isLost(request: number): boolean {
    return this.#lost.has(request)
  }

  /** Whether a step of the request finished on its worker, so its values may live there. */
  isAnchored(request: number): boolean {
    return this.#anchored.has(request)
  }

  /** Binds a request to the worker its first step was sent to. */
  bind(request: number, link: WorkerLink): void {
    this.#bound.set(request, link)
    link.slot.requests.add(request)
  }

  /** A step of the request finished on its worker: its values may live there now. */
  anchor(request: number): void {
    this.#anchored.add(request)
  }

  /** A blocking yield dependency of the request reached its yield: it holds the worker. */
  hold(request: number): void {
    this.#holds.set(request, (this.#holds.get(request) ?? 0) + 1)
  }

  /** A holding step failed before it held: the worker is free again if nothing else holds it. */
  failedToHold(request: number, link: WorkerLink): void {
    if (!this.#holds.get(request) && link.slot.heldBy === request) link.slot.heldBy = undefined
  }

  /** A held dependency's cleanup ran: once none is left, the worker takes other requests again. */
  exited(request: number): void {
    const open = (this.#holds.get(request) ?? 1) - 1
    if (open > 0) {
      this.#holds.set(request, open)
      return
    }
    this.#holds.delete(request)
    const slot = this.#bound.get(request)?.slot
    if (slot?.heldBy === request) slot.heldBy = undefined
  }

  /** The request is done: forget it. Returns the worker that kept its values, to tell it too. */
  release(request: number): WorkerLink | undefined {
    this.#lost.delete(request)
    this.#anchored.delete(request)
    this.#holds.delete(request)
    const link = this.#bound.get(request)
    if (!link) return undefined
    this.#bound.delete(request)
    link.slot.requests.delete(request)
    if (link.slot.heldBy === request) link.slot.heldBy = undefined
    return link
  }

  /**
   * A worker died: its requests are unbound; those whose values were on it (`stranded`: anchored,
   * or with a step that ran there) are lost.
   */
  workerLost(link: WorkerLink, stranded: ReadonlySet<number>): void {
    for (const request of link.slot.requests) {
      this.#bound.delete(request)
      this.#holds.delete(request)
    }
    for (const request of stranded) this.#lost.add(request)
  }
}
