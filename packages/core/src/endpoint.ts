import { z } from 'zod'
import { RequestValidationError, type ValidationIssue } from './errors.ts'
import type { OperationSpec, ParameterSpec, RequestBodySpec } from './openapi/types.ts'
import { decodeUtf8, isFormContentType, isJsonContentType, parseForm, readBodyBytes } from './request/body.ts'
import { parseCookies, parseQuery } from './request/query.ts'
import { serializeResult } from './response.ts'
import { ResponseState } from './response-state.ts'
import type { HttpMethod, RouteDeclaration } from './route.ts'
import { InputValidator, type RawReader } from './validation/inputs.ts'
import { toValidationIssues } from './validation/issues.ts'
import { parseJsonBody } from './validation/json.ts'
import { acceptsMissing } from './validation/schema.ts'

/** What the app gives every endpoint at request time. */
export interface EndpointRuntime {
  bodyLimit: number
  state: unknown
  logError: (message: string, error: unknown) => void
}

/** The handler context object (one per request); its shape is the public `Context`. */
export class RequestContext {
  params: unknown
  query: unknown = {}
  headers: unknown = {}
  cookies: unknown = {}
  body: unknown = undefined
  form: unknown = undefined
  readonly request: Request
  readonly state: unknown
  readonly env: unknown
  #response: ResponseState | undefined

  constructor(request: Request, params: unknown, state: unknown, env: unknown) {
    this.request = request
    this.params = params
    this.state = state
    this.env = env
  }

  get response(): ResponseState {
    this.#response ??= new ResponseState()
    return this.#response
  }

  /** The response state if anything touched it. */
  get responseState(): ResponseState | undefined {
    return this.#response
  }

  get signal(): AbortSignal {
    return this.request.signal
  }
}

const headerWire = (key: string) => key.toLowerCase().replaceAll('_', '-')

/** Route inputs compiled from a declaration, once. */
interface CompiledInputs {
  params?: InputValidator
  query?: InputValidator
  headers?: InputValidator
  cookies?: InputValidator
  form?: InputValidator
  body?: z.ZodType
}

/**
 * One route, compiled at registration: validators for its inputs, then per request a light run
 * of read → coerce → validate → call → serialize.
 */
export class Endpoint {
  readonly method: HttpMethod
  readonly path: string
  readonly declaration: RouteDeclaration
  readonly handler: (ctx: never) => unknown
  readonly label: string
  readonly #inputs: CompiledInputs
  readonly #status: number
  readonly #needsInput: boolean

