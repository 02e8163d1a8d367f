import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { isNodeRequest, NativeRequest, nodeRequest, realRequest } from './request.ts'
import { BadRequestTarget } from './request-url.ts'
import { NodeResponse } from './response.ts'
import { discardResponse, writeResponse } from './write-response.ts'

/** What a Node request's `env` holds for the app (`@tandem/node`'s body reader uses `incoming`). */
export interface NodeEnv {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

type Fetch = (request: Request, env: NodeEnv) => Response | Promise<Response>

/**
 * The `node:http` request listener of an app's `fetch`: each request becomes a lazy `Request`,
 * and the app's `Response` is written to Node's response. A request with a body is dispatched once
 * the packet that brought its headers has been parsed (one microtask): a small body is whole by
 * then, so the app reads it without waiting. `host()` is the `Host` to assume when a request has
 * none (HTTP/1.0). `onError` hears of what the app itself did not answer (it answers everything it
 * can; this is the last resort), and of response streams that failed.
 */
export function createListener(
  fetch: Fetch,
  host: () => string,
  onError: (message: string, error: unknown) => void,
): RequestListener {
  const handle = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    let request: Request
    try {
      request = nodeRequest(incoming, outgoing, host())
    } catch (error) {
      if (!(error instanceof BadRequestTarget)) throw error
      outgoing.writeHead(400, { 'content-type': 'application/json' })
      outgoing.end(
        JSON.stringify({
          detail: `Bad request: ${error.message}. Send a valid Host header and request path.`,
        }),
      )
      return
    }
    let response: Response | Promise<Response>
    try {
      response = fetch(request, { incoming, outgoing })
    } catch (error) {
      failed(outgoing, error)
      return
    }
    if (response instanceof Promise)
      response.then(
        (r) => send(r, outgoing),
        (error) => failed(outgoing, error),
      )
    else send(response, outgoing)
  }

  const send = (response: Response, outgoing: ServerResponse) => {
    if (outgoing.writableEnded) {
      // Answered already (503 at the shutdown deadline): the app's answer has nowhere to go.
      discardResponse(response)
      return
    }
    let streaming: Promise<void> | undefined
    try {
      streaming = writeResponse(response, outgoing)
    } catch (error) {
      failed(outgoing, error)
      return
    }
    streaming?.catch((error) => onError('Writing a response stream failed', error))
  }

  const failed = (outgoing: ServerResponse, error: unknown) => {
    onError(
      'The app did not answer a request (this is a bug in Tandem or an adapter: please report it)',
      error,
    )
    if (outgoing.writableEnded) return
    if (outgoing.headersSent) {
      outgoing.destroy()
      return
    }
    outgoing.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
    outgoing.end('Internal Server Error')
  }

  return (incoming, outgoing) => {
    if (incoming.headers['content-length'] === undefined) handle(incoming, outgoing)
    else queueMicrotask(() => handle(incoming, outgoing))
  }
}

/** `Request` as `serve()` installs it: `new Request(ctx.request, init)` works with a lazy request. */
class NodeRequestConstructor extends NativeRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(isNodeRequest(input) ? realRequest(input) : input, init)
  }

  /** Lazy requests and the runtime's own are `Request`s too (a subclass keeps the usual check). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's check must stay its own
    const target = this === NodeRequestConstructor ? NativeRequest : this
    return Function.prototype[Symbol.hasInstance].call(target, value)
  }
}

/**
 * Makes the global `Request` and `Response` the ones lazy requests and light responses need (as
 * `@hono/node-server` does): `new Response(text)` stays light, `new Request(ctx.request)` and
 * `fetch(ctx.request)` read the real request, and `instanceof` holds for the runtime's own objects.
 */
export function installFetchGlobals(): void {
  if (globalThis.Response === NodeResponse) return
  Object.defineProperty(globalThis, 'Request', {
    value: NodeRequestConstructor,
    writable: true,
    configurable: true,
  })
  Object.defineProperty(globalThis, 'Response', { value: NodeResponse, writable: true, configurable: true })
  // `fetch(ctx.request)` (a proxy forwarding the request) sends the real request.
  const nativeFetch = globalThis.fetch
  const fetchWithLazyRequests: typeof fetch = (input, init) =>
    nativeFetch(isNodeRequest(input) ? realRequest(input) : input, init)
  Object.defineProperty(globalThis, 'fetch', {
    value: fetchWithLazyRequests,
    writable: true,
    configurable: true,
  })
}

/** Node's compiler for core's generated code (response writers): `new Function`. */
export function compileFunction(
  parameters: readonly string[],
  body: string,
): (...args: unknown[]) => unknown {
  return new Function(...parameters, body) as (...args: unknown[]) => unknown
}
