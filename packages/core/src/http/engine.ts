import { Hono, type Context as HonoContext, type MiddlewareHandler } from 'hono'
import { TrieRouter } from 'hono/router/trie-router'
import { tryDecodeURIComponent } from 'hono/utils/url'
import type { MountedEndpoint } from '../endpoint.ts'
import type { ExecutionContextLike } from '../execution/execution-context.ts'

/**
 * The routing engine of an app, built from its routes on the first request (and again after they
 * change): a Hono instance with the middleware, the docs routes and one handler per route, Hono's
 * 404 hook answering FastAPI's 404, 405 (with `Allow`) and 307 slash redirects, and, when the app
 * has no middleware, a direct match that skips Hono's context for declared routes. With middleware,
 * every answer the engine makes (routes, docs, 404/405/307, errors) keeps the headers middleware set
 * on Hono's context before `next()`, as Hono's own `c.json()` does.
 */

const JSON_HEADERS = { 'content-type': 'application/json' }
const NOT_FOUND = '{"detail":"Not Found"}'
const METHOD_NOT_ALLOWED = '{"detail":"Method Not Allowed"}'

/** Parameters of a route without any (shared, never written). */
export const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>

/** What the engine calls back into the app for. */
export interface EngineHooks {
  /** Serves a request for `mounted` (from the direct match or from Hono's handler). */
  dispatch(
    mounted: MountedEndpoint,
    request: Request,
    params: Record<string, string>,
    env: unknown,
    executionCtx: ExecutionContextLike | undefined,
  ): Response | Promise<Response>
  /** The execution context kept beside a request that went through Hono. */
  executionCtx(c: HonoContext): ExecutionContextLike | undefined
  /** Answers an error thrown by middleware. */
  middlewareError(error: Error, request: Request): Response | Promise<Response>
}

/** A handler of the engine's own (a route, a docs page, the 404 hook): it answers with a `Response`. */
export type EngineHandler = (c: HonoContext) => Response | Promise<Response>

/** Adds a `GET` route of the engine's own (the docs pages). */
export type AddGetRoute = (path: string, handler: EngineHandler) => void

/** What the engine is built from. */
export interface EngineSource {
  middleware: readonly { path: string; handlers: MiddlewareHandler[] }[]
  /** The app's routes, mounted (full paths, dependencies analysed). */
  endpoints: readonly MountedEndpoint[]
  /** Adds the docs routes (`/openapi.json`, `/docs`, `/redoc`). */
  docs: (get: AddGetRoute) => void
  redirectSlashes: boolean
}

/** A declared route found by the direct match, with its decoded path parameters. */
export interface DirectMatch {
  mounted: MountedEndpoint
  params: Record<string, string>
}

/** The engine of one build of an app's routes (internal: the app makes a new one when routes change). */
export class Engine {
  readonly hono = new Hono()
  /** Every route's methods by path (the 405 and 307 answers ask it). */
  readonly #index = new TrieRouter<string>()
  /** Each route's Hono handler and the endpoint it serves. */
  readonly #endpoints = new Map<Function, MountedEndpoint>()
  /** No middleware: declared routes can be served without Hono's context. */
  readonly #direct: boolean
  readonly #redirectSlashes: boolean

