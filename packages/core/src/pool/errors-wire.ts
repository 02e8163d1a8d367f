import {
  HTTPException,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  REMOTE_CLASSES,
  RequestValidationError,
  WorkerCrashedError,
} from '../errors.ts'

/** An error as it crosses a thread boundary (structured clone loses classes). */
export interface SerializedError {
  name: string
  message: string
  stack?: string
  code?: string
  /** HTTPException's status, detail and headers; RequestValidationError's issues. */
  status?: number
  detail?: unknown
  headers?: Record<string, string>
  issues?: unknown[]
  cause?: SerializedError
  /** A thrown value that was not an Error. */
  value?: unknown
  /** The names of the error's classes, nearest first (`['OutOfStock', 'ShopError', 'Error']`). */
  classes?: string[]
}

/** The code of the error a worker answers for a result it cannot send (the pool names the function). */
export const UNCLONEABLE_RESULT = 'TANDEM_UNCLONEABLE_RESULT'

/** Turns any thrown value into plain, cloneable data, keeping what makes it recognisable. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    let value: unknown
    try {
      value = structuredClone(error)
    } catch {
      value = String(error)
    }
    return { name: 'NonError', message: String(error), value }
  }
  const out: SerializedError = { name: error.name, message: error.message }
  const classes: string[] = []
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    if (typeof proto.constructor?.name === 'string') classes.push(proto.constructor.name)
  }
  if (classes.length > 0) out.classes = classes
  if (error.stack) out.stack = error.stack
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') out.code = code
  if (error instanceof HTTPException) {
    out.status = error.status
    try {
      out.detail = structuredClone(error.detail)
    } catch {
      out.detail = String(error.detail)
    }
    if (error.headers) out.headers = error.headers
  }
  if (error instanceof RequestValidationError) out.issues = structuredClone(error.issues)
  if (error.cause !== undefined) out.cause = serializeError(error.cause)
  return out
}

/**
 * Rebuilds an error on the other side: `HTTPException` and `RequestValidationError` intact (so they
 * answer as on the loop), the pool errors by their code, and any other error as an `Error` with the
 * original name, message and stack.
 */
export function deserializeError(data: SerializedError): unknown {
  if (data.name === 'NonError') return data.value
  let error: Error
  switch (data.code) {
    case 'TANDEM_HTTP_EXCEPTION':
      error = new HTTPException(
        data.status ?? 500,
        data.detail,
        data.headers ? { headers: data.headers } : {},
      )
      break
    case 'TANDEM_REQUEST_VALIDATION':
      error = new RequestValidationError((data.issues ?? []) as never)
      break
    case 'TANDEM_POOL_TIMEOUT':
      error = Object.create(PoolTimeoutError.prototype)
      break
    case 'TANDEM_WORKER_CRASHED':
      error = Object.create(WorkerCrashedError.prototype)
      break
    case 'TANDEM_POOL_QUEUE_FULL':
      error = Object.create(PoolQueueFullError.prototype)
      break
    case 'TANDEM_POOL_CLOSED':
      error = Object.create(PoolClosedError.prototype)
      break
    default:
      error = new Error(data.message)
  }
  if (data.code && (error as { code?: string }).code !== data.code) {
    Object.defineProperty(error, 'code', { value: data.code, enumerable: true, configurable: true })
  }
  Object.defineProperty(error, 'message', { value: data.message, writable: true, configurable: true })
  Object.defineProperty(error, 'name', { value: data.name, writable: true, configurable: true })
  if (data.stack)
    Object.defineProperty(error, 'stack', { value: data.stack, writable: true, configurable: true })
  if (data.cause)
    Object.defineProperty(error, 'cause', { value: deserializeError(data.cause), configurable: true })
  if (data.classes) Object.defineProperty(error, REMOTE_CLASSES, { value: data.classes })
  return error
}
