import type { App, HttpMethod, PrefixRoutes, RouteEntry } from '@tandem/core'
import type { CallArgs, SocketArgs } from './input.ts'
import { buildRequest, callUrl, type RawInput } from './request.ts'
import type { CallResult, SocketOf } from './result.ts'
import { openSocket } from './socket.ts'
import { jsonLines, serverSentEvents } from './streams.ts'

/** The routes of an app's type by method, then full path (its prefix applied). */
export type RoutesOf<A> = A extends App<any, any, infer P, infer R, infer X> ? PrefixRoutes<R, P, X> : never

type MethodRoutes<A, M extends HttpMethod | 'WS'> =
  RoutesOf<A> extends infer R ? (M extends keyof R ? R[M] : {}) : never

/** What the path argument says when the app's type has no routes (they were declared as statements). */
export type NoRoutes =
  'This app type has no routes of this method: declare routes in a chain (new App().get(...).post(...)) or in routers included with app.include(); see docs/client.md'

/**
 * One method of the client: the route's path as declared, then its input. `Paths` (the method's
 * paths) is computed once per method: a call then checks its path against a union of literals, not
 * against `keyof` of the routes' map.
 *
 * @example
 * const get: MethodCall<RoutesOf<typeof app>['GET']> = createClient<typeof app>(url).get
 */
export type MethodCall<Routes, Paths extends keyof Routes = keyof Routes & string> = <
  P extends [Paths] extends [never] ? NoRoutes : Paths,
>(
  path: P,
  ...input: P extends Paths ? CallArgs<Routes[P], P & string> : [input?: never]
) => Promise<P extends Paths ? CallResult<Routes[P]> : never>

/**
 * The client's `ws()`: a WebSocket route's path as declared, then its handshake inputs; it resolves
 * to the open socket, typed by the route's `receive` and `send` schemas.
 *
 * @example
 * const open: SocketCall<RoutesOf<typeof app>['WS']> = createClient<typeof app>(url).ws
 */
export type SocketCall<Routes, Paths extends keyof Routes = keyof Routes & string> = <
  P extends [Paths] extends [never] ? NoRoutes : Paths,
>(
  path: P,
  ...input: P extends Paths ? SocketArgs<Routes[P], P & string> : [input?: never]
) => Promise<P extends Paths ? SocketOf<Routes[P]> : never>

/**
 * Where a client's type keeps its routes by method, for its methods to read through `this`: a
 * type-only key (the client object has no such property).
 */
declare const ROUTES: unique symbol

/** Any route entry (the constraint of a method's lookups). */
type AnyEntry = RouteEntry<any, any, any>

/** A call's arguments after the path, or `[input?: unknown]` for any entry (a detached method). */
type ArgsOf<E extends AnyEntry, Args> = 0 extends 1 & E['declaration'] ? [input?: unknown] : Args

/**
 * A method of `Client` (`M`): `MethodCall`'s call shape, the route looked up in the routes the
 * client's type keeps (`Rt`, inferred from `this`). TypeScript then finds the route without
 * instantiating the whole route map again for each call (about 900 instantiations a call in a
 * 200-route app, a third of a call's cost). Called detached (`const { get } = client`), the method
 * has no `this` to read and is typed loosely: type it with `MethodCall` to keep its types.
 */
type ClientMethod<Routes, M extends string, Paths extends keyof Routes = keyof Routes & string> = <
  P extends [Paths] extends [never] ? NoRoutes : Paths,
  Rt extends Record<string, AnyEntry> = Record<string, AnyEntry>,
  E extends AnyEntry = Rt[P & keyof Rt],
>(
  // biome-ignore lint/suspicious/noConfusingVoidType: a detached call's `this` is void.
  this: { readonly [ROUTES]?: { readonly [m in M]?: Rt } } | void,
  path: P,
  ...input: P extends Paths ? ArgsOf<E, CallArgs<E, P & string>> : [input?: never]
) => Promise<P extends Paths ? CallResult<E> : never>

