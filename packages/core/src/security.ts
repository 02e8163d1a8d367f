import { z } from 'zod'
import { type Dependency, securityDependency } from './di/dependency.ts'
import { HTTPException, TandemConfigError } from './errors.ts'

/**
 * FastAPI's security schemes as dependencies: each reads its credentials, answers 401
 * `{"detail":"Not authenticated"}` with `WWW-Authenticate` when they are missing or malformed (or
 * gives `null` with `autoError: false`), and documents itself in OpenAPI's `securitySchemes`.
 */

/** Options shared by every security scheme. */
export interface SecurityOptions<AutoError extends boolean = boolean> {
  /** Answer 401 when credentials are missing (default true); false gives `null` instead. */
  autoError?: AutoError
  /** The name in OpenAPI's `securitySchemes` (default: the scheme's class name, as FastAPI). */
  schemeName?: string
  description?: string
}

/** The credentials of `httpBearer()`. */
export interface HTTPAuthorizationCredentials {
  scheme: string
  credentials: string
}

/** The credentials of `httpBasic()`. */
export interface HTTPBasicCredentials {
  username: string
  password: string
}

type Maybe<T, A> = A extends false ? T | null : T

function notAuthenticated(challenge: string): HTTPException {
  return new HTTPException(401, 'Not authenticated', { headers: { 'www-authenticate': challenge } })
}

function splitAuthorization(value: string | undefined): [scheme: string, param: string] | undefined {
  if (!value) return undefined
  const trimmed = value.trim()
  const space = trimmed.indexOf(' ')
  if (space <= 0) return undefined
  const param = trimmed.slice(space + 1).trim()
  return param ? [trimmed.slice(0, space), param] : undefined
}

/** `Authorization: Bearer <token>` as [scheme, token]; missing or another scheme: 401, or null. */
function bearer(value: string | undefined, autoError: boolean): [string, string] | null {
  const parts = splitAuthorization(value)
  if (parts?.[0].toLowerCase() === 'bearer') return parts
  if (autoError) throw notAuthenticated('Bearer')
  return null
}

const optionalString = z.string().optional()
const authorization = { headers: { authorization: optionalString } }
/** What a scheme reading `Authorization` declares (a typed client may send the header). */
type Authorization = typeof authorization
/** What an API key scheme declares: its key, optional, in headers, query or cookies. */
type KeyDeclaration<Location extends string, Name extends string> = {
  [l in Location]: { [n in Name]: typeof optionalString }
}

function scheme(options: SecurityOptions, fallback: string, object: Record<string, unknown>) {
  const description = options.description ? { description: options.description } : {}
  return { name: options.schemeName ?? fallback, scheme: { ...object, ...description } }
}

/**
 * HTTP Bearer authentication: the `Authorization: Bearer <token>` header as `{ scheme, credentials }`.
 *
 * @example
 * const bearer = httpBearer()
 * app.get('/me', { deps: { auth: bearer } }, ({ deps }) => whoIs(deps.auth.credentials))
 */
export function httpBearer<const A extends boolean = true>(
  options: SecurityOptions<A> & { bearerFormat?: string } = {},
): Dependency<Maybe<HTTPAuthorizationCredentials, A>, Authorization> {
  const autoError = options.autoError !== false
  return securityDependency(
    authorization,
    ({ headers }: { headers: { authorization?: string } }) => {
      const parts = bearer(headers.authorization, autoError)
      return parts ? { scheme: parts[0], credentials: parts[1] } : null
    },
    scheme(options, 'HTTPBearer', {
      type: 'http',
      scheme: 'bearer',
      ...(options.bearerFormat ? { bearerFormat: options.bearerFormat } : {}),
    }),
  ) as Dependency<Maybe<HTTPAuthorizationCredentials, A>, Authorization>
}

/**
 * HTTP Basic authentication: `Authorization: Basic <base64 user:password>` as `{ username, password }`.
 *
 * @example
 * const basic = httpBasic({ realm: 'shop' })
 * app.get('/admin', { deps: { user: basic } }, ({ deps }) => checkPassword(deps.user))
 */
export function httpBasic<const A extends boolean = true>(
  options: SecurityOptions<A> & { realm?: string } = {},
): Dependency<Maybe<HTTPBasicCredentials, A>, Authorization> {
  const autoError = options.autoError !== false
  const challenge = options.realm ? `Basic realm="${options.realm}"` : 'Basic'
  return securityDependency(
    authorization,
    ({ headers }: { headers: { authorization?: string } }) => {
      const parts = splitAuthorization(headers.authorization)
      let decoded: string | undefined
      if (parts && parts[0].toLowerCase() === 'basic') {
        try {
          decoded = new TextDecoder('utf-8', { fatal: true }).decode(
            Uint8Array.from(atob(parts[1]), (c) => c.charCodeAt(0)),
          )
        } catch {
          decoded = undefined
        }
      }
      const colon = decoded?.indexOf(':') ?? -1
      if (decoded === undefined || colon === -1) {
        if (autoError) throw notAuthenticated(challenge)
        return null
      }
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
    },
    scheme(options, 'HTTPBasic', { type: 'http', scheme: 'basic' }),
  ) as Dependency<Maybe<HTTPBasicCredentials, A>, Authorization>
}

