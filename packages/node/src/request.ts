import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { refusedAtShutdown } from './drain.ts'
import { answerFromReal } from './lazy.ts'
import { INCOMING, NodeRequestHeaders, REAL, rawHeaders } from './request-headers.ts'
import { requestUrl } from './request-url.ts'

/**
 * The Web `Request` a Node request becomes, made lazily: method, URL and header lookups come
 * straight from Node's `IncomingMessage`; anything else (the body as a stream, `clone()`,
 * `formData()`...) builds the real `Request` on first use and answers from it. Building a real
 * `Request` for every request costs more than the rest of a small route's work.
 */

/** The runtime's own class, kept before `installFetchGlobals()` replaces the globals. */
export const NativeRequest: typeof Request = globalThis.Request

const REAL_REQUEST = Symbol('tandem.realRequest')
const KEPT = Symbol('tandem.keptBody')

/** The lazy `Request` of one Node request. */
class NodeRequest {
  readonly [INCOMING]: IncomingMessage
  readonly #outgoing: ServerResponse
  readonly #url: string
  #headers: NodeRequestHeaders | undefined
  #signal: AbortSignal | undefined;
  [REAL]: Request | undefined;
  /** The body as Tandem read it for the route (so a handler can read it again). */
  [KEPT]: Uint8Array | Promise<Uint8Array> | undefined

  constructor(incoming: IncomingMessage, outgoing: ServerResponse, url: string) {
    this[INCOMING] = incoming
    this.#outgoing = outgoing
    this.#url = url
  }

  get method(): string {
    return this[INCOMING].method ?? 'GET'
  }

  get url(): string {
    return this.#url
  }

  get headers(): Headers {
    if (this[REAL]) return this[REAL].headers
    this.#headers ??= new NodeRequestHeaders(this[INCOMING])
    return this.#headers as unknown as Headers
  }

  /**
   * Aborted when the client goes away before the response is complete, or when the server answered
   * the request itself (503 at the shutdown deadline).
   */
  get signal(): AbortSignal {
    if (!this.#signal) {
      const controller = new AbortController()
      const outgoing = this.#outgoing
      const left = () => !outgoing.writableFinished || refusedAtShutdown(outgoing)
      if (outgoing.closed && left()) controller.abort()
      else {
        outgoing.once('close', () => {
          if (left()) controller.abort()
        })
      }
      this.#signal = controller.signal
    }
    return this.#signal
  }

  get bodyUsed(): boolean {
    return this[REAL]?.bodyUsed ?? false
  }

  /** Whether the request carries a body (a length above 0, or chunks), as the real `Request` will say. */
  #hasBody(): boolean {
    const incoming = this[INCOMING]
    const method = this.method
    if (method === 'GET' || method === 'HEAD') return false
    const declared = incoming.headers['content-length']
    return (declared !== undefined && declared !== '0') || incoming.headers['transfer-encoding'] !== undefined
  }

  /** The body stream; `null` without building the real `Request` when there is no body. */
  get body(): ReadableStream<Uint8Array> | null {
    if (!this[REAL] && !this.#hasBody()) return null
    return this[REAL_REQUEST]().body
  }

  /** The body for the real `Request`: what Tandem kept when it read it, else the message itself. */
  #body(): BodyInit {
    const kept = this[KEPT]
    if (kept === undefined) return Readable.toWeb(this[INCOMING]) as unknown as ReadableStream<Uint8Array>
    if (kept instanceof Uint8Array) return kept as Uint8Array<ArrayBuffer>
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        controller.enqueue(await kept)
        controller.close()
      },
    })
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: Function): string {
    if (this[REAL]) return inspect(this[REAL], options)
    return `Request (lazy) ${inspect({ method: this.method, url: this.#url, headers: this.headers }, options)}`
  }

  /** The real `Request`, built once (its body streams from the `IncomingMessage`). */
  [REAL_REQUEST](): Request {
    if (!this[REAL]) {
      const incoming = this[INCOMING]
      const method = this.method
      const hasBody = this.#hasBody()
      const headers = this.#headers?.[REAL] ?? rawHeaders(incoming)
      this[REAL] = new NativeRequest(this.#url, {
        method,
        headers,
        signal: this.signal,
        ...(hasBody ? { body: this.#body(), duplex: 'half' } : {}),
      } as RequestInit)
    }
    return this[REAL]
  }
}

// Everything else a Request has answers from the real one.
answerFromReal(NodeRequest.prototype, NativeRequest.prototype, (self) =>
  (self as NodeRequest)[REAL_REQUEST](),
)

/** The lazy `Request` of a Node request (throws `BadRequestTarget` for a target that makes no URL). */
export function nodeRequest(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  fallbackHost: string,
): Request {
  return new NodeRequest(incoming, outgoing, requestUrl(incoming, fallbackHost)) as unknown as Request
}

/** The real `Request` behind a lazy one (itself for any other request). */
export function realRequest(request: Request): Request {
  return request instanceof NodeRequest ? request[REAL_REQUEST]() : request
}

/**
 * Keeps the body Tandem read from a lazy request's message (the bytes, or their promise), so that a
 * handler reading `ctx.request` afterwards gets them again instead of an exhausted stream.
 */
export function keepBody(request: Request, body: Uint8Array | Promise<Uint8Array>): void {
  if (request instanceof NodeRequest && !request[REAL]) request[KEPT] = body
}

/** Whether a value is one of these lazy requests. */
export function isNodeRequest(value: unknown): value is Request {
  return value instanceof NodeRequest
}
