import type { BackgroundTasks } from '../background.ts'
import { EXECUTION_CONTEXT, type ExecutionContextLike } from '../execution/execution-context.ts'
import type { ResponseState } from '../response-state.ts'
import type { RequestScope } from './scope.ts'

/**
 * The context object handed to a dependency or a handler (the public `Context` type describes it):
 * its own validated inputs, its injected `deps`, and the request-wide shared parts.
 */
export class DependencyContextImpl {
  params: unknown
  query: unknown = {}
  headers: unknown = {}
  cookies: unknown = {}
  body: unknown = undefined
  form: unknown = undefined
  deps: Record<string, unknown> = {}
  /**
   * Set once `scopes` is read here: the function is then known to read them, and the request cache
   * keys it (and what depends on it) by the chain's scopes (see cache-key.ts).
   */
  scopesRead = false
  readonly #scopes: string[]
  readonly #scope: RequestScope

  constructor(scope: RequestScope, scopes: string[], params: unknown = {}) {
    this.#scope = scope
    this.#scopes = scopes
    this.params = params
  }

  /** The security scopes required along the chain (parent's first, no duplicates). */
  get scopes(): string[] {
    this.scopesRead = true
    return this.#scopes
  }

  /** The chain's scopes, for solving sub-dependencies (reading them here marks nothing). */
  get chainScopes(): string[] {
    return this.#scopes
  }

  get request(): Request {
    return this.#scope.request
  }

  get response(): ResponseState {
    return this.#scope.response
  }

  get background(): BackgroundTasks {
    return this.#scope.background
  }

  get signal(): AbortSignal {
    return this.#scope.signal
  }

  get state(): unknown {
    return this.#scope.runtime.state
  }

  get env(): unknown {
    return this.#scope.env
  }

  get [EXECUTION_CONTEXT](): ExecutionContextLike | undefined {
    return this.#scope.executionCtx
  }
}
