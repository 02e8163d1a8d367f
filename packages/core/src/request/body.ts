import { HTTPException } from '../errors.ts'

/** The default limit of a request body: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024

const PARSE_ERROR = 'There was an error parsing the body'

function tooLarge(limit: number): HTTPException {
  return new HTTPException(
    413,
    `Request body is too large: the limit is ${limit} bytes. Send a smaller body, or raise the app's bodyLimit option.`,
  )
}

/**
 * A faster way to read a request's body that an adapter knows (Node: straight from the
 * `IncomingMessage`, past the Web stream). Returns the bytes themselves when the whole body has
 * already arrived (the request then runs without waiting), a promise of them otherwise, or
 * `undefined` to fall back to the `Request`.
 */
export type BodyReader = (
  request: Request,
  env: unknown,
  limit: number,
) => Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>> | undefined

let adapterReader: BodyReader | undefined

/**
 * Sets the adapter's body reader (`@tandem/node` does, for `node:http`).
 *
 * @example
 * setBodyReader((request, env, limit) => env?.incoming ? readIncoming(env.incoming, limit) : undefined)
 */
export function setBodyReader(reader: BodyReader | undefined): void {
  adapterReader = reader
}

/**
 * Reads the body with the adapter's reader if it has one for this request, else from the `Request`.
 * The bytes come back as they are (no promise) when the adapter already has the whole body.
 */
export function readBody(
  request: Request,
  env: unknown,
  limit: number,
): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>> {
  return adapterReader?.(request, env, limit) ?? readBodyBytes(request, limit)
}

/** The answer to a body over the limit. */
export function bodyTooLarge(limit: number): HTTPException {
  return tooLarge(limit)
}

/** The answer to a body that could not be read. */
export function bodyUnreadable(): HTTPException {
  return new HTTPException(400, PARSE_ERROR)
}

/**
 * Reads a request body into bytes, refusing more than `limit` bytes with 413 (before reading
 * when `Content-Length` says so, while reading otherwise).
 */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length')
  if (declared !== null) {
    const length = Number(declared)
    if (length > limit) throw tooLarge(limit)
    // Straight to arrayBuffer(), without touching `request.body`: adapters with a lazy Request
    // (@hono/node-server) would build a Web stream for it and lose their fast path.
    if (length <= limit) {
      const bytes = new Uint8Array(await request.arrayBuffer().catch(unreadable))
      if (bytes.byteLength > limit) throw tooLarge(limit)
      return bytes
    }
  }
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array<ArrayBuffer>[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read().catch(unreadable)
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

/** The body could not be read (the client went away mid-body, a broken stream): 400, as FastAPI. */
function unreadable(): never {
  throw new HTTPException(400, PARSE_ERROR)
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes UTF-8 strictly: invalid bytes answer 400 as FastAPI does for an unparseable body. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new HTTPException(400, PARSE_ERROR)
  }
}

/** True for `application/json` and `application/*+json` (parameters such as charset ignored). */
export function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false
  const semi = contentType.indexOf(';')
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))
}

/** True for the two form encodings. */
export function isFormContentType(contentType: string | null): boolean {
  if (!contentType) return false
  const type = contentType.toLowerCase()
  return type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')
}

/** Parses a urlencoded or multipart form (after the size check) with the runtime's own parser. */
export async function parseForm(bytes: Uint8Array, contentType: string): Promise<FormData> {
  try {
    return await new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': contentType },
    }).formData()
  } catch {
    throw new HTTPException(400, PARSE_ERROR)
  }
}