/** `ws()` of `Client`: `SocketCall`'s call shape, the route read as `ClientMethod` reads it. */
type ClientSocketMethod<Routes, Paths extends keyof Routes = keyof Routes & string> = <
  P extends [Paths] extends [never] ? NoRoutes : Paths,
  Rt extends Record<string, AnyEntry> = Record<string, AnyEntry>,
  E extends AnyEntry = Rt[P & keyof Rt],
>(
  // biome-ignore lint/suspicious/noConfusingVoidType: a detached call's `this` is void.
  this: { readonly [ROUTES]?: { readonly WS?: Rt } } | void,
  path: P,
  ...input: P extends Paths ? ArgsOf<E, SocketArgs<E, P & string>> : [input?: never]
) => Promise<P extends Paths ? SocketOf<E> : never>

/** A client's routes by method (`HEAD` with the `GET` routes, which answer it too). */
interface ClientRoutes<A> {
  GET: MethodRoutes<A, 'GET'>
  POST: MethodRoutes<A, 'POST'>
  PUT: MethodRoutes<A, 'PUT'>
  PATCH: MethodRoutes<A, 'PATCH'>
  DELETE: MethodRoutes<A, 'DELETE'>
  HEAD: MethodRoutes<A, 'HEAD'> & MethodRoutes<A, 'GET'>
  OPTIONS: MethodRoutes<A, 'OPTIONS'>
  WS: MethodRoutes<A, 'WS'>
}

/**
 * A typed client of an app: one method per HTTP method, called with a route's path as declared
 * (`'/orders/:id'`) and its inputs; it resolves to `{ ok, status, data, error, response }`.
 *
 * @example
 * const client = createClient<typeof app>('http://localhost:8000')
 * const res = await client.get('/orders/:id', { params: { id: 1 } })
 * if (res.status === 200) console.log(res.data.total)
 * else if (res.status === 422) console.log(res.error.detail[0]?.msg)
 */
export interface Client<A> {
  /** The routes by method, read by the methods' types (type-only: the client has no such property). */
  readonly [ROUTES]?: ClientRoutes<A>
  get: ClientMethod<ClientRoutes<A>['GET'], 'GET'>
  post: ClientMethod<ClientRoutes<A>['POST'], 'POST'>
  put: ClientMethod<ClientRoutes<A>['PUT'], 'PUT'>
  patch: ClientMethod<ClientRoutes<A>['PATCH'], 'PATCH'>
  delete: ClientMethod<ClientRoutes<A>['DELETE'], 'DELETE'>
  /** `HEAD`: every `GET` route answers it too (without a body: `data` is `null`). */
  head: ClientMethod<ClientRoutes<A>['HEAD'], 'HEAD'>
  options: ClientMethod<ClientRoutes<A>['OPTIONS'], 'OPTIONS'>
  /**
   * Opens a WebSocket route (`app.ws()`): resolves once the socket is open. Headers and cookies are
   * sent where the runtime's `WebSocket` takes them (Node, Bun; not browsers).
   */
  ws: ClientSocketMethod<ClientRoutes<A>['WS']>
}

/** What sends a request: the global `fetch`, `app.fetch`, or any function of a `Request`. */
export type Fetch = (request: Request) => Response | Promise<Response>

/** Options of `createClient()`. */
export interface ClientOptions {
  /** Sends each request (default: the global `fetch`). */
  fetch?: Fetch
  /** Headers sent with every call (credentials...), or a function giving them per call. */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>)
  /** Opens sockets for `ws()` (default: the global `WebSocket`). */
  WebSocket?: typeof WebSocket
}

const NO_BODY = new Set([204, 205, 304])

/**
 * The answer, or the signal's reason once it aborts: `fetch` does this itself, a `fetch` option that
 * ignores signals (`app.request`) does not.
 */
function abortable(answer: Response | Promise<Response>, signal: AbortSignal): Promise<Response> {
  if (!(answer instanceof Promise)) return Promise.resolve(answer)
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}

