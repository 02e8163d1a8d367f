import type { IncomingMessage } from 'node:http'
import { bodyTooLarge, bodyUnreadable } from '@tandem/core/adapter'
import { keepBody } from './request.ts'

/**
 * Reads a request body straight from Node's `IncomingMessage`, past the Web stream a `Request` would
 * wrap it in: the same limit while reading (413; `nodeBodyReader` refuses a declared length over it
 * before reading) and the same 400 for a body that breaks off.
 */
export function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        incoming.off('data', onData)
        incoming.resume()
        reject(bodyTooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    // No listener is removed at the end: the message is done with, and a late 'error' or
    // 'aborted' only rejects a promise already settled.
    incoming.on('data', onData)
    incoming.on('end', () => {
      if (size > limit) return
      // Node's chunk as it is when there is one (no copy: a fresh ArrayBuffer costs about a
      // microsecond). It may be a view into a larger buffer; whatever sends a body to a worker copies it.
      resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)) as Uint8Array<ArrayBuffer>)
    })
    const onError = () => reject(bodyUnreadable())
    incoming.on('error', onError)
    incoming.on('aborted', onError)
  })
}

/**
 * The whole body at once when it has already arrived: `Content-Length` bytes buffered in the
 * message (a small request comes in one packet with its headers, and `serve()` dispatches it once
 * that packet is parsed). Undefined when some of it is still on its way.
 */
export function bufferedBody(incoming: IncomingMessage): Buffer | undefined {
  const declared = incoming.headers['content-length']
  if (declared === undefined || incoming.readableLength !== Number(declared)) return undefined
  if (incoming.readableLength === 0) return EMPTY
  // All of it, at once. The message is not resumed afterwards: its end is only the parser's last
  // push, and waking the stream to emit 'end' and 'close' costs more than the rest of the read.
  // Node drops the message with its connection's next one; the response does not wait for it.
  return (incoming.read() as Buffer | null) ?? undefined
}

const EMPTY = Buffer.alloc(0)

/** Node's body reader for core: used when the request came through `serve()` (env.incoming). */
export function nodeBodyReader(request: Request, env: unknown, limit: number) {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (!incoming || request.bodyUsed || incoming.readableEnded || incoming.readableDidRead) return undefined
  // 413 before reading when Content-Length says so (read at once or not).
  if (Number(incoming.headers['content-length']) > limit) return Promise.reject(bodyTooLarge(limit))
  const body =
    (bufferedBody(incoming) as Uint8Array<ArrayBuffer> | undefined) ?? readIncoming(incoming, limit)
  keepBody(request, body)
  return body
}