function apiKey<A extends boolean>(
  where: 'header' | 'query' | 'cookie',
  options: SecurityOptions<A> & { name: string },
): Dependency<Maybe<string, A>, any> {
  if (!options?.name) {
    throw new TandemConfigError(
      `apiKey${where[0]!.toUpperCase()}${where.slice(1)}() needs the key's name: { name: 'x-api-key' }.`,
    )
  }
  const autoError = options.autoError !== false
  const name = where === 'header' ? options.name.toLowerCase() : options.name
  const location = where === 'header' ? 'headers' : where === 'query' ? 'query' : 'cookies'
  const className = `APIKey${where[0]!.toUpperCase()}${where.slice(1)}`
  return securityDependency(
    { [location]: { [name]: optionalString } },
    (ctx: Record<string, Record<string, string | undefined>>) => {
      const key = ctx[location]?.[name]
      if (!key) {
        if (autoError) throw notAuthenticated('APIKey')
        return null
      }
      return key
    },
    // The name the key is read from: a header's as on the wire (`x_key` reads and documents `x-key`).
    scheme(options, className, {
      type: 'apiKey',
      in: where,
      name: where === 'header' ? options.name.replaceAll('_', '-') : options.name,
    }),
  ) as Dependency<Maybe<string, A>, any>
}

/**
 * An API key in a header: the key as a string.
 *
 * @example
 * const apiKey = apiKeyHeader({ name: 'x-api-key' })
 * app.get('/orders', { dependencies: [depends({ deps: { key: apiKey } }, ({ deps }) => check(deps.key))] }, list)
 */
export function apiKeyHeader<const A extends boolean = true, const N extends string = string>(
  options: SecurityOptions<A> & { name: N },
): Dependency<Maybe<string, A>, KeyDeclaration<'headers', Lowercase<N>>> {
  return apiKey('header', options)
}

/**
 * An API key in the query string: the key as a string.
 *
 * @example
 * const key = apiKeyQuery({ name: 'api_key' })
 */
export function apiKeyQuery<const A extends boolean = true, const N extends string = string>(
  options: SecurityOptions<A> & { name: N },
): Dependency<Maybe<string, A>, KeyDeclaration<'query', N>> {
  return apiKey('query', options)
}

/**
 * An API key in a cookie: the key as a string.
 *
 * @example
 * const session = apiKeyCookie({ name: 'session' })
 */
export function apiKeyCookie<const A extends boolean = true, const N extends string = string>(
  options: SecurityOptions<A> & { name: N },
): Dependency<Maybe<string, A>, KeyDeclaration<'cookies', N>> {
  return apiKey('cookie', options)
}

/**
 * OAuth2 password flow with bearer tokens: the token from `Authorization: Bearer <token>`. Declare
 * the scopes for OpenAPI; require them at use sites with `.with({ scopes })` and read them in
 * `ctx.scopes`.
 *
 * @example
 * const oauth2 = oauth2PasswordBearer({ tokenUrl: '/token', scopes: { 'items:read': 'Read items' } })
 * const currentUser = depends({ deps: { token: oauth2 } }, ({ deps, scopes }) => userFor(deps.token, scopes))
 * app.get('/items', { deps: { user: currentUser.with({ scopes: ['items:read'] }) } }, ({ deps }) => deps.user.items)
 */
export function oauth2PasswordBearer<const A extends boolean = true>(
  options: SecurityOptions<A> & { tokenUrl: string; scopes?: Record<string, string>; refreshUrl?: string },
): Dependency<Maybe<string, A>, Authorization> {
  if (!options?.tokenUrl)
    throw new TandemConfigError("oauth2PasswordBearer() needs a tokenUrl: { tokenUrl: '/token' }.")
  const autoError = options.autoError !== false
  return securityDependency(
    authorization,
    ({ headers }: { headers: { authorization?: string } }) =>
      bearer(headers.authorization, autoError)?.[1] ?? null,
    scheme(options, 'OAuth2PasswordBearer', {
      type: 'oauth2',
      flows: {
        password: {
          tokenUrl: options.tokenUrl,
          scopes: options.scopes ?? {},
          ...(options.refreshUrl ? { refreshUrl: options.refreshUrl } : {}),
        },
      },
    }),
  ) as Dependency<Maybe<string, A>, Authorization>
}
