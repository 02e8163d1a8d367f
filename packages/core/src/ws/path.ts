/**
 * Matches request paths against a route path in Hono's syntax (`/orders/:id`, `/files/:name{.+}`,
 * `/items/:id?`, `*`) without loading Hono: WebSocket routes are few, matched once per connection.
 */
export type PathMatcher = (pathname: string) => Record<string, string> | undefined

/**
 * Compiles a Hono-syntax route path into a matcher giving the decoded path parameters.
 *
 * @example
 * compilePath('/orders/:id')('/orders/7') // { id: '7' }
 */
export function compilePath(path: string): PathMatcher {
  const names: string[] = []
  let source = ''
  let i = 0
  while (i < path.length) {
    const char = path[i]!
    if (char === '/' && path[i + 1] === ':') {
      let end = i + 2
      while (end < path.length && /[^/{?]/.test(path[end]!)) end++
      names.push(path.slice(i + 2, end))
      let pattern = '[^/]+'
      if (path[end] === '{') {
        const close = closingBrace(path, end)
        pattern = path.slice(end + 1, close)
        end = close + 1
      }
      const optional = path[end] === '?'
      if (optional) end++
      source += optional ? `(?:/(${pattern}))?` : `/(${pattern})`
      i = end
      continue
    }
    source += char === '*' ? '.*' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    i++
  }
  const regex = new RegExp(`^${source}$`)
  return (pathname) => {
    const match = regex.exec(pathname)
    if (!match) return undefined
    const params: Record<string, string> = {}
    names.forEach((name, index) => {
      const value = match[index + 1]
      if (value !== undefined) params[name] = safeDecode(value)
    })
    return params
  }
}

function closingBrace(text: string, start: number): number {
  let depth = 0
  for (let i = start; i < text.length; i++) {
    if (text[i] === '\\') i++
    else if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return i
  }
  return text.length
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
