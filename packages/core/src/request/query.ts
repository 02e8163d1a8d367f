/** Query strings and cookies, parsed once per request into plain lookups. */

function decode(part: string): string {
  const spaced = part.includes('+') ? part.replaceAll('+', ' ') : part
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}

/** Every key of a query string with all its values, in order (`?q=1&q=2` → `{ q: ['1', '2'] }`). */
export function parseQuery(url: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const start = url.indexOf('?')
  if (start === -1) return out
  const hash = url.indexOf('#', start)
  const end = hash === -1 ? url.length : hash
  // One pass over the pairs with indexOf (no intermediate list of them).
  for (let at = start + 1; at < end; ) {
    let amp = url.indexOf('&', at)
    if (amp === -1 || amp > end) amp = end
    if (amp > at) {
      let eq = url.indexOf('=', at)
      if (eq === -1 || eq > amp) eq = -1
      const key = decode(url.slice(at, eq === -1 ? amp : eq))
      const value = eq === -1 ? '' : decode(url.slice(eq + 1, amp))
      const list = out.get(key)
      if (list) list.push(value)
      else out.set(key, [value])
    }
    at = amp + 1
  }
  return out
}

/** The cookies of a `Cookie` header (`a=1; b=2`); the first occurrence of a name wins. */
export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>()
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    const name = part.slice(0, eq).trim()
    if (!name || out.has(name)) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    out.set(name, decode(value))
  }
  return out
}
