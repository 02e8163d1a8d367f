import type { Finisher } from '../endpoint.ts'
import { finishAfterBody } from './finish.ts'

/**
 * An app's work in flight after its responses: each response's background tasks and cleanups,
 * tracked until they end (`settled()`), and the signal that tells requests the server is stopping.
 */
export class PendingWork {
  readonly #pending = new Set<Promise<void>>()
  readonly #shutdown = new AbortController()

  /** Aborted once the server begins shutting down (every request's `ctx.signal` follows it). */
  get signal(): AbortSignal {
    return this.#shutdown.signal
  }

  /** Runs a response's background tasks and cleanups once its body is done, and tracks them. */
  readonly finisher: Finisher = (response, finish, executionCtx) =>
    finishAfterBody(response, finish, (done) => {
      this.#pending.add(done)
      void done.finally(() => this.#pending.delete(done))
      executionCtx?.waitUntil(done)
    })

  /** Tracks work that ends later (a WebSocket's handler and cleanups) until it settles. */
  track(done: Promise<void>): void {
    this.#pending.add(done)
    void done.finally(() => this.#pending.delete(done))
  }

  /** Resolves once every response tracked so far has finished its background tasks and cleanups. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  /** Aborts `signal`, once. */
  beginShutdown(): void {
    if (!this.#shutdown.signal.aborted) {
      this.#shutdown.abort(new DOMException('The server is shutting down.', 'AbortError'))
    }
  }
}

/**
 * The `Request` of `app.request(input, init)`: a path (`'/items/1'`, resolved against
 * `http://localhost`), a URL or a `Request`.
 */
export function testRequest(input: string | URL | Request, init: RequestInit | undefined): Request {
  if (input instanceof Request) return init ? new Request(input, init) : input
  return new Request(
    typeof input === 'string' && input.startsWith('/') ? `http://localhost${input}` : input,
    init,
  )
}
