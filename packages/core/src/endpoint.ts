import { DependencyContextImpl } from './di/context.ts'
import { Dependant, declaredPathParams } from './di/dependant.ts'
import type { Dependency } from './di/dependency.ts'
import { type AppRuntime, RequestScope } from './di/scope.ts'
import { solve, validateBodyInputs, validateSyncInputs } from './di/solve.ts'
import { RequestValidationError, TandemConfigError } from './errors.ts'
import { callHandler } from './execution/execution.ts'
import type { ExecutionContextLike } from './execution/execution-context.ts'
import { requestStorage } from './execution/request-storage.ts'
import { type SerializeOptions, serializeResult } from './response.ts'
import type { HttpMethod, RouteDeclaration } from './route.ts'
import { parseRoutePath } from './route-path.ts'

/**
 * One declared route. Its declaration is analysed when declared (mistakes throw then); mounted at a
 * full path with the app's, includes' and routers' dependencies, it becomes a `MountedEndpoint`.
 */
export class Endpoint {
  readonly method: HttpMethod
  readonly path: string
  readonly declaration: RouteDeclaration
  readonly handler: Function

  constructor(method: HttpMethod, path: string, declaration: RouteDeclaration, handler: Function) {
    this.method = method
    this.path = path
    this.declaration = declaration
    this.handler = handler
    // Analyse now, so a bad declaration fails where it is written.
    new Dependant(declaration, `Route ${method} ${path}`)
  }

  /**
   * The endpoint as served at `fullPath`, after `effects` (app, include and router dependencies).
   * Throws when the route or a dependency declares a path parameter the full path does not have.
   */
  mount(fullPath: string, effects: Dependency<unknown>[]): MountedEndpoint {
    return new MountedEndpoint(this, fullPath, effects)
  }
}

/**
 * What the caller does with a request's outcome: `done` with the response, or `failed` with the
 * error once the request's cleanups have seen it (it answers with the app's exception handlers).
 */
export interface Outcome {
  done(response: Response): Response | Promise<Response>
  failed(error: unknown): Promise<Response>
}

/** Completes a response's request: background tasks then request-scoped cleanups (or the error path). */
export type Finisher = (
  response: Response,
  finish: (error?: unknown) => Promise<void>,
  executionCtx: ExecutionContextLike | undefined,
) => Response

/** A route as served: the whole dependency tree analysed, ready to handle requests. */
export class MountedEndpoint {
  readonly endpoint: Endpoint
  readonly path: string
  readonly label: string
  readonly dependant: Dependant
  readonly #solves: boolean
  /** No dependencies: inputs are validated in place, without the solver's walk. */
  readonly #leaf: boolean
  /** Declares a body or a form (the request's body is read). */
  readonly #reads: boolean
  /** The status of a successful answer (`status` of the declaration, else 200). */
  readonly status: number
  readonly #serialize: SerializeOptions
  /** True when the path has parameters (Hono's param() is skipped otherwise). */
  readonly hasParams: boolean
  /** The path's parameter names (`:id` → `id`), in order. */
  readonly paramNames: readonly string[]

  constructor(endpoint: Endpoint, path: string, effects: Dependency<unknown>[]) {
    this.endpoint = endpoint
    this.path = path
    this.label = `${endpoint.method} ${path}`
    this.dependant = new Dependant(endpoint.declaration, `Route ${this.label}`, effects)
    // As Hono names them (`:name`, `:name?`, `:name{pattern}`); the longest variant has them all.
    this.paramNames = parseRoutePath(path).params
    const inPath = new Set(this.paramNames)
    for (const name of declaredPathParams(this.dependant)) {
      if (!inPath.has(name)) {
        const known = [...inPath].join(', ') || 'none'
        throw new TandemConfigError(
          `Route ${this.label} declares params.${name}, but its path has no :${name} ` +
            `(path parameters: ${known}). Add :${name} to the path or move ${name} to query.`,
        )
      }
    }
    this.#solves = this.dependant.children.length > 0 || this.dependant.hasInputs
    this.#leaf = this.dependant.children.length === 0
    this.#reads = this.dependant.inputs.body !== undefined || this.dependant.inputs.form !== undefined
    this.status = endpoint.declaration.status ?? 200
    this.#serialize = { status: this.status, model: endpoint.declaration.response, route: this.label }
    this.hasParams = path.includes(':')
  }

