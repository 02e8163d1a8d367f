import type { Outcome } from '../endpoint.ts'

/**
 * Sees every request the app routes: `start` when it begins (with the route, `GET /items/:id`),
 * `end` when its response is ready. Adapters use it for the loop-blocking watchdog and metrics.
 */
export interface RequestObserver {
  start(route: string): unknown
  end(token: unknown): void
}

/** What becomes of one request's response or error (one object per request, no closures). */
export class RunOutcome implements Outcome {
  readonly #request: Request
  readonly #label: string
  readonly #observer: RequestObserver | undefined
  readonly #token: unknown
  readonly #answer: (error: unknown, request: Request, label: string) => Promise<Response>

  constructor(
    request: Request,
    label: string,
    observer: RequestObserver | undefined,
    token: unknown,
    answer: (error: unknown, request: Request, label: string) => Promise<Response>,
  ) {
    this.#request = request
    this.#label = label
    this.#observer = observer
    this.#token = token
    this.#answer = answer
  }

  done(response: Response): Response | Promise<Response> {
    if (this.#observer) this.#observer.end(this.#token)
    return this.#request.method === 'HEAD' ? headOnly(response) : response
  }

  failed(error: unknown): Promise<Response> {
    return this.#answer(error, this.#request, this.#label).then((response) => this.done(response))
  }
}

/** A HEAD answer: the GET answer's status and headers; its body is cancelled (so its cleanups run). */
async function headOnly(response: Response): Promise<Response> {
  await response.body?.cancel()
  return new Response(null, response)
}
