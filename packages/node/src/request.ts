import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { refusedAtShutdown } from './drain.ts'
import { answerFromReal } from './lazy.ts'

/**
 * The Web `Request` a Node request becomes, made lazily: method, URL and header lookups come
 * straight from Node's `IncomingMessage`; anything else (the body as a stream, `clone()`,
 * `formData()`...) builds the real `Request` on first use and answers from it. Building a real
 * `Request` for every request costs more than the rest of a small route's work.
 */

/** The runtime's own classes, kept before `installFetchGlobals()` replaces the globals. */
export const NativeRequest: typeof Request = globalThis.Request
export const NativeHeaders: typeof Headers = globalThis.Headers

const INCOMING = Symbol('tandem.incoming')
const REAL = Symbol('tandem.request')
const REAL_REQUEST = Symbol('tandem.realRequest')

/** A header name as the Fetch standard accepts it (a token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/
/**
 * Headers Node keeps only the first of when a request repeats them (its `headers` object drops the
 * rest), where the Fetch standard joins them all: read from the raw list.
 */
const FIRST_ONLY = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
])

/** A request's headers: `get` and `has` read Node's parsed headers; the rest builds real `Headers`. */
class NodeRequestHeaders {
  readonly [INCOMING]: IncomingMessage;
  [REAL]: Headers | undefined

  constructor(incoming: IncomingMessage) {
    this[INCOMING] = incoming
  }

  #real(): Headers {
    if (!this[REAL]) {
      const raw = this[INCOMING].rawHeaders
      const headers = new NativeHeaders()
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
      this[REAL] = headers
    }
    return this[REAL]
  }

  get(name: string): string | null {
    if (this[REAL] || typeof name !== 'string') return this.#real().get(name)
    const key = name.toLowerCase()
    const headers = this[INCOMING].headers
    const value = Object.hasOwn(headers, key) ? headers[key] : undefined
    if (typeof value === 'string')
      return FIRST_ONLY.has(key) ? joinedRaw(this[INCOMING].rawHeaders, key) : value
    if (value === undefined && TOKEN.test(key)) return null
    return this.#real().get(name)
  }

  has(name: string): boolean {
    if (this[REAL] || typeof name !== 'string') return this.#real().has(name)
    const key = name.toLowerCase()
    if (Object.hasOwn(this[INCOMING].headers, key)) return true
    if (TOKEN.test(key)) return false
    return this.#real().has(name)
  }

  append(name: string, value: string): void {
    this.#real().append(name, value)
  }
  delete(name: string): void {
    this.#real().delete(name)
  }
  set(name: string, value: string): void {
    this.#real().set(name, value)
  }
  getSetCookie(): string[] {
    return this.#real().getSetCookie()
  }
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.#real().forEach((value, key) => {
      callback.call(thisArg, value, key, this as unknown as Headers)
    })
  }
  keys(): HeadersIterator<string> {
    return this.#real().keys()
  }
  values(): HeadersIterator<string> {
    return this.#real().values()
  }
  entries(): HeadersIterator<[string, string]> {
    return this.#real().entries()
  }
  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.#real().entries()
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: Function): string {
    return `Headers ${inspect(Object.fromEntries(this.#real()), options)}`
  }
}
Object.setPrototypeOf(NodeRequestHeaders.prototype, NativeHeaders.prototype)

/** Every value of a header in the raw list, joined as the Fetch standard does. */
function joinedRaw(raw: string[], key: string): string | null {
  let value: string | null = null
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length === key.length && name.toLowerCase() === key) {
      value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]}`
    }
  }
  return value
}

/** What a `Host` header may not hold (it would change what the URL means). */
const HOST_BREAKERS = /[/?#@\\\s]/
/** A request target that is already a URL path as the URL standard would write it. */
const SIMPLE_PATH = /^\/[!#$&(-;=?-[\]_a-z~]*$/
/** `.` and `..` segments, which the URL standard removes. */
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/

let lastHost = ''
let lastScheme = ''
let lastNormalHost = ''

/** A `Host` as the URL standard writes it (lower case, default port dropped), or 400. */
function normalHost(scheme: string, host: string): string {
  if (!host || HOST_BREAKERS.test(host)) throw new BadRequestTarget(`Invalid Host header: ${host}`)
  try {
    return new URL(`${scheme}://${host}`).host
  } catch {
    throw new BadRequestTarget(`Invalid Host header: ${host}`)
  }
}

function hostHeaders(raw: string[]): number {
  let count = 0
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!
    if (name.length === 4 && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) count++
  }
  return count
}

/** Thrown for a request whose target or `Host` header makes no URL: answered 400. */
export class BadRequestTarget extends Error {
  override name = 'BadRequestTarget'
}

/** The request's URL: `http://` + its `Host` (else `fallbackHost`) + its target, as the URL standard writes it. */
export function requestUrl(incoming: IncomingMessage, fallbackHost: string): string {
  const target = incoming.url ?? '/'
  if (target.charCodeAt(0) !== 47) {
    // The absolute form (`GET http://host/path`), as proxies send it.
    if (/^https?:\/\//i.test(target)) {
      try {
        return new URL(target).href
      } catch {
        throw new BadRequestTarget(`Invalid request target: ${target}`)
      }
    }
    throw new BadRequestTarget(`Invalid request target: ${target}`)
  }
  const given = incoming.headers.host || fallbackHost
  // Node keeps the first of several Host headers; RFC 9112 answers them with 400 (a proxy in front
  // may have routed on another one).
  if (given !== fallbackHost && hostHeaders(incoming.rawHeaders) > 1) {
    throw new BadRequestTarget('Several Host headers')
  }
  const scheme = (incoming.socket as { encrypted?: boolean } | null)?.encrypted ? 'https' : 'http'
  // Clients send the same Host again and again: the last one is kept as the URL standard wrote it.
  if (given !== lastHost || scheme !== lastScheme) {
    lastNormalHost = normalHost(scheme, given)
    lastHost = given
    lastScheme = scheme
  }
  const url = `${scheme}://${lastNormalHost}${target}`
  if (SIMPLE_PATH.test(target) && (!target.includes('/.') || !DOT_SEGMENT.test(target))) return url
  // Spaces, non-ASCII, backslashes or dot segments: the URL standard's own normal form.
  try {
    return new URL(url).href
  } catch {
    throw new BadRequestTarget(`Invalid request target: ${target}`)
  }
}

