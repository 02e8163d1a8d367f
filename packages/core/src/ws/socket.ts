import type { z } from 'zod'
import type { ValidationIssue } from '../errors.ts'
import { ASK_ZOD, fastParse } from '../validation/fast.ts'
import { toValidationIssues } from '../validation/issues.ts'
import { parseJsonBody } from '../validation/json.ts'
import { CloseCode, WebSocketDisconnect, WebSocketValidationError } from './errors.ts'
import type { TandemWebSocket, WebSocketState } from './types.ts'

/**
 * The runtime's socket, as an adapter hands it to core: send a text or binary frame, close. The
 * adapter reports what arrives through the `WebSocketEvents` that `accept()` returns.
 */
export interface RawWebSocket {
  send(data: string | Uint8Array): void
  close(code: number, reason: string): void
}

type Waiter = { resolve: (message: string | Uint8Array) => void; reject: (error: unknown) => void }

const decoder = new TextDecoder()
const encoder = new TextEncoder()

/** The typed socket over a raw one: a queue of arrived messages, JSON with optional schemas. */
export class TypedSocket implements TandemWebSocket<unknown, unknown> {
  readonly #raw: RawWebSocket
  readonly #receiveSchema: z.ZodType | undefined
  readonly #sendSchema: z.ZodType | undefined
  readonly #onClose: (code: number, reason: string) => void
  readonly #arrived: (string | Uint8Array)[] = []
  readonly #waiting: Waiter[] = []
  #closed: { code: number; reason: string } | undefined

  constructor(
    raw: RawWebSocket,
    schemas: { receive?: z.ZodType; send?: z.ZodType },
    onClose: (code: number, reason: string) => void,
  ) {
    this.#raw = raw
    this.#receiveSchema = schemas.receive
    this.#sendSchema = schemas.send
    this.#onClose = onClose
  }

  get state(): WebSocketState {
    return this.#closed ? 'closed' : 'open'
  }

  get closed(): { code: number; reason: string } | undefined {
    return this.#closed
  }

  send(value: unknown): void {
    this.#open()
    const schema = this.#sendSchema
    let out = value
    if (schema) {
      // The validation fast path (as for bodies), Zod itself for anything it does not accept.
      const fast = fastParse(schema, value)
      out = fast === ASK_ZOD ? schema.parse(value) : fast
    }
    this.#raw.send(JSON.stringify(out))
  }

  sendText(text: string): void {
    this.#open()
    this.#raw.send(text)
  }

  sendBytes(bytes: Uint8Array | ArrayBuffer): void {
    this.#open()
    this.#raw.send(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
  }

  async receive(): Promise<unknown> {
    return this.#parse(await this.#next())
  }

  async receiveText(): Promise<string> {
    const message = await this.#next()
    return typeof message === 'string' ? message : decoder.decode(message)
  }

  async receiveBytes(): Promise<Uint8Array> {
    const message = await this.#next()
    return typeof message === 'string' ? encoder.encode(message) : message
  }

  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    // A plain iterator rather than an async generator, and a waiter that resolves with the result
    // itself: one promise per message.
    const done = { done: true, value: undefined } as IteratorResult<unknown>
    const step = (message: string | Uint8Array): IteratorResult<unknown> => ({
      done: false,
      value: this.#parse(message),
    })
    return {
      next: () => {
        const message = this.#arrived.shift()
        if (message !== undefined) {
          try {
            return Promise.resolve(step(message))
          } catch (error) {
            return Promise.reject(error)
          }
        }
        if (this.#closed) return Promise.resolve(done)
        return new Promise((resolve, reject) => {
          this.#waiting.push({
            resolve: (arrived) => {
              try {
                resolve(step(arrived))
              } catch (error) {
                reject(error)
              }
            },
            reject: (error) => (error instanceof WebSocketDisconnect ? resolve(done) : reject(error)),
          })
        })
      },
      return: async () => done,
    }
  }

  close(code: number = CloseCode.normal, reason = ''): void {
    if (this.#closed) return
    this.#ended(code, reason)
    try {
      this.#raw.close(code, reason)
    } catch {
      // The connection is gone already.
    }
  }

  /** A message arrived (the adapter's event). */
  arrived(message: string | Uint8Array): void {
    if (this.#closed) return
    const waiter = this.#waiting.shift()
    if (waiter) waiter.resolve(message)
    else this.#arrived.push(message)
  }

  /** The connection closed (the adapter's event): a close frame, or the client vanishing. */
  ended(code: number, reason: string): void {
    if (!this.#closed) this.#ended(code, reason)
  }

  #ended(code: number, reason: string): void {
    this.#closed = { code, reason }
    const disconnect = new WebSocketDisconnect(code, reason)
    for (const waiter of this.#waiting.splice(0)) waiter.reject(disconnect)
    this.#onClose(code, reason)
  }

  #open(): void {
    if (this.#closed) throw new WebSocketDisconnect(this.#closed.code, this.#closed.reason)
  }

  #next(): Promise<string | Uint8Array> {
    const message = this.#arrived.shift()
    if (message !== undefined) return Promise.resolve(message)
    if (this.#closed) return Promise.reject(new WebSocketDisconnect(this.#closed.code, this.#closed.reason))
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }))
  }

  #parse(message: string | Uint8Array): unknown {
    const text = typeof message === 'string' ? message : decoder.decode(message)
    const parsed = parseJsonBody(text)
    if (!parsed.ok) throw new WebSocketValidationError([messageIssue(parsed.issue)])
    const schema = this.#receiveSchema
    if (!schema) return parsed.value
    const fast = fastParse(schema, parsed.value)
    if (fast !== ASK_ZOD) return fast
    const result = schema.safeParse(parsed.value)
    if (result.success) return result.data
    throw new WebSocketValidationError(
      toValidationIssues(result.error.issues, {
        location: 'message',
        input: parsed.value,
        schema,
        missingInput: 'parent',
      }),
    )
  }
}

/** A JSON syntax issue of the body parser, located in the message instead. */
function messageIssue(issue: ValidationIssue): ValidationIssue {
  return { ...issue, loc: ['message', ...issue.loc.slice(1)] }
}
