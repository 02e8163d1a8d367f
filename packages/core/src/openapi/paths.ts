import { checkOptionalParameter } from 'hono/utils/url'

/** One OpenAPI path a Hono route path stands for, with the names of its path parameters. */
export interface OpenAPIPath {
  /** The path in OpenAPI's syntax: `/items/{id}`. */
  path: string
  /** The path parameters it contains, in order. */
  params: string[]
}

/**
 * Turns a path in Hono's syntax into the OpenAPI paths it matches: `:id` becomes `{id}`, a regex
 * suffix (`:name{.+}`) is dropped, and a route with optional parameters (`/items/:id?`) stands for
 * one path per variant, as Hono routes it, the longest first (OpenAPI path parameters are always
 * required, so `/items` and `/items/{id}` are two paths).
 *
 * @example
 * toOpenAPIPaths('/files/:name{.+}') // [{ path: '/files/{name}', params: ['name'] }]
 * toOpenAPIPaths('/items/:id?').map((p) => p.path) // ['/items/{id}', '/items']
 */
export function toOpenAPIPaths(honoPath: string): OpenAPIPath[] {
  const variants = checkOptionalParameter(honoPath)?.reverse() ?? [honoPath]
  return variants.map(convertPath)
}

/** Rewrites the parameters of one Hono path (without optional markers left to expand). */
function convertPath(honoPath: string): OpenAPIPath {
  const params: string[] = []
  let path = ''
  let i = 0
  while (i < honoPath.length) {
    const char = honoPath[i]!
    // A parameter starts a segment: `/:name`, `/:name{regex}`, `/:name?`.
    if (char === ':' && (i === 0 || honoPath[i - 1] === '/')) {
      let end = i + 1
      while (end < honoPath.length && /[^/{?]/.test(honoPath[end]!)) end++
      const name = honoPath.slice(i + 1, end)
      if (honoPath[end] === '{') end = skipBraces(honoPath, end)
      if (honoPath[end] === '?') end++
      params.push(name)
      path += `{${name}}`
      i = end
      continue
    }
    path += char
    i++
  }
  return { path, params }
}

/** The index just past the `}` that closes the `{` at `start`, nested braces included. */
function skipBraces(text: string, start: number): number {
  let depth = 0
  for (let i = start; i < text.length; i++) {
    if (text[i] === '\\') {
      i++
    } else if (text[i] === '{') {
      depth++
    } else if (text[i] === '}') {
      depth--
      if (depth === 0) return i + 1
    }
  }
  return text.length
}