  /**
   * Handles one request: solve the dependencies and inputs, call the handler, run function-scoped
   * cleanups, build the response; hands request-scoped work to `finisher` to run after the body.
   * A route without dependencies, body or form whose handler is a plain function answers
   * synchronously (no promise, no microtask): adapters write such a response at once. The response
   * goes through `outcome.done`; an error, once cleanups have seen it, through `outcome.failed`.
   */
  handle(
    request: Request,
    rawParams: Record<string, string>,
    env: unknown,
    runtime: AppRuntime,
    finisher: Finisher,
    executionCtx: ExecutionContextLike | undefined,
    outcome: Outcome,
  ): Response | Promise<Response> {
    const scope = new RequestScope(request, rawParams, env, runtime, this.label)
    scope.executionCtx = executionCtx
    const storage = requestStorage()
    if (storage) return storage.run(scope, () => this.#handle(scope, rawParams, finisher, outcome))
    return this.#handle(scope, rawParams, finisher, outcome)
  }

  #handle(
    scope: RequestScope,
    rawParams: Record<string, string>,
    finisher: Finisher,
    outcome: Outcome,
  ): Response | Promise<Response> {
    const ctx = new DependencyContextImpl(scope, [], rawParams)
    let out: Response | Promise<Response>
    try {
      if (!this.#solves) out = this.#call(ctx, scope, finisher)
      else if (this.#leaf) {
        // No dependencies: the URL, header and cookie inputs now; the body (if any) is the one wait.
        validateSyncInputs(this.dependant, ctx, scope)
        out = this.#reads
          ? validateBodyInputs(this.dependant, ctx, scope, () => this.#call(ctx, scope, finisher))
          : this.#call(ctx, scope, finisher)
      } else out = solve(this.dependant, ctx, scope).then(() => this.#call(ctx, scope, finisher))
    } catch (error) {
      return this.#fail(scope, error).then(undefined, (failure) => outcome.failed(failure))
    }
    // One reaction for both ends (each extra `.then` would cost every request a turn).
    if (!(out instanceof Promise)) return outcome.done(out)
    return out.then(
      (response) => outcome.done(response),
      (error) => this.#fail(scope, error).then(undefined, (failure) => outcome.failed(failure)),
    )
  }

  /** Inputs solved: the handler, then the response (synchronously when the handler is). */
  #call(ctx: DependencyContextImpl, scope: RequestScope, finisher: Finisher): Response | Promise<Response> {
    if (scope.issues.length > 0) throw new RequestValidationError(scope.issues)
    const result = callHandler(this.endpoint.handler, ctx, scope)
    if (isThenable(result))
      return Promise.resolve(result).then((value) => this.#respond(value, scope, finisher))
    return this.#respond(result, scope, finisher)
  }

  #respond(result: unknown, scope: RequestScope, finisher: Finisher): Response | Promise<Response> {
    if (scope.functionExits?.size) {
      return scope.functionExits.unwind(undefined, false).then((exited) => {
        if (exited.failed) throw exited.error
        return this.#build(result, scope, finisher)
      })
    }
    return this.#build(result, scope, finisher)
  }

  #build(result: unknown, scope: RequestScope, finisher: Finisher): Response {
    const response = serializeResult(
      result,
      this.#serialize,
      scope.responseState,
      scope.runtime.logError,
      scope.request.method === 'HEAD',
    )
    if (!scope.requestExits?.size && !scope.backgroundTasks?.size && scope.remoteRequest === undefined) {
      return response
    }
    // The finish runs when the body is done (from the stream's pull, outside this request's async
    // context): back in it, so blocking background tasks and cleanups go to the request's worker.
    const storage = requestStorage()
    const end = storage
      ? (error?: unknown) => storage.run(scope, () => finish(scope, error))
      : (error?: unknown) => finish(scope, error)
    return finisher(response, end, scope.executionCtx)
  }

  /** The error path: cleanups see the error (function scope first), background tasks are dropped. */
  async #fail(scope: RequestScope, error: unknown): Promise<never> {
    let current = { failed: true, error }
    if (scope.functionExits?.size) current = await scope.functionExits.unwind(current.error, true)
    if (scope.requestExits?.size) current = await scope.requestExits.unwind(current.error, true)
    scope.backgroundTasks?.discard()
    release(scope)
    throw current.error
  }
}

/**
 * After the response body: background tasks in order, then request-scoped cleanups, last in first
 * out. A stream that failed throws its error into the cleanups instead (no background tasks).
 */
async function finish(scope: RequestScope, streamError: unknown): Promise<void> {
  const logError = scope.runtime.logError
  if (streamError !== undefined) {
    scope.backgroundTasks?.discard()
    const result = await scope.requestExits?.unwind(streamError, true)
    if (result?.failed && result.error !== streamError) {
      logError(
        `A request-scoped cleanup of ${scope.label} failed after its response stream failed`,
        result.error,
      )
    }
    release(scope)
    return
  }
  // Always through the tasks object, so a task added by a cleanup below is refused, not dropped.
  await scope.background.run(logError)
  await scope.requestExits?.close((name, error) =>
    logError(
      `The cleanup of dependency "${name}" in ${scope.label} failed (after the response was sent)`,
      error,
    ),
  )
  release(scope)
}

/** Forgets the request's values on its pool worker, once its cleanups are done. */
function release(scope: RequestScope): void {
  if (scope.remoteRequest !== undefined) scope.runtime.scheduler().remote?.release(scope.remoteRequest)
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  )
}