/** The body of an answer: a stream as an async iterable, JSON parsed, text as text, nothing as null. */
async function readBody(response: Response, method: string): Promise<unknown> {
  if (method === 'HEAD' || NO_BODY.has(response.status) || response.body === null) return null
  const type = (response.headers.get('content-type') ?? '').toLowerCase()
  if (type.startsWith('application/jsonl') || type.startsWith('application/x-ndjson'))
    return jsonLines(response.body)
  if (type.startsWith('text/event-stream')) return serverSentEvents(response.body)
  const text = await response.text()
  if (/^application\/(?:[\w.+-]+\+)?json\b/.test(type)) return text ? JSON.parse(text) : null
  return text
}

/**
 * A typed client of the app whose type is `A` (`typeof app`), sending requests with `fetch` (browsers,
 * Node, Bun, Deno, workerd). Each route is called by its method and its path as declared; inputs and
 * results are typed from the route's declaration (docs/client.md).
 *
 * @example
 * import { createClient } from '@tandem/client'
 * import type { app } from './app.ts'
 *
 * const shop = createClient<typeof app>('http://localhost:8000', { headers: { 'x-api-key': key } })
 * const res = await shop.post('/orders', { body: { customer: 'Ann', items: [{ burger: 'classic', qty: 1 }] } })
 * if (res.ok) console.log(res.data.id)
 */
export function createClient<A>(baseUrl: string | URL, options: ClientOptions = {}): Client<A> {
  const base = String(baseUrl)
  const send: Fetch = options.fetch ?? ((request) => fetch(request))
  const headers = options.headers
  const prepare = async (method: string, path: string, input: RawInput) =>
    buildRequest(
      method,
      callUrl(base, path, input),
      input,
      new Headers(typeof headers === 'function' ? await headers() : headers),
    )
  const call =
    (method: HttpMethod) =>
    async (path: string, input: RawInput = {}): Promise<unknown> => {
      const request = await prepare(method, path, input)
      request.signal.throwIfAborted()
      const response = await abortable(send(request), request.signal)
      const body = await readBody(response, method)
      return response.ok
        ? { ok: true, status: response.status, data: body, error: undefined, response }
        : { ok: false, status: response.status, data: undefined, error: body, response }
    }
  return {
    get: call('GET'),
    post: call('POST'),
    put: call('PUT'),
    patch: call('PATCH'),
    delete: call('DELETE'),
    head: call('HEAD'),
    options: call('OPTIONS'),
    ws: async (path: string, input: RawInput & { protocols?: string | string[] } = {}) => {
      const request = await prepare('GET', path, input)
      const url = request.url.replace(/^http/, 'ws')
      const Socket = options.WebSocket ?? WebSocket
      const sent = [...request.headers]
      // A second argument with headers is Node's and Bun's extension; browsers take protocols only.
      const raw = sent.length
        ? new Socket(url, { headers: Object.fromEntries(sent), protocols: input.protocols } as never)
        : new Socket(url, input.protocols)
      return openSocket(raw, url)
    },
  } as unknown as Client<A>
}

/** An app that answers requests in-process (`app.request()`). */
export interface RequestHandler {
  request(input: Request): Promise<Response>
}

/**
 * The same typed client over `app.request()`: no server, no network, for tests. The lifespan starts
 * on the first call; blocking functions run inline.
 *
 * @example
 * import { testClient } from '@tandem/client'
 * const client = testClient(app)
 * const res = await client.get('/menu')
 * expect(res.status).toBe(200)
 */
export function testClient<A extends RequestHandler>(
  app: A,
  options: Omit<ClientOptions, 'fetch'> & { baseUrl?: string } = {},
): Client<A> {
  const client = createClient<A>(options.baseUrl ?? 'http://localhost', {
    ...options,
    fetch: (request) => app.request(request),
  })
  client.ws = () =>
    Promise.reject(
      new TypeError(
        'testClient() calls the app in-process, without WebSockets: open sockets with createClient() on a served app (serve(app) from @tandem/node).',
      ),
    )
  return client
}
