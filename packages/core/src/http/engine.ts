import { Hono, type Context as HonoContext, type MiddlewareHandler } from 'hono'
import { TrieRouter } from 'hono/router/trie-router'
import { tryDecodeURIComponent } from 'hono/utils/url'
import type { MountedEndpoint } from '../endpoint.ts'
import type { ExecutionContextLike } from '../execution/execution-context.ts'

/**
 * The routing engine of an app, built from its routes on the first request (and again after they
 * change): a Hono instance with the middleware, the docs routes and one handler per route, Hono's
 * 404 hook answering FastAPI's 404, 405 (with `Allow`) and 307 slash redirects, and, when the app
 * has no middleware, a direct match that skips Hono's context for declared routes.
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
  executionCtx(request: Request): ExecutionContextLike | undefined
  /** Answers an error thrown by middleware. */
  middlewareError(error: Error, request: Request): Response | Promise<Response>
}

/** What the engine is built from. */
export interface EngineSource {
  middleware: readonly { path: string; handlers: MiddlewareHandler[] }[]
  /** The app's routes, mounted (full paths, dependencies analysed). */
  endpoints: readonly MountedEndpoint[]
  /** Adds the docs routes (`/openapi.json`, `/docs`, `/redoc`). */
  docs: (hono: Hono) => void
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
    for (const { path, handlers } of source.middleware) hono.use(path, ...handlers)
    source.docs(hono)
    const heads = new Set(source.endpoints.filter((e) => e.endpoint.method === 'HEAD').map((e) => e.path))
    for (const mounted of source.endpoints) {
      const methods = [mounted.endpoint.method]
      if (methods[0] === 'GET' && !heads.has(mounted.path)) methods.push('HEAD')
      for (const method of methods) this.#index.add('ALL', mounted.path, method)
      const handler = (c: HonoContext) => {
        const request = c.req.raw
        const params = mounted.hasParams ? inPathOrder(mounted.paramNames, c.req.param()) : NO_PARAMS
        return hooks.dispatch(mounted, request, params, c.env, hooks.executionCtx(request))
      }
      this.#endpoints.set(handler, mounted)
      hono.on(methods, mounted.path, handler)
    }
    hono.notFound((c) => this.#notFound(c.req.raw, c.req.path))
    hono.onError((error, c) => hooks.middlewareError(error, c.req.raw))
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