  constructor(
    method: HttpMethod,
    path: string,
    declaration: RouteDeclaration,
    handler: (ctx: never) => unknown,
  ) {
    this.method = method
    this.path = path
    this.declaration = declaration
    this.handler = handler
    this.label = `${method} ${path}`
    const d = declaration
    this.#inputs = {
      ...(d.params ? { params: new InputValidator('path', d.params) } : {}),
      ...(d.query ? { query: new InputValidator('query', d.query) } : {}),
      ...(d.headers
        ? { headers: new InputValidator('header', d.headers, { wireName: headerWire, splitLists: true }) }
        : {}),
      ...(d.cookies ? { cookies: new InputValidator('cookie', d.cookies) } : {}),
      ...(d.form ? { form: new InputValidator('body', d.form) } : {}),
      ...(d.body ? { body: d.body } : {}),
    }
    if (d.body && d.form) {
      throw new TypeError(
        `Route ${this.label} declares both body and form: a request has one body. Keep one.`,
      )
    }
    this.#status = d.status ?? 200
    this.#needsInput = Object.keys(this.#inputs).length > 0
  }

  /** Checks the declared path parameters against the full path (after prefixes). */
  checkPath(fullPath: string): void {
    if (!this.#inputs.params) return
    const inPath = new Set([...fullPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!))
    for (const name of this.#inputs.params.wireNames()) {
      if (!inPath.has(name)) {
        const known = [...inPath].join(', ') || 'none'
        throw new TypeError(
          `Route ${this.method} ${fullPath} declares params.${name}, but its path has no :${name} ` +
            `(path parameters: ${known}). Add :${name} to the path or move ${name} to query.`,
        )
      }
    }
  }

  /** Handles one request matched to this route. */
  async handle(
    request: Request,
    rawParams: Record<string, string>,
    env: unknown,
    runtime: EndpointRuntime,
    label: string,
  ): Promise<Response> {
    const ctx = new RequestContext(request, rawParams, runtime.state, env)
    if (this.#needsInput) await this.#validate(ctx, request, rawParams, runtime)
    const result = await (this.handler as (ctx: RequestContext) => unknown)(ctx)
    return serializeResult(result, {
      status: this.#status,
      model: this.declaration.response,
      route: label,
      state: ctx.responseState,
      onError: (error) => runtime.logError(`Streaming the response of ${label} failed`, error),
    })
  }

  async #validate(
    ctx: RequestContext,
    request: Request,
    rawParams: Record<string, string>,
    runtime: EndpointRuntime,
  ): Promise<void> {
    const inputs = this.#inputs
    const issues: ValidationIssue[] = []
    if (inputs.params) ctx.params = inputs.params.validate((wire) => rawParams[wire], issues)
    if (inputs.query) {
      const query = parseQuery(request.url)
      ctx.query = inputs.query.validate((wire) => query.get(wire), issues)
    }
    if (inputs.headers) {
      const headers = request.headers
      ctx.headers = inputs.headers.validate((wire) => headers.get(wire) ?? undefined, issues)
    }
    if (inputs.cookies) {
      const cookies = parseCookies(request.headers.get('cookie'))
      ctx.cookies = inputs.cookies.validate((wire) => cookies.get(wire), issues)
    }
    if (inputs.body) ctx.body = await this.#readJson(inputs.body, request, runtime, issues)
    else if (inputs.form) ctx.form = await this.#readForm(inputs.form, request, runtime, issues)
    if (issues.length > 0) throw new RequestValidationError(issues)
  }

  async #readJson(schema: z.ZodType, request: Request, runtime: EndpointRuntime, issues: ValidationIssue[]) {
    const contentType = request.headers.get('content-type')
    const bytes = await readBodyBytes(request, runtime.bodyLimit)
    if (bytes.byteLength === 0 && !contentType) {
      if (acceptsMissing(schema)) return schema.parse(undefined)
      issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null })
      return undefined
    }
    const text = decodeUtf8(bytes)
    if (!isJsonContentType(contentType)) {
      issues.push({
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: text,
      })
      return undefined
    }
    const parsed = parseJsonBody(text)
    if (!parsed.ok) {
      issues.push(parsed.issue)
      return undefined
    }
    if (parsed.value === null && !acceptsMissing(schema)) {
      const result = schema.safeParse(null)
      if (!result.success) {
        issues.push({ type: 'missing', loc: ['body'], msg: 'Field required', input: null })
        return undefined
      }
      return result.data
    }
    const result = schema.safeParse(parsed.value)
    if (result.success) return result.data
    issues.push(
      ...toValidationIssues(result.error.issues, {
        location: 'body',
        input: parsed.value,
        schema,
        missingInput: 'parent',
      }),
    )
    return undefined
  }

  async #readForm(
    validator: InputValidator,
    request: Request,
    runtime: EndpointRuntime,
    issues: ValidationIssue[],
  ) {
    const contentType = request.headers.get('content-type')
    const bytes = await readBodyBytes(request, runtime.bodyLimit)
    let read: RawReader = () => undefined
    if (bytes.byteLength > 0 && contentType && isFormContentType(contentType)) {
      const form = await parseForm(bytes, contentType)
      read = (wire) => {
        const values = form.getAll(wire)
        return values.length === 0 ? undefined : values.length === 1 ? values[0] : values
      }
    }
    return validator.validate(read, issues)
  }

  /** What the OpenAPI document says about this route, once mounted at `fullPath`. */
  operation(fullPath: string, tags: string[]): OperationSpec {
    const d = this.declaration
    const parameters: ParameterSpec[] = []
    for (const validator of [
      this.#inputs.params,
      this.#inputs.query,
      this.#inputs.headers,
      this.#inputs.cookies,
    ]) {
      if (validator) parameters.push(...validator.parameters())
    }
    if (!this.#inputs.params) {
      for (const m of fullPath.matchAll(/:([A-Za-z0-9_]+)/g)) {
        parameters.unshift({ in: 'path', name: m[1]!, schema: STRING_SCHEMA, required: true })
      }
    }
    let requestBody: RequestBodySpec | undefined
    if (this.#inputs.body) {
      requestBody = {
        schema: this.#inputs.body,
        contentTypes: ['application/json'],
        required: !acceptsMissing(this.#inputs.body),
      }
    } else if (this.#inputs.form) {
      requestBody = {
        schema: this.#inputs.form.schema,
        contentTypes: ['multipart/form-data', 'application/x-www-form-urlencoded'],
        required: true,
      }
    }
    const handlerName = (this.handler as { name?: string }).name
    return {
      method: this.method.toLowerCase() as OperationSpec['method'],
      path: fullPath,
      parameters,
      ...(requestBody ? { requestBody } : {}),
      ...(d.response ? { response: d.response } : {}),
      status: this.#status,
      tags,
      ...(d.summary ? { summary: d.summary } : {}),
      ...(d.description ? { description: d.description } : {}),
      ...(d.operationId ? { operationId: d.operationId } : {}),
      ...(d.deprecated ? { deprecated: true } : {}),
      ...(d.responses ? { responses: d.responses } : {}),
      security: [],
      ...(handlerName && handlerName !== 'handler' ? { handlerName } : {}),
      validates: this.#needsInput,
      includeInSchema: d.includeInSchema !== false,
    }
  }
}

/** A path parameter without a declared schema is a string. */
const STRING_SCHEMA = z.string()
