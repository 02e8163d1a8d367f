import { reasonPhrase } from './http/status.ts'

/**
 * One validation error, in FastAPI's (pydantic's) shape: `type`, `loc`, `msg`, `input`, and `ctx`
 * when the error has context (a limit, the expected values).
 */
export interface ValidationIssue {
  type: string
  loc: (string | number)[]
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

/**
 * An error that answers the request with an HTTP status and a JSON `{"detail": ...}` body.
 *
 * @example
 * throw new HTTPException(404, 'Order not found')
 * throw new HTTPException(401, 'Not authenticated', { headers: { 'www-authenticate': 'Bearer' } })
 */
export class HTTPException extends Error {
  /** A stable brand, so the class is recognised across realms and worker boundaries. */
  readonly code = 'TANDEM_HTTP_EXCEPTION'
  readonly status: number
  readonly detail: unknown
  readonly headers: Record<string, string> | undefined

  constructor(status: number, detail?: unknown, options: { headers?: Record<string, string> } = {}) {
    const resolved = detail === undefined ? reasonPhrase(status) : detail
    super(typeof resolved === 'string' ? resolved : `HTTP ${status}`)
    this.name = 'HTTPException'
    this.status = status
    this.detail = resolved
    this.headers = options.headers
  }
}

/**
 * Invalid request input: answered with 422 and `{"detail": [issues]}` unless an exception handler
 * registered for this class replaces it.
 *
 * @example
 * app.exceptionHandler(RequestValidationError, (error) =>
 *   new Response(JSON.stringify({ errors: error.issues }), { status: 400 }))
 */
export class RequestValidationError extends Error {
  readonly code = 'TANDEM_REQUEST_VALIDATION'
  readonly issues: ValidationIssue[]

  constructor(issues: ValidationIssue[]) {
    super(`Request validation failed: ${issues.length} error${issues.length === 1 ? '' : 's'}`)
    this.name = 'RequestValidationError'
    this.issues = issues
  }
}

/**
 * A handler's return value did not match its route's `response` model: a bug on the server side,
 * answered with 500 and logged with the issues.
 *
 * @example
 * app.exceptionHandler(ResponseValidationError, (error) => {
 *   report(error.issues)
 *   return new Response('Internal Server Error', { status: 500 })
 * })
 */
export class ResponseValidationError extends Error {
  readonly code = 'TANDEM_RESPONSE_VALIDATION'
  readonly issues: ValidationIssue[]

  constructor(route: string, issues: ValidationIssue[]) {
    const first = issues[0]
    super(
      `The response of ${route} does not match its response model: ${issues.length} error(s), ` +
        `first at ${JSON.stringify(first?.loc)}: ${first?.msg}. Fix the handler's return value or the model.`,
    )
    this.name = 'ResponseValidationError'
    this.issues = issues
  }
}

/**
 * A mistake in how the app is put together (a route declaration, a router's prefix, a dependency
 * tree, a security scheme, an exception handler, middleware), raised at registration time, never per
 * request. A `TypeError`, so code that catches those sees it too.
 *
 * @example
 * try { app.get('/items/:id', { params: { item: z.string() } }, handler) }
 * catch (error) { if (error instanceof TandemConfigError) console.error(error.message) }
 */
export class TandemConfigError extends TypeError {
  readonly code = 'TANDEM_CONFIG'

  constructor(message: string) {
    super(message)
    this.name = 'TandemConfigError'
  }
}

/**
 * The worker pool's queue is full (`pool.maxQueue` calls waiting): answered 503 with `Retry-After`.
 *
 * @example
 * app.exceptionHandler(PoolQueueFullError, (error) =>
 *   Response.json({ detail: 'Busy, try later' }, { status: 503, headers: { 'retry-after': String(error.retryAfter) } }))
 */
export class PoolQueueFullError extends Error {
  readonly code = 'TANDEM_POOL_QUEUE_FULL'
  /** Whole seconds a client should wait before retrying (at least 1). */
  readonly retryAfter: number

