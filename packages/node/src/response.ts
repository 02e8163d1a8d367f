import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
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
const NativeHeaders: typeof Headers = globalThis.Headers

const PARTS = Symbol('tandem.parts')
const REAL = Symbol('tandem.response')
const MATERIALIZE = Symbol('tandem.materialize')
const TEXT_TYPE = 'text/plain;charset=UTF-8'

interface Parts {
  status: number
  body: string | null
  init: ResponseInit | undefined
  /** The live `Headers`, once something asked for them (they may be changed, then written). */
  headers: Headers | undefined
}

/** A `Response` kept as its parts until something needs the real one. */
class LightResponse {
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
const checked = new WeakSet<object>()
/** Node's headers for a checked frozen object and a text body, made once. */
const templates = new WeakMap<object, OutgoingHttpHeaders>()
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

/**
 * Writes a response to Node's `ServerResponse`. Resolves when a streamed body is done (at once, with
 * undefined, for the rest). A body stream that fails midway destroys the connection: the client sees
 * a cut response, as it would from any server.
 */
export function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> | undefined {
  const parts = (response as unknown as LightResponse)[PARTS]
  if (parts) {
    const body = parts.body
    const given = parts.headers ?? parts.init?.headers
    // A shared frozen header object (core's JSON headers) is translated once, then copied.
    const template = body !== null && given !== undefined ? templates.get(given) : undefined
    const headers = template ? { ...template } : toOutgoing(given, body !== null)
    if (!template && body !== null && given !== undefined && checked.has(given)) {
      templates.set(given, { ...headers })
    }
    // The body's own length, whatever the headers said (a shorter one would corrupt the connection);
    // none on a 204 (RFC 9110 forbids it) or a 304 (it would describe the cached representation).
    const status = parts.status
    if (status === 204 || status === 304) {
      if (status === 204 || body !== null) delete headers['content-length']
    } else headers['content-length'] = body === null ? 0 : Buffer.byteLength(body)
    outgoing.writeHead(status, headers)
    outgoing.end(body ?? undefined)
    return undefined
  }
  const real = (response as unknown as LightResponse)[REAL] ?? response
  const headers = toOutgoing(real.headers, false)
  const body = real.body
  if (!body) {
    if (real.status === 204) delete headers['content-length']
    outgoing.writeHead(real.status, headers)
    outgoing.end()
    return undefined
  }
  let declared: number | undefined
  if (headers['content-length'] !== undefined) {
    if (real.url !== '' && decodedByFetch(headers['content-encoding'])) {
      // A response from fetch() whose body fetch already decompressed (a proxy returning it as it
      // came): its length and encoding describe bytes that are no longer there.
      delete headers['content-length']
      delete headers['content-encoding']
    } else {
      // Held to its word: a stream longer or shorter than it declared would desynchronise the
      // connection (its extra bytes read as the next response): Node refuses the write instead.
      declared = Number(headers['content-length'])
      outgoing.strictContentLength = true
    }
  }
  outgoing.writeHead(real.status, headers)
  // Headers now: a stream's first chunk may be a while (server-sent events).
  outgoing.flushHeaders()
  return pipeBody(body, outgoing, declared)
}

/**
 * Drops a response that will not be written (the server answered its request already): a streamed
 * body is cancelled, so its cleanups and background tasks run.
 */
export function discardResponse(response: Response): void {
  if ((response as unknown as LightResponse)[PARTS]) return
  const real = (response as unknown as LightResponse)[REAL] ?? response
  real.body?.cancel().catch(() => {})
}

/** The content codings fetch() decodes on its own: a fetched body with these is already plain. */
const FETCH_DECODES = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd'])

function decodedByFetch(encoding: OutgoingHttpHeaders[string]): boolean {
  if (typeof encoding !== 'string') return false
  return encoding.split(',').every((coding) => FETCH_DECODES.has(coding.trim().toLowerCase()))
}

/**
 * Headers a response cannot set itself: the connection's framing and lifetime are the server's (a
 * fetched response passed on brings its upstream's). `Connection: close` stays: it closes the
 * connection after this response, which a handler may mean.
 */
const HOP_BY_HOP = new Set([
  'transfer-encoding',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
])
const isClose = (value: string) => value.trim().toLowerCase() === 'close'
const hopByHop = (name: string, value: string) =>
  HOP_BY_HOP.has(name) || (name === 'connection' && !isClose(value))

/** Node's headers object from a response's headers (names in lower case, cookies as a list). */
function toOutgoing(init: HeadersInit | undefined, textBody: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  if (init instanceof NativeHeaders) {
    for (const [name, value] of init) if (name !== 'set-cookie' && !hopByHop(name, value)) out[name] = value
    const cookies = init.getSetCookie()
    if (cookies.length > 0) out['set-cookie'] = cookies
  } else if (Array.isArray(init)) {
    for (const [name, value] of init as [string, string][]) add(out, name.toLowerCase(), value)
  } else if (init) {
    for (const name in init) add(out, name.toLowerCase(), (init as Record<string, string>)[name]!)
  }
  if (textBody && out['content-type'] === undefined) out['content-type'] = TEXT_TYPE
  return out
}

function add(out: OutgoingHttpHeaders, name: string, value: string): void {
  if (hopByHop(name, value)) return
  const current = out[name]
  if (current === undefined) out[name] = value
  else if (name === 'set-cookie')
    out[name] = Array.isArray(current) ? [...current, value] : [String(current), value]
  else out[name] = `${current}, ${value}`
}

async function pipeBody(
  body: ReadableStream<Uint8Array>,
  outgoing: ServerResponse,
  declared: number | undefined,
): Promise<void> {
  const reader = body.getReader()
  let gone = false
  let sent = 0
  // The client went away before the end (perhaps before the response was even ready): cancel the
  // stream, which runs the response's cleanups and background tasks.
  const leave = () => {
    if (gone || outgoing.writableFinished) return
    gone = true
    reader.cancel().catch(() => {})
  }
  outgoing.on('close', leave)
  if (outgoing.destroyed) leave()
  try {
    while (!gone) {
      const { done, value } = await reader.read()
      if (done || gone) break
      if (outgoing.destroyed) {
        leave()
        break
      }
      sent += value.byteLength
      if (!outgoing.write(value)) await drained(outgoing)
    }
    if (!gone) outgoing.end()
  } catch (error) {
    if (gone) return
    gone = true
    reader.cancel().catch(() => {})
    outgoing.destroy(error as Error)
    if ((error as { code?: string }).code === 'ERR_HTTP_CONTENT_LENGTH_MISMATCH') {
      throw new Error(
        `A streamed response declared Content-Length: ${declared} but its body was ` +
          `${sent > (declared ?? 0) ? `longer (${sent}+ bytes)` : `shorter (${sent} bytes)`}: the connection was ` +
          'closed, so the client sees a cut response. Leave content-length out of a streamed response, ' +
          'or send exactly that many bytes.',
        { cause: error },
      )
    }
  } finally {
    outgoing.off('close', leave)
  }
}

function drained(outgoing: ServerResponse): Promise<void> {
  if (outgoing.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off('drain', done)
      outgoing.off('close', done)
      resolve()
    }
    outgoing.on('drain', done)
    outgoing.on('close', done)
  })
}
