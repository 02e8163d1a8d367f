import type { App } from '@tandem/core'
import {
  isWebSocketRequest,
  upgradeWebSocket,
  type WebSocketEvents,
  type WebSocketUpgrade,
  webSocketPaths,
} from '@tandem/core/adapter'

/** The largest message a socket accepts, in bytes, when the app sets no `bodyLimit` (1 MiB). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024

/** What each Bun socket carries: core's handshake, then the events it listens to. */
interface SocketData {
  upgrade: WebSocketUpgrade
  events?: WebSocketEvents
}

type Fetch = (request: Request) => Response | Promise<Response>
type UpgradingServer = { upgrade(request: Request, options: { data: SocketData }): boolean }

/** `Bun.serve`'s options for an app's WebSocket routes: its `fetch` wrapper and `websocket` handlers. */
export interface BunWebSockets {
  /** Takes upgrade requests to core (then `server.upgrade`); hands every other request to `fetch`. */
  fetch(fetch: Fetch): (request: Request, server: UpgradingServer) => Response | Promise<Response | undefined>
  websocket: Bun.WebSocketHandler<SocketData>
}

/**
 * Serves an app's WebSocket routes (`app.ws`) on `Bun.serve`: an upgrade request goes to core, which
 * matches the route and solves the handshake's inputs and dependencies; then `server.upgrade`
 * completes the handshake and Bun's socket events are handed to core. `undefined` for an app
 * without WebSocket routes (nothing changes for it).
 *
 * @example
 * const sockets = bunWebSockets(app)
 * Bun.serve({ port, fetch: sockets ? sockets.fetch(app.fetch) : app.fetch, websocket: sockets?.websocket })
 */
export function bunWebSockets(app: App<any, any>): BunWebSockets | undefined {
  if (webSocketPaths(app).length === 0) return undefined
  return {
    fetch: (fetch) => (request, server) => {
      if (!isWebSocketRequest(request)) return fetch(request)
      return upgradeWebSocket(app, request).then((upgrade) => {
        if (upgrade instanceof Response) return upgrade
        if (server.upgrade(request, { data: { upgrade } })) return undefined
        // Not a valid handshake (Bun checks its headers): the cleanups run, the client gets a 400.
        upgrade.abandon()
        return Response.json({ detail: 'Bad WebSocket handshake' }, { status: 400 })
      })
    },
    websocket: {
      maxPayloadLength: app.config.bodyLimit ?? DEFAULT_MAX_PAYLOAD,
      open(ws) {
        ws.data.events = ws.data.upgrade.open({
          send: (data) => {
            ws.send(data)
          },
          close: (code, reason) => ws.close(code, reason),
        })
      },
      message(ws, message) {
        ws.data.events?.message(message)
      },
      close(ws, code, reason) {
        ws.data.events?.close(code, reason)
      },
    },
  }
}
