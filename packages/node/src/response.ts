import { answerFromReal } from './lazy.ts'

/**
 * Responses on Node. `new Response(text, init)` with a string body (or none) is kept as its parts
 * (status, body, headers) and written to Node's `ServerResponse` as they are: building the
 * runtime's real `Response` costs several microseconds, so it is built only if something asks for
 * more than the status and headers (the body as a stream, `clone()`, `text()`...). Any other
 * response is written from its `Headers` and its body stream, with backpressure; its stream is
 * cancelled when the client goes away (so a streamed response's cleanups run).
 */

/** The runtime's own class, kept before `installFetchGlobals()` replaces the global. */
export const NativeResponse: typeof Response = globalThis.Response
/** The runtime's own class, kept before `installFetchGlobals()` replaces the global. */
export const NativeHeaders: typeof Headers = globalThis.Headers

/** Where a light response keeps its parts (until it is made real). */
export const PARTS = Symbol('tandem.parts')
/** Where a light response keeps the real `Response` once built. */
export const REAL = Symbol('tandem.response')
const MATERIALIZE = Symbol('tandem.materialize')
/** The `Content-Type` of a string body, as the real constructor sets it. */
export const TEXT_TYPE = 'text/plain;charset=UTF-8'

/** What a light response is kept as. */
export interface Parts {
  status: number
  body: string | null
  init: ResponseInit | undefined
  /** The live `Headers`, once something asked for them (they may be changed, then written). */
  headers: Headers | undefined
}

/** A `Response` kept as its parts until something needs the real one. */
export class LightResponse {
  [PARTS]: Parts | undefined;
  [REAL]: Response | undefined

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    if ((body == null || typeof body === 'string') && isCheapInit(init, body != null)) {
      // Headers are read now, as the real constructor does: a shared frozen object checked once,
      // anything else copied into real `Headers` (which checks names and values, and throws here).
      const given = init?.headers
      const headers = given === undefined || checkedFrozen(given) ? undefined : new NativeHeaders(given)
      this[PARTS] = { status: init?.status ?? 200, body: body ?? null, init, headers }
    } else {
      this[REAL] = new NativeResponse(body, init)
    }
  }

  /** The real `Response`, built once from the parts. */
  [MATERIALIZE](): Response {
    const parts = this[PARTS]
    if (parts) {
      const init = parts.init
      const headers = parts.headers ?? init?.headers
      this[REAL] = new NativeResponse(parts.body, {
        status: parts.status,
        ...(init?.statusText !== undefined ? { statusText: init.statusText } : {}),
        ...(headers ? { headers } : {}),
      })
      this[PARTS] = undefined
    }
    return this[REAL]!
  }

  get status(): number {
    return this[PARTS]?.status ?? this[MATERIALIZE]().status
  }

  get ok(): boolean {
    const status = this.status
    return status >= 200 && status < 300
  }

  get headers(): Headers {
    const parts = this[PARTS]
    if (!parts) return this[MATERIALIZE]().headers
    if (!parts.headers) {
      const headers = new NativeHeaders(parts.init?.headers)
      if (parts.body !== null && !headers.has('content-type')) headers.set('content-type', TEXT_TYPE)
      parts.headers = headers
    }
    return parts.headers
  }

  /** The runtime's own responses are `Response`s too (a subclass keeps the usual check). */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: a subclass's check must stay its own
    const target = this === LightResponse ? NativeResponse : this
    return Function.prototype[Symbol.hasInstance].call(target, value)
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: Function): string {
    const parts = this[PARTS]
    if (!parts) return inspect(this[REAL], options)
    return `Response (light) ${inspect({ status: parts.status, headers: this.headers, body: parts.body }, options)}`
  }
}

/** Frozen plain header objects already checked (core's shared JSON headers): used as they are. */
export const checked = new WeakSet<object>()
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const HEADER_VALUE = /^[^\0\r\n]*$/

function checkedFrozen(headers: HeadersInit): boolean {
  if (checked.has(headers)) return true
  if (!Object.isFrozen(headers) || Array.isArray(headers) || headers instanceof NativeHeaders) return false
  const proto = Object.getPrototypeOf(headers)
  if (proto !== Object.prototype && proto !== null) return false
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || !HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return false
    if (value !== value.trim()) return false
  }
  checked.add(headers)
  return true
}

/** Only a plain init with a valid status keeps a response light (anything else is checked now). */
function isCheapInit(init: ResponseInit | undefined, hasBody: boolean): boolean {
  if (init === undefined) return true
  if (init === null || typeof init !== 'object') return false
  const proto = Object.getPrototypeOf(init)
  if (proto !== Object.prototype && proto !== null) return false
  if (init.statusText !== undefined) return false
  const status = init.status
  if (status === undefined) return true
  if (!Number.isInteger(status) || status < 200 || status > 599) return false
  // A body with a status that forbids one is the real constructor's error to raise.
  return !(hasBody && (status === 204 || status === 205 || status === 304))
}

// Everything else a Response has answers from the real one.
answerFromReal(LightResponse.prototype, NativeResponse.prototype, (self) =>
  (self as LightResponse)[MATERIALIZE](),
)
Object.setPrototypeOf(LightResponse, NativeResponse)

/** The `Response` class `serve()` installs as the global one. */
export const NodeResponse = LightResponse as unknown as typeof Response
