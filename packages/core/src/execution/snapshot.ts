import type { CallContext, CallScope } from './call-scope.ts'
import { RemoteValue } from './remote-value.ts'
import { type ContextSnapshot, REF } from './scheduler.ts'

/**
 * A request's context on its way to a worker and back: what crosses is plain data (the validated
 * inputs, the injected values or refs to values already on the worker, the request's URL, method,
 * headers and body bytes), rebuilt into a context there.
 */

const FILE = '__tandem_file__'
const RESPONSE = '__tandem_response__'

type EncodedFile = { [FILE]: { name: string; type: string; lastModified: number; bytes: ArrayBuffer } }

async function encodeValue(value: unknown): Promise<unknown> {
  if (typeof File !== 'undefined' && value instanceof File) {
    const file: EncodedFile = {
      [FILE]: {
        name: value.name,
        type: value.type,
        lastModified: value.lastModified,
        bytes: await value.arrayBuffer(),
      },
    }
    return file
  }
  if (Array.isArray(value)) return Promise.all(value.map(encodeValue))
  return value
}

async function encodeForm(form: unknown): Promise<unknown> {
  if (form === null || typeof form !== 'object') return form
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(form)) out[key] = await encodeValue(value)
  return out
}

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue)
  if (value !== null && typeof value === 'object' && FILE in value) {
    const f = (value as EncodedFile)[FILE]
    return new File([f.bytes], f.name, { type: f.type, lastModified: f.lastModified })
  }
  return value
}

/** Rebuilds `File` values in a decoded form. */
export function decodeForm(form: unknown): unknown {
  if (form === null || typeof form !== 'object') return form
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(form)) out[key] = decodeValue(value)
  return out
}

/** The cloneable snapshot of a context, for a blocking function on a worker. */
export async function snapshotContext(ctx: CallContext, scope: CallScope): Promise<ContextSnapshot> {
  const deps: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(ctx.deps)) {
    deps[name] = value instanceof RemoteValue ? { [REF]: value.ref } : value
  }
  const request = scope.request
  let body: ArrayBuffer | null = null
  const pending = scope.bytesIfRead() ?? (request.body && !request.bodyUsed ? scope.bytes() : undefined)
  const bytes = pending ? await pending : undefined
  // A copy of exactly the body: adapters may hand out views into larger buffers (Node's Buffer
  // `slice()` would not even copy), and the copy is what travels (it may be transferred).
  if (bytes && bytes.byteLength > 0) body = new Uint8Array(bytes).buffer
  return {
    params: ctx.params,
    query: ctx.query,
    headers: ctx.headers,
    cookies: ctx.cookies,
    body: ctx.body,
    form: await encodeForm(ctx.form),
    deps,
    scopes: ctx.scopes,
    request: { url: request.url, method: request.method, headers: [...request.headers], body },
  }
}

/** Encodes a handler's returned `Response` on the worker (a `Response` cannot be cloned). */
export async function encodeResponse(value: unknown): Promise<unknown> {
  if (!(value instanceof Response)) return value
  return {
    [RESPONSE]: {
      status: value.status,
      statusText: value.statusText,
      headers: [...value.headers],
      body: value.body ? await value.arrayBuffer() : null,
    },
  }
}

/** Rebuilds a `Response` encoded by `encodeResponse`; other values pass through. */
export function decodeResponse(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !(RESPONSE in value)) return value
  const r = (
    value as {
      [RESPONSE]: {
        status: number
        statusText: string
        headers: [string, string][]
        body: ArrayBuffer | null
      }
    }
  )[RESPONSE]
  return new Response(r.body, { status: r.status, statusText: r.statusText, headers: r.headers })
}
