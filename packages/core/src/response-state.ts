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

  /** Adds a `Set-Cookie` header. */
  cookie(name: string, value: string, options: CookieOptions = {}): void {
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
