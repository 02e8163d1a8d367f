import type { z } from 'zod'
import type { DependencyDeclaration } from '../di/dependency-class.ts'
import type { RouteInputs } from '../route.ts'

/**
 * A WebSocket route's declaration (the second argument of `app.ws(path, declaration, handler)`):
 * the inputs of the handshake request (`params`, `query`, `headers`, `cookies`), `deps` and
 * `dependencies` as for an HTTP route, and optional Zod schemas for the messages.
 *
 * @example
 * app.ws('/orders/:id/status', {
 *   params: { id: z.number().int() },
 *   deps: { user: currentUser },
 *   receive: z.object({ action: z.enum(['ping', 'cancel']) }),
 *   send: OrderStatus,
 * }, async ({ socket, params }) => { ... })
 */
export interface WebSocketDeclaration extends Omit<DependencyDeclaration, 'body' | 'form'> {
  /** Incoming messages: each is JSON validated by this schema (`receive()` throws if not). */
  receive?: z.ZodType
  /** Outgoing messages: `send(value)` validates by this schema (a failure is an error: 1011). */
  send?: z.ZodType
}

type In<D> = D extends { receive: infer R extends z.ZodType } ? z.output<R> : unknown
type Out<D> = D extends { send: infer S extends z.ZodType } ? z.input<S> : unknown

/** Where a socket is: `open` until either side closes it, then `closed`. */
export type WebSocketState = 'open' | 'closed'

/**
 * The typed socket a WebSocket handler receives as `ctx.socket`. Messages are JSON (typed and
 * validated by the declaration's `receive`/`send` schemas); raw text and bytes are there too.
 *
 * @example
 * for await (const message of socket) socket.send({ echo: message })
 */
export interface TandemWebSocket<Incoming = unknown, Outgoing = unknown> extends AsyncIterable<Incoming> {
  /** Sends `value` as JSON (validated by `send` when declared). Throws `WebSocketDisconnect` once closed. */
  send(value: Outgoing): void
  /** Sends a text frame as is. */
  sendText(text: string): void
  /** Sends a binary frame. */
  sendBytes(bytes: Uint8Array | ArrayBuffer): void
  /**
   * The next message as JSON (validated by `receive` when declared): throws
   * `WebSocketValidationError` for an invalid one (the socket stays open), `WebSocketDisconnect`
   * once the socket is closed.
   */
  receive(): Promise<Incoming>
  /** The next message as text (a binary one decoded as UTF-8). */
  receiveText(): Promise<string>
  /** The next message as bytes (a text one encoded as UTF-8). */
  receiveBytes(): Promise<Uint8Array>
  /** Closes the socket (default 1000); later calls do nothing. */
  close(code?: number, reason?: string): void
  readonly state: WebSocketState
  /** The close code and reason, once closed. */
  readonly closed: { code: number; reason: string } | undefined
}

/**
 * What a WebSocket handler receives: the handshake's validated inputs and `deps`, typed from the
 * declaration as for an HTTP handler, the typed `socket`, and `signal` (aborted when the socket
 * closes, from either side, or the server shuts down).
 */
export interface WebSocketContext<P extends string = string, D = {}, State = unknown, Env = unknown>
  extends Omit<RouteInputs<P, D>, 'body' | 'form'> {
  socket: TandemWebSocket<In<D>, Out<D>>
  /** The handshake request. */
  request: Request
  /** Aborted when the socket closes (either side, or the client vanishing) or the server shuts down. */
  signal: AbortSignal
  state: State
  env: Env
  scopes: string[]
}

/** A WebSocket handler: an `async` (or plain) function; the socket closes (1000) when it returns. */
export type WebSocketHandler<P extends string, D, State, Env> = (
  ctx: WebSocketContext<P, D, State, Env>,
) => void | Promise<void>

/** `app.ws` / `router.ws`. */
export interface WebSocketMethod<State, Env, This> {
  <const P extends string, const D extends WebSocketDeclaration>(
    path: P,
    declaration: D,
    handler: WebSocketHandler<P, D, State, Env>,
  ): This
  <const P extends string>(path: P, handler: WebSocketHandler<P, {}, State, Env>): This
}
