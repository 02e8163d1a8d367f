import type { Dependency, PathParams, RouteEntry, SchemaLike } from '@tandem/core'
import type { z } from 'zod'

/**
 * What a call sends, typed from the route's declaration and those of its dependencies: the same keys
 * as the declaration (`params`, `query`, `headers`, `cookies`, `body`, `form`), each required when it
 * has a required field, plus the call's options. Computed once per route, when the route is called.
 */

/** A route's declaration and those of its dependencies (`deps` and `dependencies`, at any depth), as a union. */
export type Declarations<D> =
  | D
  | (D extends { deps: infer X } ? DependencyDeclarations<X[keyof X]> : never)
  | (D extends { dependencies: readonly (infer Y)[] } ? DependencyDeclarations<Y> : never)

type DependencyDeclarations<Dep> = Dep extends Dependency<any, infer D> ? Declarations<D> : never

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never

/** What an input object (`z.object(...)` or a plain shape) accepts. */
type ObjectInput<S> = S extends SchemaLike
  ? z.input<S>
  : S extends Record<string, any>
    ? z.core.$InferObjectInput<S, {}>
    : never

/** The input keys of a declaration. */
type InputKey = 'params' | 'query' | 'headers' | 'cookies' | 'body' | 'form'

/** The input keys any declaration of `Ds` declares. */
type KeysOf<Ds> = Ds extends unknown ? Extract<keyof Ds, InputKey> : never

/** What each declaration of `Ds` that declares `K` accepts there, as a union. */
type Each<Ds, K extends string> = Ds extends { [k in K]: infer S }
  ? K extends 'body'
    ? z.input<S>
    : ObjectInput<S>
  : never

/** What every declaration of `Ds` declares at `K`, merged (never: none declares it). */
type Declared<Ds, K extends string> = K extends KeysOf<Ds> ? UnionToIntersection<Each<Ds, K>> : never

/** A value the client writes into a path, a query string, a header or a cookie. */
export type Scalar = string | number | boolean | bigint | Date

/** Headers beyond the declared ones are always allowed (proxies, tracing, credentials). */
export type HeaderBag = { [name: string]: Scalar | readonly Scalar[] | null | undefined }

/** Path parameters: the declared ones typed by their schemas, the others as strings or numbers. */
type Params<Ds, P extends string> = NonEmpty<
  Declared<Ds, 'params'> extends infer X
    ? [X] extends [never]
      ? PathStrings<P>
      : Omit<PathStrings<P>, keyof X> & X
    : never
>

type PathStrings<P extends string> = { [K in keyof PathParams<P>]: string | number }

/** `never` for an object type without keys (nothing to send). */
type NonEmpty<X> = [keyof X] extends [never] ? never : X

/** `{ key: T }`, `{ key?: T }` when every field of T is optional, `{}` when nothing is declared. */
type Part<K extends string, T> = [T] extends [never] ? {} : {} extends T ? { [k in K]?: T } : { [k in K]: T }

/** The body: optional only when its schema accepts `undefined`. */
type BodyPart<T> = [T] extends [never] ? {} : undefined extends T ? { body?: T } : { body: T }

/** Options of every call. */
export interface CallOptions {
  /** Aborts the request (and the reading of a streamed body). */
  signal?: AbortSignal
  /** Other `fetch` options (`credentials`, `cache`, `keepalive`, `redirect`...). */
  init?: Omit<RequestInit, 'method' | 'body' | 'headers' | 'signal'>
}

type Prettify<T> = { [K in keyof T]: T[K] } & {}

/**
 * The input of a call to the route at full path `P` with declaration `D`, under the routers',
 * includes' and app's dependencies `X` (a union; `never` for none).
 */
export type CallInput<D, P extends string, X = never> = CallInputOf<
  Declarations<D> | DependencyDeclarations<X>,
  P
>

type CallInputOf<Ds, P extends string> = Prettify<
  Part<'params', Params<Ds, P>> &
    Part<'query', Declared<Ds, 'query'>> &
    ([Declared<Ds, 'headers'>] extends [never]
      ? { headers?: HeaderBag }
      : Part<'headers', Declared<Ds, 'headers'> & HeaderBag>) &
    Part<'cookies', Declared<Ds, 'cookies'>> &
    BodyPart<Declared<Ds, 'body'>> &
    Part<'form', Declared<Ds, 'form'>> &
    CallOptions
>

/** The arguments after the path: the input, optional when nothing in it is required. */
export type CallArgs<E, P extends string> =
  E extends RouteEntry<infer D, any, infer X>
    ? CallInput<D, P, X> extends infer I
      ? {} extends I
        ? [input?: I]
        : [input: I]
      : never
    : never

/** True when the route or a dependency (its own, or one of `X` above it) validates an input (so it may answer 422). */
export type Validates<D, X = never> = [
  Extract<
    Declarations<D> | DependencyDeclarations<X>,
    | { params: unknown }
    | { query: unknown }
    | { headers: unknown }
    | { cookies: unknown }
    | { body: unknown }
    | { form: unknown }
  >,
] extends [never]
  ? false
  : true

/**
 * The arguments after a WebSocket route's path: its handshake inputs (`params`, `query`, `headers`,
 * `cookies`, typed as a call's) and the subprotocols to offer.
 */
export type SocketArgs<E, P extends string> =
  E extends RouteEntry<infer D, any, infer X>
    ? SocketInput<CallInput<D, P, X>> extends infer I
      ? {} extends I
        ? [input?: I]
        : [input: I]
      : never
    : never

type SocketInput<I> = Prettify<Omit<I, 'signal' | 'init'> & { protocols?: string | string[] }>
