/**
 * Where the request being served can be found from any code it calls, so a blocking utility called
 * from a handler runs on that request's worker. Adapters set it to an `AsyncLocalStorage` (Node,
 * Bun); without one, utilities simply go to any worker.
 */
export interface RequestStorage {
  getStore(): unknown
  run<R>(store: unknown, fn: () => R): R
}

let storage: RequestStorage | undefined

/**
 * Sets the request storage (adapters call this from `serve()`).
 *
 * @example
 * import { AsyncLocalStorage } from 'node:async_hooks'
 * setRequestStorage(new AsyncLocalStorage())
 */
export function setRequestStorage(value: RequestStorage | undefined): void {
  storage = value
}

/** The request storage, if an adapter set one. */
export function requestStorage(): RequestStorage | undefined {
  return storage
}
