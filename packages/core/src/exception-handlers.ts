import {
  type ErrorWithResponse,
  HTTPException,
  hasOwnResponse,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  REMOTE_CLASSES,
  RequestValidationError,
  TandemConfigError,
} from './errors.ts'
import { statusForbidsBody } from './http/status.ts'
import { toJson } from './response.ts'

/** What an exception handler receives besides the error. */
export interface ExceptionContext {
  /** The request being answered. */
  request: Request
  /** The route (`GET /items/:id`), or `middleware` for errors outside routes. */
  route: string
}

/** Turns an error into a `Response`, or into data sent as JSON with status 500. */
export type ExceptionHandler<E> = (error: E, ctx: ExceptionContext) => unknown

const JSON_TYPE = 'application/json'

/** FastAPI's answer to an `HTTPException`: `{"detail": ...}` with its status and headers. */
export function httpExceptionResponse(error: HTTPException): Response {
  const headers = new Headers(error.headers)
  if (statusForbidsBody(error.status)) return new Response(null, { status: error.status, headers })
  headers.set('content-type', JSON_TYPE)
  return new Response(toJson({ detail: error.detail }), { status: error.status, headers })
}

/**
 * Hono's answer to an error that carries its own (Hono's `HTTPException`): its `res` if it has one,
 * else its message with its status, as plain Hono answers it.
 */
const ownResponse = (error: ErrorWithResponse): Response => error.getResponse()

/** FastAPI's answer to invalid input: 422 `{"detail": [issues]}`. */
export function validationErrorResponse(error: RequestValidationError): Response {
  return new Response(toJson({ detail: error.issues }), {
    status: 422,
    headers: { 'content-type': JSON_TYPE },
  })
}

function detailResponse(status: number, detail: string, headers: Record<string, string> = {}): Response {
  return new Response(toJson({ detail }), { status, headers: { 'content-type': JSON_TYPE, ...headers } })
}

/**
 * A client that left before its answer (its request's signal aborted, and the error is that abort:
 * a queued blocking call never started, a fetch given `ctx.signal`): no one to answer, nothing wrong
 * with the server. Not logged, not handed to exception handlers; answered 499 (nginx's "client closed
 * request"), which no client reads.
 */
function clientLeft(error: unknown, request: Request): boolean {
  const signal = request.signal
  if (!signal?.aborted) return false
  return error === signal.reason || (error instanceof Error && error.name === 'AbortError')
}

/** The status of the answer to a client that left. */
const CLIENT_CLOSED_REQUEST = 499

/** The 500 answer: plain text, no detail on the wire (the error goes to the log). */
export function internalError(): Response {
  return new Response('Internal Server Error', {
    status: 500,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}

/**
 * The app's exception handlers, found by the error's class, nearest ancestor first. An error that
 * carries its own answer (Hono's `HTTPException`) and has no handler of its own is answered with
 * it, as Hono does: a handler for `Error` does not see it. Errors that no handler takes are logged
 * with their stack and answered 500 with no detail on the wire.
 */
export class ExceptionHandlers {
  readonly #handlers = new Map<Function, ExceptionHandler<any>>([
    [HTTPException, (error: HTTPException) => httpExceptionResponse(error)],
    [RequestValidationError, (error: RequestValidationError) => validationErrorResponse(error)],
    [
      PoolQueueFullError,
      (error: PoolQueueFullError) =>
        detailResponse(503, error.message, { 'retry-after': String(Math.max(1, error.retryAfter || 1)) }),
    ],
    [PoolClosedError, (error: PoolClosedError) => detailResponse(503, error.message, { 'retry-after': '1' })],
    [PoolTimeoutError, (error: PoolTimeoutError) => detailResponse(504, error.message)],
  ])

  set(errorClass: Function, handler: ExceptionHandler<any>): void {
    if (typeof errorClass !== 'function') {
      throw new TandemConfigError(
        'exceptionHandler(): the first argument must be an error class, e.g. HTTPException.',
      )
    }
    if (typeof handler !== 'function') {
      throw new TandemConfigError(`exceptionHandler(${errorClass.name}): the handler must be a function.`)
    }
    this.#handlers.set(errorClass, handler)
  }

  find(error: unknown): ExceptionHandler<any> | undefined {
    if (error === null || typeof error !== 'object') return undefined
    // An error rebuilt from a pool worker lost its class: find its handler by the class names.
    const remote = (error as { [REMOTE_CLASSES]?: string[] })[REMOTE_CLASSES]
    if (remote) {
      // Hono's HTTPException shares its class name with Tandem's: never answered as Tandem's.
      const own = hasOwnResponse(error)
      for (const name of remote) {
        if (name === 'Error') break
        for (const [errorClass, handler] of this.#handlers) {
          if (errorClass.name === name && !(own && errorClass === HTTPException)) return handler
        }
      }
    }
    for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
      if (proto === Error.prototype && hasOwnResponse(error)) return ownResponse
      const handler = this.#handlers.get(proto.constructor)
      if (handler) return handler
    }
    return undefined
  }

  /** Answers an error raised while handling `request` for `route`. */
  async handle(
    error: unknown,
    request: Request,
    route: string,
    logger: { error(message: string, error?: unknown): void },
  ): Promise<Response> {
    if (clientLeft(error, request)) return new Response(null, { status: CLIENT_CLOSED_REQUEST })
    const handler = this.find(error)
    if (!handler) {
      logger.error(`Unhandled error in ${route}; answered 500.`, error)
      return internalError()
    }
    try {
      const result = await handler(error, { request, route })
      if (result instanceof Response) return result
      return new Response(toJson(result), { status: 500, headers: { 'content-type': JSON_TYPE } })
    } catch (handlerError) {
      logger.error(
        `The exception handler for ${(error as Error).name} in ${route} threw; answered 500.`,
        handlerError,
      )
      return internalError()
    }
  }
}
