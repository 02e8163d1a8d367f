import { checkDeclaration, type Dependency } from './di/dependency.ts'
import { Endpoint } from './endpoint.ts'
import { TandemConfigError } from './errors.ts'
import type {
  Context,
  HandlerResult,
  HttpMethod,
  OneBody,
  RouteDeclaration,
  RouteDeclarationLike,
} from './route.ts'
import type {
  AddRoute,
  DependencyList,
  PrefixRoutes,
  Rebuild,
  RouteMethod,
  RouteTarget,
  WebSocketRouteMethod,
} from './route-map.ts'
import { type MountedWebSocket, WebSocketRoute } from './ws/route.ts'

/** Options of `new Router()` and of `include()`. */
export interface RouterOptions {
  /** A path prefix for every route (`/orders`). */
  prefix?: string
  /** OpenAPI tags added to every route. */
  tags?: string[]
  /** Dependencies run for their effects before every route's own (after the app's and outer ones). */
  dependencies?: Dependency<any>[]
}

/** A route as served: its endpoint, full path, merged tags and the dependencies run before its own. */
export interface MountedRoute {
  endpoint: Endpoint
  path: string
  tags: string[]
  dependencies: Dependency<unknown>[]
}

interface Inclusion {
  router: AnyRouter
  prefix: string
  tags: string[]
  dependencies: Dependency<unknown>[]
}

function normalizePrefix(prefix: string | undefined, where: string): string {
  if (!prefix) return ''
  if (!prefix.startsWith('/') || prefix.endsWith('/')) {
    throw new TandemConfigError(
      `${where}: the prefix "${prefix}" must start with "/" and must not end with "/" (e.g. "/orders").`,
    )
  }
  return prefix
}

function joinPath(prefix: string, path: string): string {
  // As FastAPI: prefix "/orders" and path "/" serve "/orders/" (and "/orders" redirects there).
  return prefix ? `${prefix}${path}` : path
}

function mergeTags(...lists: (string[] | undefined)[]): string[] {
  return [...new Set(lists.flatMap((list) => list ?? []))]
}

/** The type a router's route methods return: the router with the routes added. */
export interface RouterTarget<State, Env, Prefix extends string, Deps = never> extends RouteTarget {
  result: Router<State, Env, Prefix, this['routes'], Deps>
}

/** Any router or app, whatever its routes. */
export type AnyRouter = Router<any, any, any, any, any, any>

/**
 * The routes a router adds to the one including it, under both prefixes, with the router's
 * dependencies and the include's (`X`) run before each.
 */
export type IncludedRoutes<R, Prefix extends string, X = never> =
  R extends Router<any, any, infer P, infer Routes, infer Deps, any>
    ? PrefixRoutes<Routes, `${Prefix}${P}`, X | Deps>
    : never

/**
 * A group of routes with a shared prefix and tags, included into an `App` (or another router)
 * with `include()`. Routes added after inclusion are served too.
 *
 * @example
 * const orders = new Router({ prefix: '/orders', tags: ['orders'] })
 * orders.get('/:id', { params: { id: z.number().int() } }, ({ params }) => findOrder(params.id))
 * app.include(orders, { prefix: '/api' }) // GET /api/orders/:id
 */
export class Router<
  State = unknown,
  Env = unknown,
  Prefix extends string = '',
  Routes = {},
  Deps = never,
  Target extends RouteTarget = RouterTarget<State, Env, Prefix, Deps>,
