// Reference on Bun: Bun.serve's own WebSockets with no framework, each JSON message parsed and echoed.
import { hostname, port } from './env.ts'

declare const Bun: {
  serve(options: object): unknown
}

Bun.serve({
  port,
  hostname,
  fetch(request: Request, server: { upgrade(request: Request): boolean }) {
    if (server.upgrade(request)) return undefined
    return new Response('a WebSocket echo server', { status: 426 })
  },
  websocket: {
    message(socket: { send(data: string): void }, data: string | Uint8Array) {
      const message = JSON.parse(String(data)) as { text: string }
      socket.send(JSON.stringify({ echo: message.text }))
    },
  },
})
