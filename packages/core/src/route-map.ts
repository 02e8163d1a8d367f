import type { Dependency } from './di/dependency-class.ts'
import type {
  Context,
  HandlerResult,
  HttpMethod,
  OneBody,
  RouteDeclarationLike,
  WebSocketDeclarationLike,
} from './route.ts'
import type { WebSocketHandler } from './ws/types.ts'

/**
 * The routes an app or router carries in its type, for typed clients (`@tandem/client`): by method,
 * then by path, each route's declaration and its handler's result type. Types only: route methods
 * return the same object at run time, typed with one more route.
 *
 * @example
 * const app = new App().get('/items/:id', { params: { id: z.number() } }, ({ params }) => params)
 * // typeof app: App<unknown, unknown, '', { GET: { '/items/:id': RouteEntry<{ params: ... }, { id: number }> } }>
 */
export interface RouteEntry<D = unknown, R = unknown, X = never> {
  /** The route's declaration, as written (its Zod schemas included). */
  declaration: D
  /** What the handler returns (used when the declaration has no `response` model). */
  result: R
  /**
   * The dependencies given to the routers, includes and app above the route (`dependencies` of
   * `new Router()`, `include()` and `new App()`), as a union: they run before the route's own, so
   * their inputs are the route's too.
   */
  dependencies: X
}

/** Routes by method, then path; WebSocket routes under `WS`. */
export type RouteMap = { [M in HttpMethod | 'WS']?: Record<string, RouteEntry> }

/** `Routes` with one more route (an intersection: each route is added once, never recomputed). */
export type AddRoute<Routes, M extends HttpMethod | 'WS', P extends string, D, R> = Routes & {
  [m in M]: { [p in P]: RouteEntry<D, R> }
}

/**
 * A router's routes as an including router serves them: every path behind `Prefix`, and the
 * dependencies `X` (the router's, the include's) added to every route.
 */
export type PrefixRoutes<Routes, Prefix extends string, X = never> = '' extends Prefix
  ? [X] extends [never]
    ? Routes
    : { [M in keyof Routes]: { [P in keyof Routes[M]]: WithDependencies<Routes[M][P], X> } }
  : {
      [M in keyof Routes]: {
        [P in keyof Routes[M] as P extends string ? `${Prefix}${P}` : never]: WithDependencies<
          Routes[M][P],
          X
        >
      }
    }

/**
 * A route entry with the dependencies `X` run before it (itself when there are none).
 *
 * @example
 * type Guarded = WithDependencies<RouteEntry<{}, string>, typeof tenant> // RouteEntry<{}, string, typeof tenant>
 */
export type WithDependencies<E, X> = [X] extends [never]
  ? E
  : E extends RouteEntry<infer D, infer R, infer Y>
    ? RouteEntry<D, R, X | Y>
    : E

/**
 * What a route method returns, as a type function (TypeScript has no higher-kinded types): a router
 * returns a `Router`, an app an `App`, each with the routes so far. `result` reads `this['routes']`.
 */
export interface RouteTarget {
  routes: unknown
  result: unknown
}

/** Applies a `RouteTarget` to routes. */
export type Rebuild<T extends RouteTarget, Routes> = (T & { routes: Routes })['result']

/**
 * A route method (`get`, `post`...): `(path, route, handler)` or `(path, handler)`. It returns the
 * router (or app) itself, typed with the route added (`Target` says which type), so a chain of route
 * methods types every route for `@tandem/client`.
 */
export interface RouteMethod<State, Env, M extends HttpMethod, Target extends RouteTarget, Routes> {
  <const P extends string, const D extends RouteDeclarationLike, R extends HandlerResult<D>>(
    path: P,
    route: D & OneBody<D>,
    handler: (ctx: Context<P, D, State, Env>) => R,
  ): Rebuild<Target, AddRoute<Routes, M, P, D, R>>
  <const P extends string, R>(
    path: P,
    handler: (ctx: Context<P, {}, State, Env>) => R,
  ): Rebuild<Target, AddRoute<Routes, M, P, {}, R>>
}

/**
 * `ws()`: `(path, declaration, handler)` or `(path, handler)`. It returns the router (or app) typed
 * with the WebSocket route added under `WS`, so a chain types it for `@tandem/client`'s `ws()`.
 *
 * @example
 * const app = new App().ws('/echo', { receive: z.object({ text: z.string() }) }, async ({ socket }) => {})
 * // typeof app carries { WS: { '/echo': RouteEntry<{ receive: ... }, void> } }
 */
export interface WebSocketRouteMethod<State, Env, Target extends RouteTarget, Routes> {
  <const P extends string, const D extends WebSocketDeclarationLike>(
    path: P,
    declaration: D,
    handler: WebSocketHandler<P, D, State, Env>,
  ): Rebuild<Target, AddRoute<Routes, 'WS', P, D, void>>
  <const P extends string>(
    path: P,
    handler: WebSocketHandler<P, {}, State, Env>,
  ): Rebuild<Target, AddRoute<Routes, 'WS', P, {}, void>>
}

/**
 * The type of the `dependencies` option of `new Router()`, `new App()` and `include()`: the
 * dependencies' own types when inferred (a typed client sends their inputs), any dependencies when
 * the type arguments are given explicitly.
 *
 * @example
 * new Router({ dependencies: [tenant] }) // Router<unknown, unknown, '', {}, typeof tenant>
 */
export type DependencyList<Deps> = [Deps] extends [never] ? Dependency<any, any>[] : Deps[]
