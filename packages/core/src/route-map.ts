import type { Dependency } from './di/dependency-class.ts'
import type { HttpMethod } from './route.ts'

/**
 * A Zod schema as the types of route methods and `depends()` accept it: anything with Zod's `_zod`
 * internals. Checking a declaration against `z.ZodType` makes TypeScript compare every method of
 * Zod's classes (seconds in a large app); this structural type is compared in a few steps and
 * accepts the same schemas.
 *
 * @example
 * const id: SchemaLike = z.number().int()
 */
export interface SchemaLike {
  _zod: { input: unknown; output: unknown }
}

/**
 * An object input as route methods accept it: a `z.object(...)` or a plain shape of schemas.
 *
 * @example
 * const query: ObjectInputLike = { q: z.string(), limit: z.number().default(10) }
 */
export type ObjectInputLike = (SchemaLike & { shape: object }) | { [field: string]: SchemaLike }

/**
 * What route methods and `depends()` accept as a declaration's inputs (`DependencyDeclaration` with
 * its schemas as `SchemaLike`, cheap to check).
 *
 * @example
 * const declaration = { query: { skip: z.number().default(0) } } satisfies DeclarationLike
 */
export interface DeclarationLike {
  /** Path parameters; strings from the URL are coerced by the schema's type. */
  params?: ObjectInputLike
  /** Query parameters; an array schema takes every occurrence of its key. */
  query?: ObjectInputLike
  /** Headers, named as on the wire in lower case (`'x-token'`); `x_token` reads `x-token` too. */
  headers?: ObjectInputLike
  /** Cookies. */
  cookies?: ObjectInputLike
  /** A JSON body (`application/json` or `application/*+json`), validated as sent. */
  body?: SchemaLike
  /** A urlencoded or multipart form; files are `File` values. */
  form?: ObjectInputLike
  /** Injected values: `{ name: dependency }`, resolved in declaration order, typed in `ctx.deps`. */
  deps?: Record<string, Dependency<any, any>>
  /** Dependencies run for their effects only, before `deps`. */
  dependencies?: Dependency<any, any>[]
}

/**
 * What route methods accept as a route declaration (`RouteDeclaration`, its schemas as `SchemaLike`).
 *
 * @example
 * const route = { params: { id: z.number() }, response: Item, status: 200 } satisfies RouteDeclarationLike
 */
export interface RouteDeclarationLike extends DeclarationLike {
  /** The response model: output validated (a failure is a 500) and filtered to the schema. */
  response?: SchemaLike
  /** The success status (default 200). */
  status?: number
  tags?: string[]
  summary?: string
  description?: string
  operationId?: string
  deprecated?: boolean
  /** Extra documented responses, by status. */
  responses?: Record<
    number | string,
    {
      description?: string
      /** A Zod schema of the JSON body, if any. */
      model?: SchemaLike
      headers?: Record<string, { description?: string; schema?: SchemaLike }>
    }
  >
  /** Leave the route out of the OpenAPI document (default true: included). */
  includeInSchema?: boolean
}

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