  constructor(source: EngineSource, hooks: EngineHooks) {
    const hono = this.hono
    this.#direct = source.middleware.length === 0
    this.#redirectSlashes = source.redirectSlashes
    // Without middleware nothing can have set headers on the context: the handlers as they are.
    const answer = this.#direct ? (handler: EngineHandler) => handler : keepingContextHeaders
    for (const { path, handlers } of source.middleware) hono.use(path, ...handlers)
    source.docs((path, handler) => {
      hono.get(path, answer(handler))
    })
    const heads = new Set(source.endpoints.filter((e) => e.endpoint.method === 'HEAD').map((e) => e.path))
    for (const mounted of source.endpoints) {
      const methods = [mounted.endpoint.method]
      if (methods[0] === 'GET' && !heads.has(mounted.path)) methods.push('HEAD')
      for (const method of methods) this.#index.add('ALL', mounted.path, method)
      const handler = answer((c: HonoContext) => {
        const request = c.req.raw
        const params = mounted.hasParams ? inPathOrder(mounted.paramNames, c.req.param()) : NO_PARAMS
        return hooks.dispatch(mounted, request, params, c.env, hooks.executionCtx(c))
      })
      this.#endpoints.set(handler, mounted)
      hono.on(methods, mounted.path, handler)
    }
    hono.notFound(answer((c) => this.#notFound(c.req.raw, c.req.path)))
    hono.onError((error, c) => {
      const out = hooks.middlewareError(error, c.req.raw)
      return this.#direct ? out : Promise.resolve(out).then((response) => withContextHeaders(c, response))
    })
  }

  /**
   * The declared route a request is for, when the app has no middleware and exactly one route
   * matches (matched by Hono's own router); undefined otherwise (404, 405, 307, HEAD, docs pages,
   * middleware): those take Hono's `fetch`.
   */
  match(request: Request): DirectMatch | undefined {
    if (!this.#direct || request.method === 'HEAD') return undefined
    const [matches, stash] = this.hono.router.match(request.method, this.hono.getPath(request)) as [
      [[Function, unknown], Record<string, number | string>][],
      string[] | undefined,
    ]
    const mounted = matches.length === 1 ? this.#endpoints.get(matches[0]![0][0]) : undefined
    if (!mounted) return undefined
    return {
      mounted,
      params: mounted.hasParams ? decodedParams(mounted.paramNames, matches[0]![1], stash) : NO_PARAMS,
    }
  }

  #notFound(request: Request, path: string): Response {
    const allowed = this.#methodsFor(path)
    if (allowed.length > 0) {
      return new Response(METHOD_NOT_ALLOWED, {
        status: 405,
        headers: { ...JSON_HEADERS, allow: allowed.join(', ') },
      })
    }
    if (this.#redirectSlashes && path !== '/') {
      const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`
      if (this.#methodsFor(other).length > 0) {
        const url = new URL(request.url)
        url.pathname = other
        return new Response(null, { status: 307, headers: { location: url.toString() } })
      }
    }
    return new Response(NOT_FOUND, { status: 404, headers: JSON_HEADERS })
  }

  #methodsFor(path: string): string[] {
    const [matches] = this.#index.match('ALL', path) as unknown as [[string, unknown][]]
    return [...new Set(matches.map(([method]) => method))]
  }
}

/**
 * A handler whose answer keeps the headers middleware set on Hono's context before `next()`
 * (`c.header()`: requestId's `X-Request-Id`, for one). Hono adds them to what `c.json()` and friends
 * make; Tandem makes its own responses, so they are added here: the response's own headers win,
 * cookies add up.
 */
function keepingContextHeaders(handler: EngineHandler): EngineHandler {
  const answered = (c: HonoContext, response: Response) => {
    if (!c.finalized) return withContextHeaders(c, response)
    // Middleware answered already (timeout()'s 504 while the route ran), and Hono drops this
    // answer: its body is cancelled, so the request's cleanups still run.
    response.body?.cancel().catch(() => {})
    return response
  }
  return (c) => {
    const out = handler(c)
    return out instanceof Promise ? out.then((response) => answered(c, response)) : answered(c, out)
  }
}

function withContextHeaders(c: HonoContext, response: Response): Response {
  // The context's headers as Hono would start a response with them (with a status of our own: the
  // context's may be one a Response cannot have).
  const prepared = c.newResponse(null, 200).headers
  try {
    addHeaders(response.headers, prepared)
    return response
  } catch {
    // Headers that cannot change (a response from fetch()): a copy's can.
    let copy: Response
    try {
      copy = new Response(response.body, response)
    } catch {
      return response
    }
    addHeaders(copy.headers, prepared)
    return copy
  }
}

function addHeaders(headers: Headers, prepared: Headers): void {
  for (const [name, value] of prepared)
    if (name !== 'set-cookie' && !headers.has(name)) headers.set(name, value)
  for (const cookie of prepared.getSetCookie()) headers.append('set-cookie', cookie)
}

/** Hono's decoded parameters in the path's order (as the direct match gives them). */
function inPathOrder(names: readonly string[], decoded: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {}
  for (const name of names) if (decoded[name] !== undefined) params[name] = decoded[name]
  return params
}

/** A route's path parameters from a router match, percent-decoded as Hono's `c.req.param()` does. */
function decodedParams(
  names: readonly string[],
  indexes: Record<string, number | string>,
  stash: string[] | undefined,
): Record<string, string> {
  const params: Record<string, string> = {}
  // The names are the route's own (known at mount): no walk over the router's object.
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const index = indexes[name]
    const value = index === undefined ? undefined : stash ? stash[index as number] : (index as string)
    if (value !== undefined) params[name] = tryDecodeURIComponent(value)
  }
  return params
}
