import { BackgroundTasks } from '../background.ts'
import type { ValidationIssue } from '../errors.ts'
import type { CallScope, CleanupScope, Generatorish } from '../execution/call-scope.ts'
import type { ExecutionContextLike } from '../execution/execution-context.ts'
import type { Scheduler } from '../execution/scheduler.ts'
import { decodeUtf8, isFormContentType, isJsonContentType, parseForm, readBody } from '../request/body.ts'
import { parseCookies, parseQuery } from '../request/query.ts'
import { ResponseState } from '../response-state.ts'
import { parseJsonBody } from '../validation/json.ts'
import type { Dependency } from './dependency.ts'
import { ExitStack } from './teardown.ts'

/** What the app gives every request (shared, not per request). */
export interface AppRuntime {
  /** Aborted when the server shuts down. */
  shutdown: AbortSignal
  bodyLimit: number
  /** What the lifespan yielded (read when a context asks). */
  readonly state: unknown
  overrides: ReadonlyMap<Dependency<any>, Dependency<any>>
  scheduler: () => Scheduler
  logError: (message: string, error: unknown) => void
}

/** The JSON body of a request, read and parsed at most once. */
export type JsonBody =
  | { kind: 'absent' }
  | { kind: 'not-json'; text: string }
  | { kind: 'invalid'; issue: ValidationIssue }
  | { kind: 'ok'; value: unknown }

/**
 * Everything one request shares across its dependencies and handler: raw inputs parsed once, the
 * validation errors so far, the dependency cache, the response state, background tasks and the
 * exit stacks of yield dependencies.
 */
export class RequestScope implements CallScope {
  readonly request: Request
  readonly rawParams: Record<string, string>
  readonly env: unknown
  readonly runtime: AppRuntime
  readonly label: string
  readonly issues: ValidationIssue[] = []
  /** Exit stacks of yield dependencies, by cleanup scope (created on first use). */
  functionExits: ExitStack | undefined
  requestExits: ExitStack | undefined
  /** Set when a body-level error (JSON syntax, content type) was reported, so it is reported once. */
  bodyReported = false
  /** The runtime's execution context (workerd's `ctx`), if it has one. */
  executionCtx: ExecutionContextLike | undefined
  /** This request's number on a thread-pool scheduler, once a blocking step ran there. */
  remoteRequest: number | undefined
  #response: ResponseState | undefined
  #background: BackgroundTasks | undefined
  #cache: Map<Dependency<any>, Map<string, unknown>> | undefined
  #query: Map<string, string[]> | undefined
  #cookies: Map<string, string> | undefined
  #json: Promise<JsonBody> | undefined
  /** The parsed body, once parsed from bytes that were there at once. */
  #jsonNow: JsonBody | undefined
  #signal: AbortSignal | undefined
  /** Whether the body's reading has started (at most once per request). */
  #reading = false
  /** The body when the adapter had all of it at once; else `#bytes` is the pending read. */
  #bytesNow: Uint8Array<ArrayBuffer> | undefined
  #bytes: Promise<Uint8Array<ArrayBuffer>> | undefined
  #form: Promise<FormData | undefined> | undefined

  constructor(
    request: Request,
    rawParams: Record<string, string>,
    env: unknown,
    runtime: AppRuntime,
    label: string,
  ) {
    this.request = request
    this.rawParams = rawParams
    this.env = env
    this.runtime = runtime
    this.label = label
  }

  /** The request's signal, also aborted when the server shuts down (made on first use). */
  get signal(): AbortSignal {
    this.#signal ??= AbortSignal.any([this.request.signal, this.runtime.shutdown])
    return this.#signal
  }

  get response(): ResponseState {
    this.#response ??= new ResponseState()
    return this.#response
  }

  /** The response state if anything asked for it. */
  get responseState(): ResponseState | undefined {
    return this.#response
  }

