import type { IncomingMessage } from 'node:http'
import { bodyTooLarge, bodyUnreadable } from '@tandem/core'

const EMPTY = new Uint8Array(0)

/**
 * Reads a request body straight from Node's `IncomingMessage`, past the Web stream a `Request` would
 * wrap it in: the same limit (413 before reading when `Content-Length` says so, while reading
 * otherwise) and the same 400 for a body that breaks off.
 */
export function readIncoming(incoming: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(incoming.headers['content-length'])
  if (declared > limit) return Promise.reject(bodyTooLarge(limit))
  return new Promise((resolve, reject) => {
    // Most bodies arrive in one chunk: keep it, and gather a list only when a second one comes.
    let first: Buffer | undefined
    let chunks: Buffer[] | undefined
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        incoming.off('data', onData)
        incoming.resume()
        reject(bodyTooLarge(limit))
        return
      }
      if (first === undefined) first = chunk
      else {
        chunks ??= [first]
        chunks.push(chunk)
      }
    }
    // No listener is removed at the end: the message is done with, and a late 'error' or
    // 'aborted' only rejects a promise already settled.
    incoming.on('data', onData)
    incoming.on('end', () => {
      if (size > limit) return
      // Node's chunks as they are (no copy: a fresh ArrayBuffer costs about a microsecond). They may
      // be views into a larger buffer; whatever sends a body to a worker copies it first.
      if (chunks === undefined) resolve((first ?? EMPTY) as Uint8Array<ArrayBuffer>)
      else resolve(Buffer.concat(chunks, size) as Uint8Array<ArrayBuffer>)
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