> {
  readonly prefix: string
  readonly tags: string[]
  readonly dependencies: Dependency<unknown>[]
  /** Routes and included routers, in the order they were added (the order they are matched in). */
  readonly #entries: (Endpoint | WebSocketRoute | Inclusion)[] = []
  readonly #listeners = new Set<() => void>()
  #webSockets: MountedWebSocket[] | undefined

  constructor(options: RouterOptions & { prefix?: Prefix; dependencies?: DependencyList<Deps> } = {}) {
    this.prefix = normalizePrefix(options.prefix, 'new Router()')
    this.tags = options.tags ?? []
    this.dependencies = (options.dependencies ?? []) as Dependency<unknown>[]
    checkDeclaration({ dependencies: this.dependencies }, 'new Router()')
  }

  /** Declares a `GET` route. */
  readonly get: RouteMethod<State, Env, 'GET', Target, Routes> = (path: string, ...args: unknown[]) =>
    this.#add('GET', path, args) as never
  /** Declares a `POST` route. */
  readonly post: RouteMethod<State, Env, 'POST', Target, Routes> = (path: string, ...args: unknown[]) =>
    this.#add('POST', path, args) as never
  /** Declares a `PUT` route. */
  readonly put: RouteMethod<State, Env, 'PUT', Target, Routes> = (path: string, ...args: unknown[]) =>
    this.#add('PUT', path, args) as never
  /** Declares a `PATCH` route. */
  readonly patch: RouteMethod<State, Env, 'PATCH', Target, Routes> = (path: string, ...args: unknown[]) =>
    this.#add('PATCH', path, args) as never
  /** Declares a `DELETE` route. */
  readonly delete: RouteMethod<State, Env, 'DELETE', Target, Routes> = (path: string, ...args: unknown[]) =>
    this.#add('DELETE', path, args) as never
  /** Declares a `HEAD` route (a `GET` route answers `HEAD` already). */
  readonly head: RouteMethod<State, Env, 'HEAD', Target, Routes> = (path: string, ...args: unknown[]) =>
    this.#add('HEAD', path, args) as never
  /** Declares an `OPTIONS` route. */
  readonly options: RouteMethod<State, Env, 'OPTIONS', Target, Routes> = (path: string, ...args: unknown[]) =>
    this.#add('OPTIONS', path, args) as never

  /**
   * Declares a WebSocket route: the handshake's inputs and `deps` are validated and solved before
   * the handler runs with the typed `socket` (docs/websockets.md).
   *
   * @example
   * app.ws('/echo', { receive: z.object({ text: z.string() }) }, async ({ socket }) => {
   *   for await (const message of socket) socket.send({ echo: message.text })
   * })
   */
  readonly ws: WebSocketRouteMethod<State, Env, Target, Routes> = (path: string, ...args: unknown[]) => {
    const [declaration, handler] = args.length === 1 ? [{}, args[0]] : args
    const route = new WebSocketRoute(path, declaration as WebSocketRoute['declaration'], handler)
    if (this.isRoot) route.mount(joinPath(this.prefix, path), this.dependencies)
    this.#entries.push(route)
    this.#changed()
    return this as never
  }

  /** Declares a route for any method: `app.route('GET', '/items', {}, handler)`. */
  route<
    M extends HttpMethod | Lowercase<HttpMethod>,
    const P extends string,
    const D extends RouteDeclarationLike,
    R extends HandlerResult<D>,
  >(
    method: M,
    path: P,
    route: D & OneBody<D>,
    handler: (ctx: Context<P, D, State, Env>) => R,
  ): Rebuild<Target, AddRoute<Routes, Uppercase<M>, P, D, R>> {
    return this.#add(method.toUpperCase() as HttpMethod, path, [route, handler]) as never
  }

  /**
   * Serves another router's routes under this one, with an extra prefix and tags. Prefixes compose
   * outside in: `app.include(router, { prefix: '/inc' })` of a router with prefix `/r` serves `/inc/r/...`.
   */
  include<R extends AnyRouter, const P extends string = '', X = never>(
    router: R,
    options: RouterOptions & { prefix?: P; dependencies?: DependencyList<X> } = {},
  ): Rebuild<Target, Routes & IncludedRoutes<R, P, X>> {
    if ((router as AnyRouter) === this) throw new TandemConfigError('A router cannot include itself.')
    const inclusion: Inclusion = {
      router,
      prefix: normalizePrefix(options.prefix, 'include()'),
      tags: options.tags ?? [],
      dependencies: (options.dependencies ?? []) as Dependency<unknown>[],
    }
    checkDeclaration({ dependencies: inclusion.dependencies }, 'include()')
    this.#entries.push(inclusion)
    router.#listeners.add(() => this.#changed())
    // Paths are complete only at the root (an outer prefix may hold a parameter): the app checks them.
    if (this.isRoot) {
      // The included routes are the last ones served; mounting checks their path parameters.
      const all = this.mounted()
      for (const route of all.slice(all.length - router.mounted().length)) {
        route.endpoint.mount(route.path, route.dependencies)
      }
    }
    this.#changed()
    return this as never
  }

  /** Every route this router serves, with full paths (its own prefix included) and merged tags. */
  mounted(): MountedRoute[] {
    const out: MountedRoute[] = []
    for (const entry of this.#entries) {
      if (entry instanceof WebSocketRoute) continue
      if (entry instanceof Endpoint) {
        out.push({
          endpoint: entry,
          path: joinPath(this.prefix, entry.path),
          tags: mergeTags(this.tags, entry.declaration.tags),
          dependencies: this.dependencies,
        })
        continue
      }
      const inclusion = entry
      for (const route of inclusion.router.mounted()) {
        out.push({
          endpoint: route.endpoint,
          path: joinPath(this.prefix, joinPath(inclusion.prefix, route.path)),
          tags: mergeTags(inclusion.tags, route.tags),
          dependencies: [...this.dependencies, ...inclusion.dependencies, ...route.dependencies],
        })
      }
    }
    return out
  }

  /** Every WebSocket route this router serves, mounted at its full path, in declaration order. */
  mountedWebSockets(): MountedWebSocket[] {
    if (this.#webSockets) return this.#webSockets
    const out: MountedWebSocket[] = []
    for (const entry of this.#entries) {
      if (entry instanceof WebSocketRoute) {
        out.push(entry.mount(joinPath(this.prefix, entry.path), this.dependencies))
      } else if (!(entry instanceof Endpoint)) {
        for (const mounted of entry.router.mountedWebSockets()) {
          const path = joinPath(this.prefix, joinPath(entry.prefix, mounted.path))
          const effects = [...this.dependencies, ...entry.dependencies, ...mounted.effects]
          out.push(mounted.route.mount(path, effects))
        }
      }
    }
    this.#webSockets = out
    return out
  }

  #add(method: HttpMethod, path: string, args: unknown[]): this {
    const [declaration, handler] = (args.length === 1 ? [{}, args[0]] : args) as [RouteDeclaration, unknown]
    const where = `${method} ${path}`
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TandemConfigError(`Route ${where}: the path must start with "/" (e.g. "/items/:id").`)
    }
    if (typeof handler !== 'function') {
      throw new TandemConfigError(`Route ${where}: the handler must be a function, got ${typeof handler}.`)
    }
    if (declaration === null || typeof declaration !== 'object') {
      throw new TandemConfigError(
        `Route ${where}: the route declaration must be an object, got ${declaration}.`,
      )
    }
    checkDeclaration(declaration, `Route ${where}`)
    const endpoint = new Endpoint(method, path, declaration, handler as Function)
    if (this.isRoot) endpoint.mount(joinPath(this.prefix, path), this.dependencies)
    this.#entries.push(endpoint)
    this.#changed()
    return this
  }

  /** True for the app: its paths are complete, so declared path parameters can be checked. */
  protected get isRoot(): boolean {
    return false
  }

  /** Called when the set of routes changes (the app rebuilds its engine). */
  protected onChange(): void {}

  #changed(): void {
    this.#webSockets = undefined
    this.onChange()
    for (const listener of this.#listeners) listener()
  }
}
