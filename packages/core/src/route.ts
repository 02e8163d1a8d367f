import type { z } from 'zod'
import type { BackgroundTasks } from './background.ts'
import type { Dependency, DependencyDeclaration } from './di/dependency-class.ts'
import type { ResponseSpec } from './openapi/types.ts'
import type { ResponseState } from './response-state.ts'

export type { DependencyDeclaration } from './di/dependency-class.ts'

/** The HTTP methods a route can be declared for. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS'

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
 * What `ws()` accepts as a WebSocket route's declaration (`WebSocketDeclaration`, its schemas as
 * `SchemaLike`).
 *
 * @example
 * const route = { query: { room: z.string() }, receive: Message, send: Event } satisfies WebSocketDeclarationLike
 */
export interface WebSocketDeclarationLike extends Omit<DeclarationLike, 'body' | 'form'> {
  /** Incoming messages: each is JSON validated by this schema. */
  receive?: SchemaLike
  /** Outgoing messages: `send(value)` validates by this schema. */
  send?: SchemaLike
}

/**
 * A route declaration's status and OpenAPI metadata, the same in `RouteDeclaration` and
 * `RouteDeclarationLike`.
 *
 * @example
 * const meta = { status: 201, tags: ['orders'], summary: 'Place an order' } satisfies RouteMetadata
 */
export interface RouteMetadata {
  /** The success status (default 200). */
  status?: number
  tags?: string[]
  summary?: string
  description?: string
  operationId?: string
  deprecated?: boolean
  /** Leave the route out of the OpenAPI document (default true: included). */
  includeInSchema?: boolean
}

/**
 * What route methods accept as a route declaration (`RouteDeclaration`, its schemas as `SchemaLike`).
 *
 * @example
 * const route = { params: { id: z.number() }, response: Item, status: 200 } satisfies RouteDeclarationLike
 */
export interface RouteDeclarationLike extends DeclarationLike, RouteMetadata {
  /** The response model: output validated (a failure is a 500) and filtered to the schema. */
  response?: SchemaLike
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
}

/**
 * A route declaration (the second argument of `app.get(path, route, handler)`): its inputs,
 * its response model and status, and its OpenAPI metadata.
 *
 * @example
 * app.post('/items/:id', {
 *   params: { id: z.number().int() },
 *   query: { verbose: z.boolean().default(false) },
 *   body: z.object({ name: z.string() }),
 *   response: z.object({ id: z.number(), name: z.string() }),
 *   status: 201,
 *   tags: ['items'],
 * }, ({ params, body }) => ({ id: params.id, name: body.name }))
 */
export interface RouteDeclaration extends DependencyDeclaration, RouteMetadata {
  /** The response model: output validated (a failure is a 500) and filtered to the schema. */
  response?: z.ZodType
  /** Extra documented responses, by status. */
  responses?: Record<number | string, ResponseSpec>
}

/**
 * Refuses, at compile time, a route or dependency declaring both `body` and `form` (a request has
 * one body; such a declaration also throws a `TandemConfigError` when registered).
 *
 * @example
 * // Type error on `form`: "A declaration has a JSON body or a form, not both: keep one."
 * app.post('/x', { body: Item, form: { name: z.string() } }, handler)
 */
export type OneBody<D> = D extends { body: unknown; form: unknown }
  ? { form: 'A declaration has a JSON body or a form, not both: keep one.' }
  : unknown

type Prettify<T> = { [K in keyof T]: T[K] } & {}

/** The value type of an object input: a `z.object(...)` or a plain shape. */
export type InferObject<T> = T extends SchemaLike
  ? z.output<T>
  : T extends Record<string, any>
    ? z.core.$InferObjectOutput<T, {}>
    : Record<string, never>

type StripPattern<S extends string> = S extends `${infer Name}{${string}` ? Name : S
type ParamNames<P extends string> = P extends `${string}:${infer Rest}`
  ? Rest extends `${infer Segment}/${infer Tail}`
    ? StripPattern<Segment> | ParamNames<`/${Tail}`>
    : StripPattern<Rest>
  : never

/** Path parameters inferred from a Hono path (`/items/:id/:tag?` → `{ id: string; tag?: string }`). */
export type PathParams<P extends string> = Prettify<
  { [K in ParamNames<P> as K extends `${string}?` ? never : K]: string } & {
    [K in ParamNames<P> as K extends `${infer Name}?` ? Name : never]?: string
  }
>

type Input<D, K extends string> = D extends { [key in K]: infer X } ? X : undefined

/** The values of a declaration's `deps`, by name. */
export type DepsValues<D> = D extends { deps: infer X }
  ? { [K in keyof X]: X[K] extends Dependency<infer T> ? T : never }
  : Record<string, never>

/** The validated inputs of a route, typed from its path and declaration. */
export interface RouteInputs<P extends string, D> {
  deps: DepsValues<D>
  params: Input<D, 'params'> extends ObjectInputLike ? InferObject<Input<D, 'params'>> : PathParams<P>
  query: Input<D, 'query'> extends ObjectInputLike ? InferObject<Input<D, 'query'>> : Record<string, never>
  headers: Input<D, 'headers'> extends ObjectInputLike
    ? InferObject<Input<D, 'headers'>>
    : Record<string, never>
  cookies: Input<D, 'cookies'> extends ObjectInputLike
    ? InferObject<Input<D, 'cookies'>>
    : Record<string, never>
  body: Input<D, 'body'> extends SchemaLike ? z.output<Input<D, 'body'>> : undefined
  form: Input<D, 'form'> extends ObjectInputLike ? InferObject<Input<D, 'form'>> : undefined
}

/**
 * What a handler receives: the validated inputs, the Web `Request`, the response state to set a
 * status, headers or cookies, the abort signal, the lifespan state and the runtime's bindings.
 */
export interface Context<P extends string = string, D = {}, State = unknown, Env = unknown>
  extends RouteInputs<P, D> {
  /** The Web `Request`. */
  request: Request
  /** Status, headers and cookies merged into the response (unless a `Response` is returned). */
  response: ResponseState
  /** Aborted when the client goes away or the server shuts down. */
  signal: AbortSignal
  /** What the app's `lifespan` yielded. */
  state: State
  /**
   * What the runtime hands `fetch` besides the request, as Hono's adapters do: workerd's bindings;
   * `{ incoming, outgoing }` under `serve()` on Node and the server on Bun (undefined on a pool
   * worker, and in `app.request()` unless given).
   */
  env: Env
  /** Tasks run after the response is sent, in order; shared by the handler and its dependencies. */
  background: BackgroundTasks
  /** The security scopes required along the dependency chain (parent's first, no duplicates). */
  scopes: string[]
}

/**
 * What a dependency receives: like a handler's context, with its own declared inputs. Path
 * parameters are only those it declares (it cannot know the route's path).
 */
export type DependencyContext<D, State = any, Env = any> = Context<'', D, State, Env>

type MaybePromise<T> = T | Promise<T>

/** What a handler may return: data (JSON, through the response model), a `Response`, or a stream. */
export type HandlerResult<D> = D extends { response: infer R extends SchemaLike }
  ? MaybePromise<z.input<R> | Response | AsyncIterable<z.input<R>> | Iterable<z.input<R>>>
  : unknown

/** A route handler: a plain function, an `async` function, or `blocking(fn)`. */
export type Handler<P extends string, D, State, Env> = (ctx: Context<P, D, State, Env>) => HandlerResult<D>
