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
    const cleanup = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('aborted', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        incoming.resume()
        reject(bodyTooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      const out = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        out.set(chunk, offset)
        offset += chunk.length
      }
      resolve(out)
    }
    const onError = () => {
      cleanup()
      reject(bodyUnreadable())
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
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
