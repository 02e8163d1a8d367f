import type { AppRuntime } from '../di/scope.ts'
import type { MountedWebSocket } from './route.ts'

/** The key under which an app offers its WebSocket side to adapters (`upgradeWebSocket`). */
export const WEB_SOCKETS: unique symbol = Symbol.for('tandem.webSockets')

/** What an app gives the WebSocket side: its routes, its runtime, its lifespan and pending work. */
export interface WebSocketHost {
  readonly runtime: AppRuntime
  routes(): readonly MountedWebSocket[]
  start(): Promise<void>
  /** Tracks a socket until its cleanups are done (`app.settled()`, `app.close()`). */
  track(done: Promise<void>): void
  /** Whether `app.fetch` should answer `request` as a WebSocket upgrade (workerd's WebSocketPair). */
  upgrades(request: Request): boolean
  fetch(request: Request, env: unknown, executionCtx: unknown): Promise<Response>
}

/** An app, as the WebSocket side sees it. */
export interface WebSocketApp {
  readonly [WEB_SOCKETS]: WebSocketHost
}

/** Whether `request` asks to upgrade to a WebSocket (`Upgrade: websocket`). */
export function isWebSocketRequest(request: Request): boolean {
  return request.headers.get('upgrade')?.toLowerCase() === 'websocket'
}
