/**
 * Route paths as declared (Hono's syntax: `/items/:id`, `/files/:name{.+}`, `/items/:id?`), read
 * without loading Hono: the declaration checks need the parameters' names wherever the app is
 * loaded, pool workers included.
 */

/** A route path read by `parseRoutePath`. */
export interface ParsedRoutePath {
  /** The path in OpenAPI's syntax: `/items/{id}`. */
  path: string
  /** The path parameters it contains, in order. */
  params: string[]
}

/**
 * Reads a route path in Hono's syntax: its parameters' names, in order, and the path in OpenAPI's
 * syntax (`:id` becomes `{id}`, a regex suffix `{.+}` and an optional marker `?` are dropped).
 *
 * @example
 * parseRoutePath('/files/:name{.+}') // { path: '/files/{name}', params: ['name'] }
 */
export function parseRoutePath(honoPath: string): ParsedRoutePath {
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