const KEPT = Symbol('tandem.keptBody')

/** The lazy `Request` of one Node request. */
class NodeRequest {
  readonly [INCOMING]: IncomingMessage
  readonly #outgoing: ServerResponse
  readonly #url: string
  #headers: NodeRequestHeaders | undefined
  #signal: AbortSignal | undefined;
  [REAL]: Request | undefined;
  /** The body as Tandem read it for the route (so a handler can read it again). */
  [KEPT]: Uint8Array | Promise<Uint8Array> | undefined

  constructor(incoming: IncomingMessage, outgoing: ServerResponse, url: string) {
    this[INCOMING] = incoming
    this.#outgoing = outgoing
    this.#url = url
  }

  get method(): string {
    return this[INCOMING].method ?? 'GET'
  }

  get url(): string {
    return this.#url
  }

  get headers(): Headers {
    if (this[REAL]) return this[REAL].headers
    this.#headers ??= new NodeRequestHeaders(this[INCOMING])
    return this.#headers as unknown as Headers
  }

  /**
   * Aborted when the client goes away before the response is complete, or when the server answered
   * the request itself (503 at the shutdown deadline).
   */
  get signal(): AbortSignal {
    if (!this.#signal) {
      const controller = new AbortController()
      const outgoing = this.#outgoing
      const left = () => !outgoing.writableFinished || refusedAtShutdown(outgoing)
      if (outgoing.closed && left()) controller.abort()
      else {
        outgoing.once('close', () => {
          if (left()) controller.abort()
        })
      }
      this.#signal = controller.signal
    }
    return this.#signal
  }

  get bodyUsed(): boolean {
    return this[REAL]?.bodyUsed ?? false
  }

  /** Whether the request carries a body (a length above 0, or chunks), as the real `Request` will say. */
  #hasBody(): boolean {
    const incoming = this[INCOMING]
    const method = this.method
    if (method === 'GET' || method === 'HEAD') return false
    const declared = incoming.headers['content-length']
    return (declared !== undefined && declared !== '0') || incoming.headers['transfer-encoding'] !== undefined
  }

  /** The body stream; `null` without building the real `Request` when there is no body. */
  get body(): ReadableStream<Uint8Array> | null {
    if (!this[REAL] && !this.#hasBody()) return null
    return this[REAL_REQUEST]().body
  }

  /** The body for the real `Request`: what Tandem kept when it read it, else the message itself. */
  #body(): BodyInit {
    const kept = this[KEPT]
    if (kept === undefined) return Readable.toWeb(this[INCOMING]) as unknown as ReadableStream<Uint8Array>
    if (kept instanceof Uint8Array) return kept as Uint8Array<ArrayBuffer>
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        controller.enqueue(await kept)
        controller.close()
      },
    })
  }

  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: Function): string {
    if (this[REAL]) return inspect(this[REAL], options)
    return `Request (lazy) ${inspect({ method: this.method, url: this.#url, headers: this.headers }, options)}`
  }

  /** The real `Request`, built once (its body streams from the `IncomingMessage`). */
  [REAL_REQUEST](): Request {
    if (!this[REAL]) {
      const incoming = this[INCOMING]
      const method = this.method
      const hasBody = this.#hasBody()
      const headers = this.#headers?.[REAL] ?? rawHeaders(incoming)
      this[REAL] = new NativeRequest(this.#url, {
        method,
        headers,
        signal: this.signal,
        ...(hasBody ? { body: this.#body(), duplex: 'half' } : {}),
      } as RequestInit)
    }
    return this[REAL]
  }
}

function rawHeaders(incoming: IncomingMessage): [string, string][] {
  const raw = incoming.rawHeaders
  const pairs: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!])
  return pairs
}

// Everything else a Request has answers from the real one.
answerFromReal(NodeRequest.prototype, NativeRequest.prototype, (self) =>
  (self as NodeRequest)[REAL_REQUEST](),
)

/** The lazy `Request` of a Node request (throws `BadRequestTarget` for a target that makes no URL). */
export function nodeRequest(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  fallbackHost: string,
): Request {
  return new NodeRequest(incoming, outgoing, requestUrl(incoming, fallbackHost)) as unknown as Request
}

/** The real `Request` behind a lazy one (itself for any other request). */
export function realRequest(request: Request): Request {
  return request instanceof NodeRequest ? request[REAL_REQUEST]() : request
}

/**
 * Keeps the body Tandem read from a lazy request's message (the bytes, or their promise), so that a
 * handler reading `ctx.request` afterwards gets them again instead of an exhausted stream.
 */
export function keepBody(request: Request, body: Uint8Array | Promise<Uint8Array>): void {
  if (request instanceof NodeRequest && !request[REAL]) request[KEPT] = body
}

/** Whether a value is one of these lazy requests. */
export function isNodeRequest(value: unknown): value is Request {
  return value instanceof NodeRequest
}