  /** Keeps an entered yield dependency on the exit stack of its cleanup scope. */
  pushExit(cleanup: CleanupScope, name: string, generator: Generatorish): void {
    if (cleanup === 'function') {
      this.functionExits ??= new ExitStack()
      this.functionExits.push(name, generator)
    } else {
      this.requestExits ??= new ExitStack()
      this.requestExits.push(name, generator)
    }
  }

  get background(): BackgroundTasks {
    this.#background ??= new BackgroundTasks(this.label)
    return this.#background
  }

  /** The background tasks if any were asked for. */
  get backgroundTasks(): BackgroundTasks | undefined {
    return this.#background
  }

  get query(): Map<string, string[]> {
    this.#query ??= parseQuery(this.request.url)
    return this.#query
  }

  get cookies(): Map<string, string> {
    this.#cookies ??= parseCookies(this.request.headers.get('cookie'))
    return this.#cookies
  }

  /** A cached dependency value, or `MISSING`. */
  cached(dep: Dependency<any>, key: string): unknown {
    const entry = this.#cache?.get(dep)
    return entry?.has(key) ? entry.get(key) : MISSING
  }

  remember(dep: Dependency<any>, key: string, value: unknown): void {
    this.#cache ??= new Map()
    let entry = this.#cache.get(dep)
    if (!entry) {
      entry = new Map()
      this.#cache.set(dep, entry)
    }
    if (!entry.has(key)) entry.set(key, value)
  }

  /** The JSON body, read once (with the size limit) and parsed once. */
  json(): Promise<JsonBody> {
    if (this.#json === undefined) {
      const now = this.jsonNow()
      this.#json = now ? Promise.resolve(now) : this.bytes().then((bytes) => this.#parseJson(bytes))
    }
    return this.#json
  }

  /**
   * The JSON body at once, when the adapter already had the whole body (a small request on Node:
   * it came with its headers); undefined when it must be waited for (then use `json()`).
   */
  jsonNow(): JsonBody | undefined {
    if (this.#jsonNow !== undefined) return this.#jsonNow
    this.#startReading()
    if (this.#bytesNow === undefined) return undefined
    this.#jsonNow = this.#parseJson(this.#bytesNow)
    return this.#jsonNow
  }

  /** The form, read once; undefined when the request carries no form. */
  form(): Promise<FormData | undefined> {
    this.#form ??= this.#readForm()
    return this.#form
  }

  /** The raw body, read once with the size limit. */
  bytes(): Promise<Uint8Array<ArrayBuffer>> {
    this.#startReading()
    this.#bytes ??= Promise.resolve(this.#bytesNow!)
    return this.#bytes
  }

  /** The raw body if something already asked for it (a blocking function's request is rebuilt with it). */
  bytesIfRead(): Promise<Uint8Array<ArrayBuffer>> | undefined {
    return this.#reading ? this.bytes() : undefined
  }

  #startReading(): void {
    if (this.#reading) return
    this.#reading = true
    const read = readBody(this.request, this.env, this.runtime.bodyLimit)
    if (read instanceof Uint8Array) this.#bytesNow = read
    else this.#bytes = read
  }

  #parseJson(bytes: Uint8Array): JsonBody {
    const contentType = this.request.headers.get('content-type')
    // No body at all is a missing body (FastAPI never parses an empty one), whatever the content type.
    if (bytes.byteLength === 0 && (!contentType || isJsonContentType(contentType))) return { kind: 'absent' }
    const text = decodeUtf8(bytes)
    if (!isJsonContentType(contentType)) return { kind: 'not-json', text }
    const parsed = parseJsonBody(text)
    return parsed.ok ? { kind: 'ok', value: parsed.value } : { kind: 'invalid', issue: parsed.issue }
  }

  async #readForm(): Promise<FormData | undefined> {
    const contentType = this.request.headers.get('content-type')
    const bytes = await this.bytes()
    if (bytes.byteLength === 0 || !contentType || !isFormContentType(contentType)) return undefined
    return parseForm(bytes, contentType)
  }
}

/** The cache's "not there" marker. */
export const MISSING: unique symbol = Symbol('missing')
