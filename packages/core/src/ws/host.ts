import type { AppRuntime } from '../di/scope.ts'
import type { ExecutionContextLike } from '../execution/execution-context.ts'
import { isWebSocketRequest, WEB_SOCKETS, type WebSocketHost } from './contract.ts'
import type { MountedWebSocket } from './route.ts'
import { fetchWebSocket } from './web.ts'

export { WEB_SOCKETS }

/** The WebSocket side of an app (made once, by the app). */
export function webSocketHost(
  app: { mountedWebSockets(): MountedWebSocket[]; start(): Promise<void> },
  runtime: () => AppRuntime,
  work: { track(done: Promise<void>): void },
): WebSocketHost {
  const host: WebSocketHost = {
    get runtime() {
      return runtime()
    },
    routes: () => app.mountedWebSockets(),
    start: () => app.start(),
    track: (done) => work.track(done),
    upgrades: (request) => app.mountedWebSockets().length > 0 && isWebSocketRequest(request),
    fetch: (request, env, executionCtx) =>
      fetchWebSocket({ [WEB_SOCKETS]: host }, request, env, executionCtx as ExecutionContextLike | undefined),
  }
  return host
}
