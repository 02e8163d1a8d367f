import type { OutgoingHttpHeaders } from 'node:http'
import { NativeHeaders, TEXT_TYPE } from './response.ts'

/** A response's headers as Node's `ServerResponse` takes them, without the ones the server owns. */

/**
 * Headers a response cannot set itself: the connection's framing and lifetime are the server's (a
 * fetched response passed on brings its upstream's). `Connection: close` stays: it closes the
 * connection after this response, which a handler may mean.
 */
const HOP_BY_HOP = new Set([
  'transfer-encoding',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
])
const isClose = (value: string) => value.trim().toLowerCase() === 'close'
const hopByHop = (name: string, value: string) =>
  HOP_BY_HOP.has(name) || (name === 'connection' && !isClose(value))

/** Node's headers object from a response's headers (names in lower case, cookies as a list). */
export function toOutgoing(init: HeadersInit | undefined, textBody: boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {}
  if (init instanceof NativeHeaders) {
    for (const [name, value] of init) if (name !== 'set-cookie' && !hopByHop(name, value)) out[name] = value
    const cookies = init.getSetCookie()
    if (cookies.length > 0) out['set-cookie'] = cookies
  } else if (Array.isArray(init)) {
    for (const [name, value] of init as [string, string][]) add(out, name.toLowerCase(), value)
  } else if (init) {
    for (const name in init) add(out, name.toLowerCase(), (init as Record<string, string>)[name]!)
  }
  if (textBody && out['content-type'] === undefined) out['content-type'] = TEXT_TYPE
  return out
}

function add(out: OutgoingHttpHeaders, name: string, value: string): void {
  if (hopByHop(name, value)) return
  const current = out[name]
  if (current === undefined) out[name] = value
  else if (name === 'set-cookie')
    out[name] = Array.isArray(current) ? [...current, value] : [String(current), value]
  else out[name] = `${current}, ${value}`
}
