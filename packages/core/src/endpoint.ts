import { DependencyContextImpl } from './di/context.ts'
import { Dependant, declaredPathParams, operationInputs, STRING_SCHEMA } from './di/dependant.ts'
import type { Dependency } from './di/dependency.ts'
import { type AppRuntime, RequestScope } from './di/scope.ts'
import { solve } from './di/solve.ts'
import { RequestValidationError } from './errors.ts'
import { callHandler } from './execution/execution.ts'
import type { ExecutionContextLike } from './execution/execution-context.ts'
import { requestStorage } from './execution/request-storage.ts'
import type { OperationSpec, SecuritySchemeObject } from './openapi/types.ts'
import { serializeResult } from './response.ts'
import type { HttpMethod, RouteDeclaration } from './route.ts'

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
  readonly #status: number
  /** True when the path has parameters (Hono's param() is skipped otherwise). */
  readonly hasParams: boolean

  constructor(endpoint: Endpoint, path: string, effects: Dependency<unknown>[]) {
    this.endpoint = endpoint
    this.path = path
    this.label = `${endpoint.method} ${path}`
    this.dependant = new Dependant(endpoint.declaration, `Route ${this.label}`, effects)
    const inPath = new Set([...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!))
    for (const name of declaredPathParams(this.dependant)) {
      if (!inPath.has(name)) {
        const known = [...inPath].join(', ') || 'none'
        throw new TypeError(
          `Route ${this.label} declares params.${name}, but its path has no :${name} ` +
            `(path parameters: ${known}). Add :${name} to the path or move ${name} to query.`,
        )
      }
    }
    this.#solves = this.dependant.children.length > 0 || this.dependant.hasInputs
    this.#status = endpoint.declaration.status ?? 200
    this.hasParams = path.includes(':')
  }

  /**
   * Handles one request: solve the dependencies and inputs, call the handler, run function-scoped
   * cleanups, build the response; hands request-scoped work to `finisher` to run after the body.
   */
  handle(
    request: Request,
    rawParams: Record<string, string>,
    env: unknown,
    runtime: AppRuntime,
    finisher: Finisher,
    executionCtx?: ExecutionContextLike,
  ): Promise<Response> {
    const scope = new RequestScope(request, rawParams, env, runtime, this.label)
    scope.executionCtx = executionCtx
    const storage = requestStorage()
    if (storage) return storage.run(scope, () => this.#handle(scope, rawParams, runtime, finisher))
    return this.#handle(scope, rawParams, runtime, finisher)
  }

  async #handle(
    scope: RequestScope,
    rawParams: Record<string, string>,
    runtime: AppRuntime,
    finisher: Finisher,
  ): Promise<Response> {
    const ctx = new DependencyContextImpl(scope, [], rawParams)
    let response: Response
    try {
      if (this.#solves) {
        await solve(this.dependant, ctx, scope)
        if (scope.issues.length > 0) throw new RequestValidationError(scope.issues)
      }
      const result = await callHandler(this.endpoint.handler, ctx, scope)
      if (scope.functionExits?.size) {
        const exited = await scope.functionExits.unwind(undefined, false)
        if (exited.failed) throw exited.error
      }
      response = serializeResult(result, {
        status: this.#status,
        model: this.endpoint.declaration.response,
        route: this.label,
        state: scope.responseState,
        onError: (error) => runtime.logError(`Streaming the response of ${this.label} failed`, error),
      })
    } catch (error) {
      let current = { failed: true, error }
      if (scope.functionExits?.size) current = await scope.functionExits.unwind(current.error, true)
      if (scope.requestExits?.size) current = await scope.requestExits.unwind(current.error, true)
      scope.backgroundTasks?.discard()
      release(scope)
      throw current.error
    }
    if (!scope.requestExits?.size && !scope.backgroundTasks?.size && scope.remoteRequest === undefined) {
      return response
    }
    return finisher(response, (error) => finish(scope, error), scope.executionCtx)
  }

  /** What the OpenAPI document says about this route. */
  operation(tags: string[]): { spec: OperationSpec; securitySchemes: Record<string, SecuritySchemeObject> } {
    const d = this.endpoint.declaration
    const inputs = operationInputs(this.dependant)
    const parameters = inputs.parameters
    const declared = new Set(parameters.filter((p) => p.in === 'path').map((p) => p.name))
    const pathParams = [...this.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)
    const implicit = pathParams
      .filter((name) => !declared.has(name))
      .map((name) => ({ in: 'path' as const, name, schema: STRING_SCHEMA, required: true }))
    const handlerName = (this.endpoint.handler as { name?: string }).name
    const spec: OperationSpec = {
      method: this.endpoint.method.toLowerCase() as OperationSpec['method'],
      path: this.path,
      parameters: [...implicit, ...parameters],
      ...(inputs.requestBody ? { requestBody: inputs.requestBody } : {}),
      ...(d.response ? { response: d.response } : {}),
      status: this.#status,
      tags,
      ...(d.summary ? { summary: d.summary } : {}),
      ...(d.description ? { description: d.description } : {}),
      ...(d.operationId ? { operationId: d.operationId } : {}),
      ...(d.deprecated ? { deprecated: true } : {}),
      ...(d.responses ? { responses: d.responses } : {}),
      security: inputs.security,
      ...(handlerName && !/^(handler|anonymous|)$/.test(handlerName) ? { handlerName } : {}),
      validates: inputs.validates,
      includeInSchema: d.includeInSchema !== false,
    }
    return { spec, securitySchemes: inputs.securitySchemes }
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
