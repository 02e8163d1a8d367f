import type { Scheduler } from './scheduler.ts'

/**
 * What the execution layer needs from the request a function runs for: a narrow view of the
 * dependency injector's request scope (`di/scope.ts` implements it), so Execution never imports DI.
 */

/** A generator waiting at its `yield` (a yield dependency), or a handle to one kept elsewhere. */
export interface Generatorish {
  next(): Promise<IteratorResult<unknown>> | IteratorResult<unknown>
  throw(error: unknown): Promise<IteratorResult<unknown>> | IteratorResult<unknown>
  return(value: undefined): Promise<IteratorResult<unknown>> | IteratorResult<unknown>
}

/** When a yield dependency's cleanup runs: after the response (`request`) or right after its consumer (`function`). */
export type CleanupScope = 'request' | 'function'

/** The context a handler or dependency is called with, as the execution layer reads it. */
export interface CallContext {
  params: unknown
  query: unknown
  headers: unknown
  cookies: unknown
  body: unknown
  form: unknown
  /** Injected values; a blocking dependency's value may still be on its worker (`RemoteValue`). */
  deps: Record<string, unknown>
  readonly scopes: string[]
}

/** The request a function runs for, as the execution layer reads and changes it. */
export interface CallScope {
  /** `GET /items/:id`, for errors and logs. */
  readonly label: string
  readonly request: Request
  readonly runtime: { scheduler(): Scheduler }
  /** The request's number on a remote scheduler, once one of its blocking steps ran there. */
  remoteRequest: number | undefined
  /** The response being built: the status and headers a function set. */
  readonly response: { status: number | undefined; readonly headers: Headers }
  /** The request's background tasks. */
  readonly background: { add(fn: (...args: any[]) => unknown, ...args: unknown[]): void }
  /** The body's bytes (read now if nobody has). */
  bytes(): Promise<Uint8Array<ArrayBuffer>>
  /** The body's bytes if reading has begun, else undefined. */
  bytesIfRead(): Promise<Uint8Array<ArrayBuffer>> | undefined
  /** Keeps an entered yield dependency for the exit of its cleanup scope (last in, first out). */
  pushExit(cleanup: CleanupScope, name: string, generator: Generatorish): void
}
