import {
  HTTPException,
  hasOwnResponse,
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
  /** An error that carries its own answer (Hono's `HTTPException`): rebuilt as one, from its status. */
  ownResponse?: true
  cause?: SerializedError
  /** A thrown value that was not an Error. */
  value?: unknown
  /** The names of the error's classes, nearest first (`['OutOfStock', 'ShopError', 'Error']`). */
  classes?: string[]
}

/** How an error that carries its own answer is rebuilt (it has no code of Tandem's). */
const OWN_RESPONSE = 'tandem:own-response'

/**
 * Hono's `HTTPException` rebuilt on the other side: its status, its message and its `res`'s headers
 * (a body cannot be read synchronously, so it does not cross). Answered as Hono answers it.
 */
class RemoteHttpException extends Error {
  readonly status: number
  readonly #headers: Record<string, string> | undefined

  constructor(message: string, status: number, headers: Record<string, string> | undefined) {
    super(message)
    this.status = status
    this.#headers = headers
  }

  getResponse(): Response {
    const empty = this.message === '' || this.status === 204 || this.status === 205 || this.status === 304
    return new Response(empty ? null : this.message, { status: this.status, headers: this.#headers })
  }
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
  // An error rebuilt from another thread keeps the class names it came with (a second hop: a remote
  // worker's thread, its process, the server).
  const remote = (error as { [REMOTE_CLASSES]?: string[] })[REMOTE_CLASSES]
  const classes: string[] = remote ? [...remote] : []
  for (
    let proto = Object.getPrototypeOf(error);
    !remote && proto && proto !== Object.prototype;
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
  if (hasOwnResponse(error) && !(error instanceof HTTPException)) {
    out.ownResponse = true
    out.status = error.status
    const res = (error as { res?: unknown }).res
    if (res instanceof Response) out.headers = Object.fromEntries(res.headers)
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
  switch (data.ownResponse ? OWN_RESPONSE : data.code) {
    case OWN_RESPONSE:
      error = new RemoteHttpException(data.message, data.status ?? 500, data.headers)
      break
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
