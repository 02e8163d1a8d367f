import type { ValidationIssue } from '../errors.ts'

/** WebSocket close codes Tandem uses (RFC 6455 §7.4.1), as FastAPI/Starlette use them. */
export const CloseCode = {
  /** The handler returned, or either side closed normally. */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** A dependency refused the connection, an input or a message was invalid. */
  policyViolation: 1008,
  /** The handler (or a dependency) failed with an unexpected error. */
  internalError: 1011,
} as const

/**
 * Closes a WebSocket with `code` and `reason`, as FastAPI's `WebSocketException`: thrown by a
 * dependency it refuses the connection (the handler never runs); thrown by the handler it closes it.
 *
 * @example
 * const ticket = depends({ query: { ticket: z.string().optional() } }, ({ query }) => {
 *   if (!query.ticket) throw new WebSocketException(1008, 'A ticket is required')
 *   return query.ticket
 * })
 */
export class WebSocketException extends Error {
  readonly code: number
  readonly reason: string

  constructor(code: number = CloseCode.policyViolation, reason = '') {
    super(reason || `WebSocket closed with code ${code}`)
    this.name = 'WebSocketException'
    this.code = code
    this.reason = reason
  }
}

/**
 * The socket is closed (by the client, a vanished connection, the server, or the handler itself):
 * thrown by `receive()` and `send()` once it is. As Starlette's `WebSocketDisconnect`; a handler
 * that lets it escape ends normally.
 */
export class WebSocketDisconnect extends Error {
  readonly code: number
  readonly reason: string

  constructor(code: number = CloseCode.normal, reason = '') {
    super(`The WebSocket is closed (code ${code}${reason ? `: ${reason}` : ''})`)
    this.name = 'WebSocketDisconnect'
    this.code = code
    this.reason = reason
  }
}

/**
 * A received message was not valid JSON or did not match the declaration's `receive` schema.
 * `receive()` throws it; the handler may catch it and go on. Uncaught, the socket closes with 1008
 * and the issues (FastAPI's shape, `loc` starting with `"message"`) as the close reason.
 */
export class WebSocketValidationError extends Error {
  readonly issues: ValidationIssue[]

  constructor(issues: ValidationIssue[]) {
    super(`Invalid WebSocket message: ${issues.map((issue) => issue.msg).join('; ')}`)
    this.name = 'WebSocketValidationError'
    this.issues = issues
  }
}

/** Close reasons are at most 123 bytes of UTF-8 (RFC 6455 §5.5). */
const MAX_REASON = 123

/**
 * The close reason for validation issues: their JSON (`[{"type","loc","msg"}]`, without `input`)
 * when it fits in 123 bytes, else `msg (loc)` for as many issues as fit, cut with `…`.
 */
export function issuesReason(issues: readonly ValidationIssue[]): string {
  const json = JSON.stringify(issues.map(({ type, loc, msg }) => ({ type, loc, msg })))
  if (byteLength(json) <= MAX_REASON) return json
  return fitReason(issues.map((issue) => `${issue.msg} (${issue.loc.join('.')})`).join('; '))
}

/** `reason` cut to the 123 bytes a close frame can carry (with `…` when cut). */
export function fitReason(reason: string): string {
  if (byteLength(reason) <= MAX_REASON) return reason
  let out = reason
  while (byteLength(`${out}…`) > MAX_REASON) out = out.slice(0, -1)
  return `${out}…`
}

const encoder = new TextEncoder()
const byteLength = (text: string) => encoder.encode(text).byteLength
