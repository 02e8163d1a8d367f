import type { IncomingMessage } from 'node:http'
import { bodyTooLarge, bodyUnreadable } from '@tandem/core'

/**
 * Reads a request body straight from Node's `IncomingMessage`, past the Web stream a `Request` would
 * wrap it in: the same limit (413 before reading when `Content-Length` says so, while reading
 * otherwise) and the same 400 for a body that breaks off.
 */
export function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(incoming.headers['content-length'])
  if (declared > limit) return Promise.reject(bodyTooLarge(limit))
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

/** Node's body reader for core: used when the request came through `serve()` (env.incoming). */
export function nodeBodyReader(request: Request, env: unknown, limit: number) {
  const incoming = (env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (!incoming || request.bodyUsed || incoming.readableEnded || incoming.readableDidRead) return undefined
  return readIncoming(incoming, limit)
}
