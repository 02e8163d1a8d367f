import type { HttpMethod } from './route.ts'

/**
 * The routes an app or router carries in its type, for typed clients (`@tandem/client`): by method,
 * then by path, each route's declaration and its handler's result type. Types only: route methods
 * return the same object at run time, typed with one more route.
 *
 * @example
 * const app = new App().get('/items/:id', { params: { id: z.number() } }, ({ params }) => params)
 * // typeof app: App<unknown, unknown, '', { GET: { '/items/:id': RouteEntry<{ params: ... }, { id: number }> } }>
 */
export interface RouteEntry<D = unknown, R = unknown> {
  /** The route's declaration, as written (its Zod schemas included). */
  declaration: D
  /** What the handler returns (used when the declaration has no `response` model). */
  result: R
}

/** Routes by method, then path. */
export type RouteMap = { [M in HttpMethod]?: Record<string, RouteEntry> }

/** `Routes` with one more route (an intersection: each route is added once, never recomputed). */
export type AddRoute<Routes, M extends HttpMethod, P extends string, D, R> = Routes & {
  [m in M]: { [p in P]: RouteEntry<D, R> }
}

/** A router's routes as an including router serves them: every path behind `Prefix`. */
export type PrefixRoutes<Routes, Prefix extends string> = '' extends Prefix
  ? Routes
  : {
      [M in keyof Routes]: {
        [P in keyof Routes[M] as P extends string ? `${Prefix}${P}` : never]: Routes[M][P]
      }
    }

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
