import type { IncomingMessage } from 'node:http'

/**
 * The headers of a lazy `Request`: lookups answer from Node's parsed headers; anything else builds
 * the runtime's real `Headers` from the raw list on first use.
 */

/** The runtime's own class, kept before `installFetchGlobals()` replaces the globals. */
export const NativeHeaders: typeof Headers = globalThis.Headers

/** Where a lazy request and its headers keep Node's `IncomingMessage`. */
export const INCOMING = Symbol('tandem.incoming')
/** Where a lazy request and its headers keep the real object once built. */
export const REAL = Symbol('tandem.request')

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
export class NodeRequestHeaders {
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

/** The raw header list as name/value pairs, for the real `Request`. */
export function rawHeaders(incoming: IncomingMessage): [string, string][] {
  const raw = incoming.rawHeaders
  const pairs: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!])
  return pairs
}
