import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { toOutgoing } from './outgoing-headers.ts'
import { checked, type LightResponse, PARTS, REAL } from './response.ts'

/**
 * Writing responses to Node's `ServerResponse`: a light response's parts as they are, any other
 * response from its `Headers` and its body stream, with backpressure (see `response.ts`).
 */

/** Node's headers for a checked frozen object and a text body, made once. */
const templates = new WeakMap<object, OutgoingHttpHeaders>()

/**
 * Writes a response to Node's `ServerResponse`. Resolves when a streamed body is done (at once, with
 * undefined, for the rest). A body stream that fails midway destroys the connection: the client sees
 * a cut response, as it would from any server.
 */
export function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> | undefined {
  const parts = (response as unknown as LightResponse)[PARTS]
  if (parts) {
    const body = parts.body
    const given = parts.headers ?? parts.init?.headers
    // A shared frozen header object (core's JSON headers) is translated once, then copied.
    const template = body !== null && given !== undefined ? templates.get(given) : undefined
    const headers = template ? { ...template } : toOutgoing(given, body !== null)
    if (!template && body !== null && given !== undefined && checked.has(given)) {
      templates.set(given, { ...headers })
    }
    // The body's own length, whatever the headers said (a shorter one would corrupt the connection);
    // none on a 204 (RFC 9110 forbids it) or a 304 (it would describe the cached representation).
    const status = parts.status
    if (status === 204 || status === 304) {
      if (status === 204 || body !== null) delete headers['content-length']
    } else headers['content-length'] = body === null ? 0 : Buffer.byteLength(body)
    outgoing.writeHead(status, headers)
    outgoing.end(body ?? undefined)
    return undefined
  }
  const real = (response as unknown as LightResponse)[REAL] ?? response
  const headers = toOutgoing(real.headers, false)
  const body = real.body
  if (!body) {
    if (real.status === 204) delete headers['content-length']
    outgoing.writeHead(real.status, headers)
    outgoing.end()
    return undefined
  }
  let declared: number | undefined
  if (headers['content-length'] !== undefined) {
    if (real.url !== '' && decodedByFetch(headers['content-encoding'])) {
      // A response from fetch() whose body fetch already decompressed (a proxy returning it as it
      // came): its length and encoding describe bytes that are no longer there.
      delete headers['content-length']
      delete headers['content-encoding']
    } else {
      // Held to its word: a stream longer or shorter than it declared would desynchronise the
      // connection (its extra bytes read as the next response): Node refuses the write instead.
      declared = Number(headers['content-length'])
      outgoing.strictContentLength = true
    }
  }
  outgoing.writeHead(real.status, headers)
  // Headers now: a stream's first chunk may be a while (server-sent events).
  outgoing.flushHeaders()
  return pipeBody(body, outgoing, declared)
}

/**
 * Drops a response that will not be written (the server answered its request already): a streamed
 * body is cancelled, so its cleanups and background tasks run.
 */
export function discardResponse(response: Response): void {
  if ((response as unknown as LightResponse)[PARTS]) return
  const real = (response as unknown as LightResponse)[REAL] ?? response
  real.body?.cancel().catch(() => {})
}

/** The content codings fetch() decodes on its own: a fetched body with these is already plain. */
const FETCH_DECODES = new Set(['gzip', 'x-gzip', 'deflate', 'br', 'zstd'])

function decodedByFetch(encoding: OutgoingHttpHeaders[string]): boolean {
  if (typeof encoding !== 'string') return false
  return encoding.split(',').every((coding) => FETCH_DECODES.has(coding.trim().toLowerCase()))
}

async function pipeBody(
  body: ReadableStream<Uint8Array>,
  outgoing: ServerResponse,
  declared: number | undefined,
): Promise<void> {
  const reader = body.getReader()
  let gone = false
  let sent = 0
  // The client went away before the end (perhaps before the response was even ready): cancel the
  // stream, which runs the response's cleanups and background tasks.
  const leave = () => {
    if (gone || outgoing.writableFinished) return
    gone = true
    reader.cancel().catch(() => {})
  }
  outgoing.on('close', leave)
  if (outgoing.destroyed) leave()
  try {
    while (!gone) {
      const { done, value } = await reader.read()
      if (done || gone) break
      if (outgoing.destroyed) {
        leave()
        break
      }
      sent += value.byteLength
      if (!outgoing.write(value)) await drained(outgoing)
    }
    if (!gone) outgoing.end()
  } catch (error) {
    if (gone) return
    gone = true
    reader.cancel().catch(() => {})
    outgoing.destroy(error as Error)
    if ((error as { code?: string }).code === 'ERR_HTTP_CONTENT_LENGTH_MISMATCH') {
      throw new Error(
        `A streamed response declared Content-Length: ${declared} but its body was ` +
          `${sent > (declared ?? 0) ? `longer (${sent}+ bytes)` : `shorter (${sent} bytes)`}: the connection was ` +
          'closed, so the client sees a cut response. Leave content-length out of a streamed response, ' +
          'or send exactly that many bytes.',
        { cause: error },
      )
    }
  } finally {
    outgoing.off('close', leave)
  }
}

function drained(outgoing: ServerResponse): Promise<void> {
  if (outgoing.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off('drain', done)
      outgoing.off('close', done)
      resolve()
    }
    outgoing.on('drain', done)
    outgoing.on('close', done)
  })
}
