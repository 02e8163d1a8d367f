import type { RemoteExecution } from '@tandem/core/adapter'

// Kept requests: what a worker keeps for each request of each scheduler (its local request on the
// thread pool, keyed `<scheduler>:<request>`), the threads held by their open blocking yield
// dependencies, and their release: asked by the scheduler, or when it went silent.

/** What a worker keeps for one request of one scheduler. */
export interface KeptRequest {
  local: number
  /** Open blocking yield dependencies (each holds its thread). */
  holds: number
}

export class KeptRequests {
  readonly #remote: RemoteExecution
  readonly #kept = new Map<string, KeptRequest>()
  /** Threads held by open blocking yield dependencies, over every kept request. */
  holding = 0

  constructor(remote: RemoteExecution) {
    this.#remote = remote
  }

  get size(): number {
    return this.#kept.size
  }

  get(s: string, request: number): KeptRequest | undefined {
    return this.#kept.get(`${s}:${request}`)
  }

  /** Keeps a new local request for the scheduler's request. */
  keep(s: string, request: number): KeptRequest {
    const kept = { local: this.#remote.newRequest(), holds: 0 }
    this.#kept.set(`${s}:${request}`, kept)
    return kept
  }

  /** A blocking yield dependency of `kept` opened: it holds its thread (unless released meanwhile). */
  hold(s: string, request: number, kept: KeptRequest): void {
    if (this.#kept.get(`${s}:${request}`) !== kept) return
    kept.holds++
    this.holding++
  }

  /** A cleanup of `kept` ran: one thread it held is free (unless released meanwhile). */
  unhold(s: string, request: number, kept: KeptRequest): void {
    if (kept.holds > 0 && this.#kept.get(`${s}:${request}`) === kept) {
      kept.holds--
      this.holding--
    }
  }

  /** The scheduler released its request: its values go, and the threads it held. */
  release(s: string, request: number): void {
    const requestKey = `${s}:${request}`
    const kept = this.#kept.get(requestKey)
    if (!kept) return
    this.#forget(requestKey, kept)
  }

  /** Releases every request of scheduler `s`; returns how many there were. */
  releaseAll(s: string): number {
    let released = 0
    for (const [requestKey, kept] of this.#kept) {
      if (!requestKey.startsWith(`${s}:`)) continue
      this.#forget(requestKey, kept)
      released++
    }
    return released
  }

  #forget(requestKey: string, kept: KeptRequest): void {
    this.#kept.delete(requestKey)
    this.holding -= kept.holds
    this.#remote.release(kept.local)
  }
}
