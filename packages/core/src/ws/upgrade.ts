import type { ExecutionContextLike } from '../execution/execution-context.ts'
import { WEB_SOCKETS, type WebSocketApp } from './contract.ts'
import type { MountedWebSocket } from './route.ts'
import { prepareSocket, type WebSocketUpgrade } from './session.ts'

/** The paths of the app's WebSocket routes (`app.ws`); empty when it has none. */
export function webSocketPaths(app: WebSocketApp): string[] {
  return app[WEB_SOCKETS].routes().map((route) => route.path)
}

/**
 * An adapter's entry to the app's WebSocket routes: for an upgrade request, the route is matched,
 * the lifespan started, the handshake's inputs validated and its dependencies solved; the adapter
 * then completes the handshake and calls `open()` (see `WebSocketUpgrade`). A `Response` instead
 * means no handshake: 404 when no WebSocket route has this path, 500 when the lifespan failed.
 *
 * @example
 * server.on('upgrade', async (incoming, socket, head) => {
 *   const upgrade = await upgradeWebSocket(app, requestOf(incoming))
 *   if (upgrade instanceof Response) return refuse(socket, upgrade)
 *   wss.handleUpgrade(incoming, socket, head, (ws) => {
 *     const events = upgrade.open({ send: (data) => ws.send(data), close: (code, reason) => ws.close(code, reason) })
 *     ws.on('message', (data, binary) => events.message(binary ? data : data.toString()))
 *     ws.on('close', (code, reason) => events.close(code, reason.toString()))
 *   })
 * })
 */
export async function upgradeWebSocket(
  app: WebSocketApp,
  request: Request,
  env?: unknown,
  executionCtx?: ExecutionContextLike,
): Promise<WebSocketUpgrade | Response> {
  const host = app[WEB_SOCKETS]
  const pathname = new URL(request.url).pathname
  let route: MountedWebSocket | undefined
  let params: Record<string, string> | undefined
  for (const candidate of host.routes()) {
    params = candidate.match(pathname)
    if (params) {
      route = candidate
      break
    }
  }
  if (!route || !params) return Response.json({ detail: 'Not Found' }, { status: 404 })
  try {
    await host.start()
  } catch (error) {
    host.runtime.logError(
      'The lifespan startup failed; refusing WebSocket handshakes until it succeeds.',
      error,
    )
    return new Response('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain' } })
  }
  const upgrade = await prepareSocket(route, request, params, env, host.runtime, executionCtx)
  host.track(upgrade.done)
  executionCtx?.waitUntil(upgrade.done)
  return upgrade
}