  constructor(fn: string, maxQueue: number, retryAfter: number) {
    super(
      `The worker pool's queue is full (${maxQueue} call${maxQueue === 1 ? '' : 's'} waiting), so ${fn} was not queued. ` +
        'Retry later, or raise pool.maxQueue or pool.size.',
    )
    this.name = 'PoolQueueFullError'
    this.retryAfter = Math.max(1, Math.ceil(retryAfter))
  }
}

/**
 * A blocking call ran past the pool's `timeout`: answered 504; its worker was replaced.
 *
 * @example
 * serve(app, { pool: { timeout: 2_000 } }) // calls running longer than 2 s answer 504
 */
export class PoolTimeoutError extends Error {
  readonly code = 'TANDEM_POOL_TIMEOUT'

  constructor(fn: string, timeout: number) {
    super(
      `${fn} ran longer than the pool's timeout of ${timeout} ms and was stopped (its worker was replaced). ` +
        'Make the work shorter, or raise pool.timeout.',
    )
    this.name = 'PoolTimeoutError'
  }
}

/**
 * The worker running a blocking call died (exit, crash, out of memory): answered 500; the worker
 * was replaced and no other call was lost.
 *
 * @example
 * app.exceptionHandler(WorkerCrashedError, (error) => new Response('Worker crashed', { status: 500 }))
 */
export class WorkerCrashedError extends Error {
  readonly code = 'TANDEM_WORKER_CRASHED'

  constructor(fn: string, reason: string) {
    super(`The worker running ${fn} died (${reason}); it was replaced. Other calls were not affected.`)
    this.name = 'WorkerCrashedError'
  }
}

/**
 * A blocking call was made after the scheduler was closed.
 *
 * @example
 * await scheduler.close()
 * await hash('x') // rejects with PoolClosedError
 */
export class PoolClosedError extends Error {
  readonly code = 'TANDEM_POOL_CLOSED'

  constructor(fn: string, stopped?: string) {
    super(
      stopped
        ? `${fn} was stopped: ${stopped}.`
        : `${fn} was called after the worker pool was closed (the server is shutting down).`,
    )
    this.name = 'PoolClosedError'
  }
}

/**
 * An error that carries its own answer, as Hono's `HTTPException` (`hono/http-exception`) does. Hono
 * answers an error with a `getResponse()` method with the response it gives (its `res`, else its
 * message with its status), and so does Tandem: such errors are recognised by that method, without
 * importing Hono.
 */
export interface ErrorWithResponse extends Error {
  status: number
  getResponse(): Response
}

/** True for an error that carries its own answer (Hono's `HTTPException`), false for Tandem's own. */
export function hasOwnResponse(error: unknown): error is ErrorWithResponse {
  return error instanceof Error && typeof (error as Partial<ErrorWithResponse>).getResponse === 'function'
}

/** Where a deserialized error keeps the names of its original classes. */
export const REMOTE_CLASSES: unique symbol = Symbol.for('tandem.remoteClasses')

/**
 * `error instanceof errorClass`, also for an error that crossed threads: one thrown in a worker and
 * seen on the event loop, or one from a handler thrown into a blocking yield dependency on its worker.
 * Such an error is rebuilt as an `Error` (classes do not cross threads), but the names of its classes
 * travel with it, and this compares them (by name: two classes of the same name count as one).
 *
 * @example
 * const connection = depends(blocking(function* connection() {
 *   const conn = openSqlite('shop.db')
 *   try { yield conn } catch (error) {
 *     if (errorIs(error, NotFoundInDb)) throw new HTTPException(404, error.message)
 *     throw error
 *   } finally { conn.close() }
 * }))
 */
export function errorIs<T extends Error>(
  error: unknown,
  errorClass: abstract new (...args: any[]) => T,
): error is T {
  if (error instanceof errorClass) return true
  const classes = (error as { [REMOTE_CLASSES]?: string[] } | null)?.[REMOTE_CLASSES]
  return classes?.includes(errorClass.name) === true
}
