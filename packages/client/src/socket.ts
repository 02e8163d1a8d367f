/**
 * The client side of a WebSocket route: a socket that sends and reads JSON messages, typed by the
 * route's `receive` (what the client sends) and `send` (what it reads) schemas.
 */

/** How a socket closed: the close frame's code and reason. */
export interface SocketClose {
  code: number
  reason: string
}

/**
 * An open WebSocket to a route, as `client.ws()` resolves it: `send()` writes a message as JSON,
 * `receive()` and `for await` read the server's messages (JSON parsed, else the text; binary
 * messages as `Uint8Array`).
 *
 * @example
 * const socket = await client.ws('/chat/:room', { params: { room: 'lobby' } })
 * socket.send({ text: 'hi' })
 * for await (const event of socket) console.log(event.from, event.text)
 */
export interface ClientSocket<Send = unknown, Receive = unknown> extends AsyncIterable<Receive> {
  /** Sends `message` as JSON (a text frame). */
  send(message: Send): void
  /** The next message; rejects once the socket is closed and no message is left. */
  receive(): Promise<Receive>
  /** Closes the socket (default 1000). */
  close(code?: number, reason?: string): void
  /** Resolves when the socket has closed, from either side. */
  readonly closed: Promise<SocketClose>
  /** The `WebSocket` itself (its `protocol`, `readyState`, raw frames with `sendText`...). */
  readonly raw: WebSocket
}

/** A message's data: text parsed as JSON when it parses (else the text), binary as bytes. */
function messageData(data: unknown): unknown {
  if (typeof data !== 'string') return new Uint8Array(data as ArrayBuffer)
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}

/** Wraps an opening `WebSocket`: resolves once it is open, rejects if it closes or fails before. */
export function openSocket(raw: WebSocket, url: string): Promise<ClientSocket> {
  raw.binaryType = 'arraybuffer'
  const arrived: unknown[] = []
  const waiting: [(value: unknown) => void, (error: Error) => void][] = []
  let ended: SocketClose | undefined
  let onClose!: (close: SocketClose) => void
  const closed = new Promise<SocketClose>((resolve) => (onClose = resolve))
  const gone = () =>
    new Error(`The WebSocket to ${url} is closed (${ended!.code} ${ended!.reason}): no message is left.`)
  raw.addEventListener('message', (event) => {
    const data = messageData(event.data)
    const next = waiting.shift()
    if (next) next[0](data)
    else arrived.push(data)
  })
  const receive = (): Promise<unknown> => {
    if (arrived.length > 0) return Promise.resolve(arrived.shift())
    if (ended) return Promise.reject(gone())
    return new Promise((resolve, reject) => waiting.push([resolve, reject]))
  }
  const socket: ClientSocket = {
    send: (message) => raw.send(JSON.stringify(message)),
    receive,
    close: (code = 1000, reason) => raw.close(code, reason),
    closed,
    raw,
    async *[Symbol.asyncIterator]() {
      while (arrived.length > 0 || !ended) {
        try {
          yield await receive()
        } catch (error) {
          if (ended && arrived.length === 0) return
          throw error
        }
      }
    },
  }
  return new Promise((resolve, reject) => {
    raw.addEventListener('open', () => resolve(socket))
    raw.addEventListener('close', (event) => {
      ended = { code: event.code, reason: event.reason }
      onClose(ended)
      for (const [, fail] of waiting.splice(0)) fail(gone())
      reject(
        new Error(
          `The WebSocket to ${url} closed before it opened (${event.code}): check the path and inputs.`,
        ),
      )
    })
  })
}
