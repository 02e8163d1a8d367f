import type { z } from 'zod'
import { ResponseValidationError } from './errors.ts'
import { statusForbidsBody } from './http/status.ts'
import type { ResponseState } from './response-state.ts'
import { compilerGeneration } from './validation/compiler.ts'
import { ASK_ZOD } from './validation/fast.ts'
import { toValidationIssues } from './validation/issues.ts'
import { compileWriter, type Writer } from './validation/writer.ts'

const JSON_TYPE = 'application/json'
const JSONL_TYPE = 'application/jsonl'
/** Shared by every JSON response (a Response copies its init headers; nothing writes to this). */
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'content-type': JSON_TYPE })

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint'
    ? Number.isSafeInteger(Number(value))
      ? Number(value)
      : String(value)
    : value
}

/** `JSON.stringify` that also writes bigints (as numbers when safe, as strings otherwise). */
export function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null'
  } catch (error) {
    if (error instanceof TypeError && /BigInt/i.test(error.message))
      return JSON.stringify(value, replacer) ?? 'null'
    throw error
  }
}

/** Validates and filters a value through a response model, or throws `ResponseValidationError`. */
export function applyResponseModel(model: z.ZodType, value: unknown, route: string): unknown {
  // Zod itself, not the fast path: output models have few checks, and Zod's compiled object
  // parser (where the runtime allows it) beats closures at picking known keys (measured).
  const result = model.safeParse(value)
  if (result.success) return result.data
  throw new ResponseValidationError(
    route,
    toValidationIssues(result.error.issues, {
      location: 'response',
      input: value,
      schema: model,
      missingInput: 'parent',
    }),
  )
}

function isStream(value: unknown): value is AsyncIterable<unknown> | Iterator<unknown> {
  if (value === null || typeof value !== 'object') return false
  if (Symbol.asyncIterator in value) return true
  // A generator object (a generator function's result), not an array or other collection.
  return (
    Symbol.iterator in value &&
    typeof (value as unknown as Iterator<unknown>).next === 'function' &&
    !Array.isArray(value)
  )
}

function mergeHeaders(target: Headers, state: ResponseState | undefined): void {
  if (!state?.touched) return
  for (const [name, value] of state.headers) {
    if (name === 'set-cookie') continue
    target.set(name, value)
  }
  for (const cookie of state.headers.getSetCookie()) target.append('set-cookie', cookie)
}

/** What a route's declaration says about its responses (made once per route). */
export interface SerializeOptions {
  status: number
  model: z.ZodType | undefined
  route: string
  /** The model's compiled writer (null: none), and the compiler generation it was made for. */
  writer?: Writer | null
  writerGeneration?: number
}

/**
 * A value as JSON through the route's response model: the compiled writer when there is one and it
 * accepts the value, else Zod's parse then `JSON.stringify` (which also raises the model's errors).
 */
function modelJson(options: SerializeOptions, value: unknown): string {
  const model = options.model
  if (!model) return toJson(value)
  if (options.writerGeneration !== compilerGeneration()) {
    options.writer = compileWriter(model) ?? null
    options.writerGeneration = compilerGeneration()
  }
  if (options.writer) {
    const text = options.writer(value)
    if (text !== ASK_ZOD) return text
  }
  return toJson(applyResponseModel(model, value, options.route))
}

/** Where a failure of a streamed response is reported. */
export type LogError = (message: string, error: unknown) => void

/**
 * Turns a handler's result into a `Response`: a `Response` passes through; an async iterable or a
 * generator streams as JSON Lines; `null`/`undefined` with a body-less status sends no body; other
 * data is sent as JSON (through the response model when declared). For a `HEAD` request (`head`),
 * the JSON's length goes in `Content-Length`, as a `GET` would send it, since the body is dropped.
 */
export function serializeResult(
  result: unknown,
  options: SerializeOptions,
  state: ResponseState | undefined,
  logError: LogError,
  head = false,
): Response {
  if (result instanceof Response) return result
  const status = state?.status ?? options.status
  if (isStream(result)) return streamJsonLines(result, status, options, state, logError)
  let body: string | null
  if (statusForbidsBody(status)) body = null
  else {
    body = modelJson(options, result)
  }
  if (!state?.touched && !(head && body !== null)) {
    return new Response(body, body === null ? { status } : { status, headers: JSON_HEADERS })
  }
  const headers = new Headers(body === null ? undefined : { 'content-type': JSON_TYPE })
  mergeHeaders(headers, state)
  if (head && body !== null) headers.set('content-length', String(utf8.encode(body).byteLength))
  return new Response(body, { status, headers })
}

const utf8 = new TextEncoder()

function streamJsonLines(
  source: AsyncIterable<unknown> | Iterator<unknown>,
  status: number,
  options: SerializeOptions,
  state: ResponseState | undefined,
  logError: LogError,
): Response {
  const iterator: AsyncIterator<unknown> | Iterator<unknown> =
    Symbol.asyncIterator in source ? (source as AsyncIterable<unknown>)[Symbol.asyncIterator]() : source
  const encoder = new TextEncoder()
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await iterator.next()
        if (cancelled) return
        if (done) {
          controller.close()
          return
        }
        controller.enqueue(encoder.encode(`${modelJson(options, value)}\n`))
      } catch (error) {
        if (cancelled) return
        logError(`Streaming the response of ${options.route} failed`, error)
        controller.error(error)
      }
    },
    async cancel(reason) {
      cancelled = true
      await iterator.return?.(reason)
    },
  })
  const headers = new Headers({ 'content-type': JSONL_TYPE, 'cache-control': 'no-cache' })
  mergeHeaders(headers, state)
  return new Response(stream, { status, headers })
}
