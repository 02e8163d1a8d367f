/**
 * A call's input as a Web `Request`: path parameters into the path, `query` into the query string,
 * `headers` and `cookies` into headers, `body` as JSON, `form` as a urlencoded or multipart form.
 */

/** The input of a call, untyped (the types in input.ts say what each route takes). */
export interface RawInput {
  params?: Record<string, unknown>
  query?: Record<string, unknown>
  headers?: Record<string, unknown>
  cookies?: Record<string, unknown>
  body?: unknown
  form?: Record<string, unknown>
  signal?: AbortSignal
  init?: RequestInit
}

/** A value as text in a URL, a header or a cookie: dates in ISO 8601, as the server reads them. */
function text(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value)
}

/** Each value of a key: arrays give one per item; `undefined` and `null` give none. */
function values(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value.filter((item) => item !== undefined && item !== null) : [value]
}

/**
 * The path with its parameters filled in (`/items/:id` → `/items/7`), in Hono's syntax: `:name`,
 * `:name{pattern}` (slashes kept: `/files/:path{.+}`), `:name?` (dropped when not given).
 */
export function fillPath(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(
    /\/:([^/{?]+)(\{(?:[^{}]|\{[^{}]*\})*\})?(\?)?/g,
    (_whole, name: string, pattern: string | undefined, optional: string | undefined) => {
      const value = params[name]
      if (value === undefined || value === null) {
        if (optional) return ''
        throw new TypeError(`The path parameter "${name}" of ${path} is missing: pass it in params.`)
      }
      const raw = text(value)
      return `/${pattern ? raw.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(raw)}`
    },
  )
}

/** The full URL of a call: the base URL (its path kept), the filled path and the query string. */
export function callUrl(base: string, path: string, input: RawInput): string {
  let url = base.replace(/\/+$/, '') + fillPath(path, input.params)
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(input.query ?? {})) {
    for (const item of values(value)) query.append(key, text(item))
  }
  const search = query.toString()
  if (search) url += `?${search}`
  return url
}

/** A form: multipart when it holds a file (or any Blob), else urlencoded. */
function formBody(form: Record<string, unknown>): FormData | URLSearchParams {
  const entries = Object.entries(form).flatMap(([key, value]) =>
    values(value).map((item) => [key, item] as const),
  )
  if (entries.some(([, item]) => item instanceof Blob)) {
    const data = new FormData()
    for (const [key, item] of entries) data.append(key, item instanceof Blob ? item : text(item))
    return data
  }
  return new URLSearchParams(entries.map(([key, item]) => [key, text(item)]))
}

/** JSON that also writes bigints (as the server does: numbers when safe, else strings). */
function json(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    typeof item === 'bigint' ? (Number.isSafeInteger(Number(item)) ? Number(item) : String(item)) : item,
  )
}

/** The `Request` of a call, over the client's default headers. */
export function buildRequest(method: string, url: string, input: RawInput, defaults: Headers): Request {
  const headers = new Headers(defaults)
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const list = values(value)
    // As the server reads them: `x_token` is the `x-token` header; a list is comma-separated.
    if (list.length > 0) headers.set(name.replaceAll('_', '-'), list.map(text).join(', '))
  }
  const cookies = Object.entries(input.cookies ?? {}).flatMap(([name, value]) =>
    values(value).map((item) => `${name}=${encodeURIComponent(text(item))}`),
  )
  if (cookies.length > 0) {
    const existing = headers.get('cookie')
    headers.set('cookie', [existing, ...cookies].filter(Boolean).join('; '))
  }
  let body: BodyInit | undefined
  if (input.body !== undefined) {
    body = json(input.body)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
  } else if (input.form !== undefined) {
    body = formBody(input.form)
  }
  return new Request(url, { ...input.init, method, headers, body, signal: input.signal })
}
