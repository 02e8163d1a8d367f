import type { IncomingMessage } from 'node:http'

/**
 * A Node request's URL, from its target and `Host` header, as the URL standard writes it (what a
 * `Request`'s `url` holds), or `BadRequestTarget` for one that makes no URL.
 */

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
