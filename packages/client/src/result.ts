import type { EventStream, RouteEntry, SchemaLike, ValidationIssue } from '@tandem/core'
import type { z } from 'zod'
import type { Validates } from './input.ts'
import type { ClientSocket } from './socket.ts'

/**
 * What a call resolves to: a union of one member per status the route declares, so a caller narrows
 * on `status` (or `ok`) and reads `data` or `error` typed. Statuses nobody declared are one more
 * member, whose `error` is `unknown`.
 */

/** A successful answer: `data` is the body, typed from the response model (else the handler's return). */
export interface Success<S extends number, T> {
  ok: true
  status: S
  data: T
  error: undefined
  /** The `Response` itself (its body already read, except for streams). */
  response: Response
}

/** An error answer: `error` is the body (JSON when it is JSON, else the text). */
export interface Failure<S extends number, E> {
  ok: false
  status: S
  data: undefined
  error: E
  response: Response
}

/** The body of a 422: FastAPI's `{ detail: [{ type, loc, msg, input, ctx? }] }`. */
export interface HTTPValidationError {
  detail: ValidationIssue[]
}

/** The body of an `HTTPException` (a declared error response without a model). */
export interface HTTPError {
  detail: string
}

/** One Server-Sent Event as the client reads it: `data` parsed as JSON when it is JSON. */
export interface SSEMessage<T = unknown> {
  data: T
  event: string | undefined
  id: string | undefined
  retry: number | undefined
}

/** The standard error statuses (3xx, 4xx and 5xx from the IANA registry), for statuses nobody declared. */
// biome-ignore format: the statuses by class, a line each
export type ErrorStatus =
  | 300 | 301 | 302 | 303 | 304 | 305 | 307 | 308
  | 400 | 401 | 402 | 403 | 404 | 405 | 406 | 407 | 408 | 409 | 410 | 411 | 412 | 413 | 414 | 415
  | 416 | 417 | 418 | 421 | 422 | 423 | 424 | 425 | 426 | 428 | 429 | 431 | 451
  | 500 | 501 | 502 | 503 | 504 | 505 | 506 | 507 | 508 | 510 | 511

/** A value as it comes back from JSON: dates as strings, bigints as numbers (or strings), no functions. */
export type Json<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends { toJSON(): infer J }
    ? J
    : T extends bigint
      ? number | string
      : T extends (...args: any[]) => unknown
        ? never
        : T extends object
          ? { [K in keyof T]: Json<T[K]> }
          : unknown

/** The body of a whole answer: nothing returned (`void`, `undefined`) reads as `null`. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing returns void.
type Body<T> = [T] extends [void] ? null : Json<T>

type Model<D> = D extends { response: infer M extends SchemaLike } ? Json<z.output<M>> : never

/** The success `data` of a handler result `A` (one member of the awaited union), given the model `M`. */
type Returned<A, M> = A extends Response
  ? '~events' extends keyof A
    ? AsyncIterable<SSEMessage<A extends EventStream<infer T> ? EventData<T> : unknown>>
    : [M] extends [never]
      ? unknown
      : M
  : A extends AsyncIterable<infer I> | Generator<infer I, any, any>
    ? AsyncIterable<[M] extends [never] ? Json<I> : M>
    : [M] extends [never]
      ? Body<A>
      : M

/** An SSE item's data: an event object's `data`, or the item itself. */
type EventData<T> = T extends { data?: infer X; event?: string; id?: string }
  ? Exclude<keyof T, 'data' | 'event' | 'id' | 'retry' | 'comment'> extends never
    ? Json<X>
    : Json<T>
  : Json<T>

/** The data of a successful call of a route with declaration `D` and handler result `R`. */
export type SuccessData<D, R> = Returned<Awaited<R>, Model<D>>

type SuccessStatus<D> = D extends { status: infer S extends number } ? S : 200

type StatusOf<K> = K extends number ? K : K extends `${infer N extends number}` ? N : never

/** The members of the declaration's `responses` (2xx ones are successes). */
type Documented<D> = D extends { responses: infer X }
  ? { [K in keyof X]: Documents<StatusOf<K>, X[K]> }[keyof X]
  : never

type Documents<S extends number, Spec> = [S] extends [never]
  ? never
  : `${S}` extends `2${string}`
    ? Success<S, Spec extends { model: infer M extends SchemaLike } ? Json<z.output<M>> : unknown>
    : Failure<S, Spec extends { model: infer M extends SchemaLike } ? Json<z.output<M>> : HTTPError>

type DocumentedStatus<D> = D extends { responses: infer X } ? StatusOf<keyof X> : never

/** What a call of the route `E` resolves to. */
export type CallResult<E> = E extends RouteEntry<infer D, infer R, infer X> ? Outcome<D, R, X> : never

type Outcome<D, R, X> =
  | Success<SuccessStatus<D>, SuccessData<D, R>>
  | Documented<D>
  | (Validates<D, X> extends true
      ? 422 extends DocumentedStatus<D>
        ? never
        : Failure<422, HTTPValidationError>
      : never)
  | Failure<
      Exclude<
        ErrorStatus,
        SuccessStatus<D> | DocumentedStatus<D> | (Validates<D, X> extends true ? 422 : never)
      >,
      unknown
    >

/**
 * The socket of the WebSocket route `E`: it sends what the route's `receive` schema accepts and reads
 * what its `send` schema gives, as JSON (`unknown` where the route declares no schema).
 */
export type SocketOf<E> =
  E extends RouteEntry<infer D, any, any>
    ? ClientSocket<
        D extends { receive: infer S extends SchemaLike } ? z.input<S> : unknown,
        D extends { send: infer S extends SchemaLike } ? Json<z.output<S>> : unknown
      >
    : never
