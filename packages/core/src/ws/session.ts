import { DependencyContextImpl } from '../di/context.ts'
import { type AppRuntime, RequestScope } from '../di/scope.ts'
import { solve } from '../di/solve.ts'
import { HTTPException, RequestValidationError } from '../errors.ts'
import type { ExecutionContextLike } from '../execution/execution-context.ts'
import { requestStorage } from '../execution/request-storage.ts'
import {
  CloseCode,
  fitReason,
  issuesReason,
  WebSocketDisconnect,
  WebSocketException,
  WebSocketValidationError,
} from './errors.ts'
import type { MountedWebSocket } from './route.ts'
import { type RawWebSocket, TypedSocket } from './socket.ts'

/** What an adapter reports to core about an accepted socket. */
export interface WebSocketEvents {
  /** A text (string) or binary (bytes) message arrived. */
  message(data: string | Uint8Array): void
  /** The connection closed: a close frame (its code and reason), or gone (1006). */
  close(code: number, reason: string): void
}

/**
 * A WebSocket handshake whose inputs and dependencies are solved: the adapter completes the
 * handshake, then calls `open()` with the runtime's socket and forwards its events; or, if the
 * connection went away before, `abandon()`. A refused connection (1008, 1011) is opened and closed
 * at once with its code and reason, so every client can read why (the handler never runs).
 */
export interface WebSocketUpgrade {
  /** Set when dependencies or inputs refused the connection: the close it will get. */
  readonly refused: { code: number; reason: string } | undefined
  open(raw: RawWebSocket): WebSocketEvents
  abandon(): void
  /** Resolves once the handler has ended and the cleanups have run (workerd's `waitUntil`). */
  readonly done: Promise<void>
}

/** A socket's scope: its signal aborts when the socket closes or the server shuts down. */
class SocketScope extends RequestScope {
  readonly closing = new AbortController()
  #signal: AbortSignal | undefined

  override get signal(): AbortSignal {
    this.#signal ??= AbortSignal.any([this.closing.signal, this.runtime.shutdown])
    return this.#signal
  }
}

const ignore: WebSocketEvents = { message() {}, close() {} }

/** Solves a route's inputs and dependencies for a handshake, and runs the socket once opened. */
export async function prepareSocket(
  route: MountedWebSocket,
  request: Request,
  params: Record<string, string>,
  env: unknown,
  runtime: AppRuntime,
  executionCtx: ExecutionContextLike | undefined,
): Promise<WebSocketUpgrade> {
  const scope = new SocketScope(request, params, env, runtime, route.label)
  scope.executionCtx = executionCtx
  const ctx = new DependencyContextImpl(scope, [], params)
  const storage = requestStorage()
  const within = <T>(fn: () => T): T => (storage ? storage.run(scope, fn) : fn())
  let refused: { code: number; reason: string } | undefined
  try {
    await within(() => solve(route.dependant, ctx, scope))
    if (scope.issues.length > 0) throw new RequestValidationError(scope.issues)
  } catch (error) {
    refused = closeFor(error, route.label, runtime)
    await cleanup(scope, error, true)
  }
  let settle!: () => void
  const done = new Promise<void>((resolve) => (settle = resolve))
  let started = false
  return {
    refused,
    done,
    abandon() {
      if (started) return
      started = true
      if (refused) settle()
      else void cleanup(scope, undefined, false).then(settle)
    },
    open(raw) {
      if (started) return ignore
      started = true
      if (refused) {
        raw.close(refused.code, refused.reason)
        settle()
        return ignore
      }
      const socket = new TypedSocket(raw, route.route.declaration, () => scope.closing.abort())
      Object.defineProperty(ctx, 'socket', { value: socket, enumerable: true })
      const shutdown = () => socket.close(CloseCode.goingAway, 'The server is shutting down')
      // Opened while the server is already stopping: closed at once (the handler sees it closed).
      if (runtime.shutdown.aborted) shutdown()
      else runtime.shutdown.addEventListener('abort', shutdown, { once: true })
      void within(() => run(route, ctx, socket, scope)).finally(() => {
        runtime.shutdown.removeEventListener('abort', shutdown)
        settle()
      })
      return { message: (data) => socket.arrived(data), close: (code, reason) => socket.ended(code, reason) }
    },
  }
}

/** Runs the handler, closes the socket as its outcome says, then runs the cleanups. */
async function run(
  route: MountedWebSocket,
  ctx: DependencyContextImpl,
  socket: TypedSocket,
  scope: SocketScope,
): Promise<void> {
  let error: unknown
  try {
    await route.route.handler(ctx)
  } catch (thrown) {
    error = thrown
  }
  if (error === undefined || error instanceof WebSocketDisconnect) {
    socket.close(CloseCode.normal)
    await cleanup(scope, undefined, false)
    return
  }
  const close = closeFor(error, route.label, scope.runtime)
  socket.close(close.code, close.reason)
  await cleanup(scope, error, true)
}

/** The close code and reason an error ends a socket with (logging unexpected ones). */
function closeFor(error: unknown, label: string, runtime: AppRuntime): { code: number; reason: string } {
  if (error instanceof RequestValidationError || error instanceof WebSocketValidationError) {
    return { code: CloseCode.policyViolation, reason: issuesReason(error.issues) }
  }
  if (error instanceof WebSocketException) return { code: error.code, reason: fitReason(error.reason) }
  if (error instanceof HTTPException && error.status < 500) {
    const detail = typeof error.detail === 'string' ? error.detail : JSON.stringify(error.detail)
    return { code: CloseCode.policyViolation, reason: fitReason(detail) }
  }
  runtime.logError(`${label} failed`, error)
  return { code: CloseCode.internalError, reason: 'Internal Server Error' }
}

/** Function-scoped, then request-scoped cleanups (the error thrown in), background tasks, release. */
async function cleanup(scope: RequestScope, error: unknown, failed: boolean): Promise<void> {
  const logError = scope.runtime.logError
  let current = { failed, error }
  try {
    if (scope.functionExits?.size) current = await scope.functionExits.unwind(current.error, current.failed)
    if (!current.failed) await scope.backgroundTasks?.run(logError)
    else scope.backgroundTasks?.discard()
    if (scope.requestExits?.size) current = await scope.requestExits.unwind(current.error, current.failed)
    if (current.failed && current.error !== error)
      logError(`A cleanup of ${scope.label} failed`, current.error)
  } catch (thrown) {
    logError(`The cleanups of ${scope.label} failed`, thrown)
  } finally {
    if (scope.remoteRequest !== undefined) scope.runtime.scheduler().remote?.release(scope.remoteRequest)
  }
}
