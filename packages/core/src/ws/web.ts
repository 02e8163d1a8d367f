import type { ExecutionContextLike } from '../execution/execution-context.ts'
import type { WebSocketApp } from './contract.ts'
import { upgradeWebSocket } from './upgrade.ts'

interface WebSocketLike {
  accept(): void
  send(data: string | Uint8Array): void
  close(code?: number, reason?: string): void
  addEventListener(type: string, listener: (event: any) => void): void
}

type WebSocketPairClass = new () => { 0: WebSocketLike; 1: WebSocketLike }

/** The runtime's `WebSocketPair` (workerd, Cloudflare Workers), if it has one. */
function webSocketPair(): WebSocketPairClass | undefined {
  return (globalThis as { WebSocketPair?: WebSocketPairClass }).WebSocketPair
}

/**
 * Answers a WebSocket upgrade inside `app.fetch` with the Web API of workerd: a `WebSocketPair`,
 * the server end accepted and wired to core, the client end returned in a 101 response. Where the
 * runtime has no `WebSocketPair` (and the adapter did not take the upgrade itself), 426 says so.
 */
export async function fetchWebSocket(
  app: WebSocketApp,
  request: Request,
  env: unknown,
  executionCtx: ExecutionContextLike | undefined,
): Promise<Response> {
  const Pair = webSocketPair()
  if (!Pair) {
    return Response.json(
      {
        detail:
          'WebSocket upgrades are served by the runtime adapters (serve() from @tandem/node or @tandem/bun) and on workerd; ' +
          'this runtime handed the upgrade to app.fetch. See docs/websockets.md.',
      },
      { status: 426, headers: { upgrade: 'websocket' } },
    )
  }
  const upgrade = await upgradeWebSocket(app, request, env, executionCtx)
  if (upgrade instanceof Response) return upgrade
  const pair = new Pair()
  const client = pair[0]
  const server = pair[1]
  server.accept()
  const events = upgrade.open({
    send: (data) => server.send(data),
    close: (code, reason) => server.close(code, reason),
  })
  server.addEventListener('message', (event: { data: string | ArrayBuffer }) =>
    events.message(typeof event.data === 'string' ? event.data : new Uint8Array(event.data)),
  )
  server.addEventListener('close', (event: { code: number; reason: string }) => {
    events.close(event.code, event.reason)
    try {
      server.close(event.code === 1005 ? 1000 : event.code, event.reason) // answer the client's close
    } catch {
      // closed already
    }
  })
  server.addEventListener('error', () => events.close(1006, ''))
  return new Response(null, { status: 101, webSocket: client } as ResponseInit)
}
