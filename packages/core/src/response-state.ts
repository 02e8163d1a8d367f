/** A cookie name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** A `Path` or `Domain` value: no `;` and no control characters (RFC 6265's av-octets). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const ATTRIBUTE = /^[^\x00-\x1f\x7f;]*$/

/** Options of a cookie set with `ctx.response.cookie()`. */
export interface CookieOptions {
  maxAge?: number
  expires?: Date
  path?: string
  domain?: string
  secure?: boolean
  httpOnly?: boolean
  sameSite?: 'strict' | 'lax' | 'none'
  partitioned?: boolean
}

/**
 * The response state of one request, shared by its dependencies and its handler: a status, headers
 * and cookies merged into the response unless the handler returns a `Response` itself.
 *
 * @example
 * app.post('/login', {}, ({ response }) => {
 *   response.status = 202
 *   response.headers.set('x-trace', 'abc')
 *   response.cookie('session', 'token', { httpOnly: true, sameSite: 'lax' })
 *   return { ok: true }
 * })
 */
export class ResponseState {
  /** Overrides the route's status when set. */
  status: number | undefined = undefined
  #headers: Headers | undefined

  /** Headers added to the response (created on first use). */
  get headers(): Headers {
    this.#headers ??= new Headers()
    return this.#headers
  }

  /** True once any header or cookie was set. */
  get touched(): boolean {
    return this.#headers !== undefined
  }

  /**
   * Adds a `Set-Cookie` header. The value is percent-encoded; the name must be a token and `path` and
   * `domain` must not hold `;` or control characters (else a value from a request could add
   * attributes, such as another `Domain`): anything else throws a `TypeError` saying which.
   */
  cookie(name: string, value: string, options: CookieOptions = {}): void {
    if (!TOKEN.test(name)) {
      throw new TypeError(
        `response.cookie(): the cookie name ${JSON.stringify(name)} is not a token (letters, digits and ` +
          "!#$%&'*+-.^_`|~ only). Use a fixed name; put data in the value, which is encoded.",
      )
    }
    for (const attribute of ['path', 'domain'] as const) {
      const given = options[attribute]
      if (given !== undefined && !ATTRIBUTE.test(given)) {
        throw new TypeError(
          `response.cookie(${JSON.stringify(name)}): the ${attribute} ${JSON.stringify(given)} holds a ";" or a ` +
            'control character, which would end the attribute and start another. Pass a plain path or domain.',
        )
      }
    }
    let header = `${name}=${encodeURIComponent(value)}`
    if (options.maxAge !== undefined) header += `; Max-Age=${Math.floor(options.maxAge)}`
    if (options.expires) header += `; Expires=${options.expires.toUTCString()}`
    header += `; Path=${options.path ?? '/'}`
    if (options.domain) header += `; Domain=${options.domain}`
    if (options.secure) header += '; Secure'
    if (options.httpOnly) header += '; HttpOnly'
    if (options.sameSite)
      header += `; SameSite=${options.sameSite[0]!.toUpperCase()}${options.sameSite.slice(1)}`
    if (options.partitioned) header += '; Partitioned'
    this.headers.append('set-cookie', header)
  }

  /** Expires a cookie. */
  deleteCookie(name: string, options: Pick<CookieOptions, 'path' | 'domain'> = {}): void {
    this.cookie(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }
}
