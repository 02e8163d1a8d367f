import type { Server as HttpServer, IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { App } from '@tandem/core'
import { upgradeWebSocket, type WebSocketUpgrade, webSocketPaths } from '@tandem/core/adapter'
import { type WebSocket, WebSocketServer } from 'ws'

/** The largest message a socket accepts, in bytes, when the app sets no `bodyLimit` (1 MiB). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024

/**
 * Serves an app's WebSocket routes (`app.ws`) on a `node:http` server with the `ws` library: on
 * `upgrade`, core matches the route and solves the handshake's inputs and dependencies, then `ws`
 * completes the handshake and its socket is handed to core. An app without WebSocket routes gets no
 * `upgrade` listener (Node then closes such connections, as before).
 *
 * @example
 * const server = createServer(listener)
 * serveWebSockets(server, app, () => '127.0.0.1:8000', (message, error) => console.error(message, error))
 */
export function serveWebSockets(
  server: HttpServer,
  app: App<any, any>,
  host: () => string,
  onError: (message: string, error: unknown) => void,
): void {
  if (webSocketPaths(app).length === 0) return
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: app.config.bodyLimit ?? DEFAULT_MAX_PAYLOAD,
  })
  server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}) // a reset connection: 'close' follows, the session hears of it
    let request: Request
    try {
      request = handshakeRequest(incoming, host())
    } catch {
      refuse(
        socket,
        Response.json({ detail: 'Bad request: invalid request target or Host' }, { status: 400 }),
      )
      return
    }
    upgradeWebSocket(app, request).then(
      (upgrade) => {
        if (upgrade instanceof Response) refuse(socket, upgrade)
        else accept(wss, upgrade, incoming, socket, head)
      },
      (error) => {
        onError('The app did not answer a WebSocket handshake (a bug in Tandem: please report it)', error)
        refuse(socket, new Response('Internal Server Error', { status: 500 }))
      },
    )
  })
}

function accept(
  wss: WebSocketServer,
  upgrade: WebSocketUpgrade,
  incoming: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  let opened = false
  if (socket.readable && socket.writable) {
    // Synchronous: `ws` either completes the handshake and calls back, or answers 400 itself.
    wss.handleUpgrade(incoming, socket, head, (ws: WebSocket) => {
      opened = true
      const events = upgrade.open({
        send: (data) => ws.send(data),
        close: (code, reason) => ws.close(code, reason),
      })
      ws.on('message', (data: Buffer, binary: boolean) => events.message(binary ? data : data.toString()))
      ws.on('close', (code: number, reason: Buffer) => events.close(code, reason.toString()))
      ws.on('error', () => {}) // a protocol error or reset: 'close' follows
    })
  }
  // The client left while dependencies were solved, or its handshake was malformed: cleanups run.
  if (!opened) {
    upgrade.abandon()
    if (!socket.destroyed) socket.destroy()
  }
}

/** The handshake as a Web `Request` (headers and URL; no body). */
function handshakeRequest(incoming: IncomingMessage, fallbackHost: string): Request {
  const headers = new Headers()
  const raw = incoming.rawHeaders
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!)
  const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host || fallbackHost}`)
  return new Request(url, { headers })
}

/** Answers a handshake with an HTTP response (no upgrade) and closes the connection. */
function refuse(socket: Duplex, response: Response): void {
  void response.text().then((body) => {
    if (socket.destroyed) return
    const lines = [`HTTP/1.1 ${response.status} ${response.statusText || 'Error'}`, 'connection: close']
    response.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'connection') lines.push(`${name}: ${value}`)
    })
    lines.push(`content-length: ${Buffer.byteLength(body)}`)
    socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
  })
}
