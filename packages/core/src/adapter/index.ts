/**
 * `@tandem/core/adapter`: what a runtime adapter is built from. The `Scheduler` contract (where
 * blocking functions run), the adapter contract and `serveWith()` (the serving lifecycle every server
 * adapter shares), and the hooks an adapter may set (the body reader, the code compiler).
 */
export {
  BLOCKING,
  type BlockingInfo,
  blockingFingerprint,
  blockingInfo,
  blockingRegistry,
  sealBlockingRegistry,
} from '../execution/blocking.ts'
export { EXECUTION_CONTEXT } from '../execution/execution-context.ts'
export { InlineScheduler } from '../execution/inline.ts'
export { type RequestStorage, requestStorage, setRequestStorage } from '../execution/request-storage.ts'
export type {
  ContextEffects,
  ContextSnapshot,
  RemoteExecution,
  RemoteResult,
  RunOptions,
  Scheduler,
  SchedulerStats,
} from '../execution/scheduler.ts'
export { currentScheduler, isPoolWorker, setScheduler } from '../execution/scheduler-registry.ts'
export type { Entry } from '../pool/pool-types.ts'
export { type BodyReader, bodyTooLarge, bodyUnreadable, setBodyReader } from '../request/body.ts'
export { type CodeCompiler, setCodeCompiler } from '../validation/compiler.ts'
export { isWebSocketRequest, type WebSocketApp } from '../ws/contract.ts'
export { CloseCode } from '../ws/errors.ts'
export type { WebSocketEvents, WebSocketUpgrade } from '../ws/session.ts'
export type { RawWebSocket } from '../ws/socket.ts'
export { upgradeWebSocket, webSocketPaths } from '../ws/upgrade.ts'
export type {
  Listening,
  LoopSupport,
  ServeOptions,
  ServerAdapter,
  StartedPool,
  TandemServer,
} from './contract.ts'
export { hostAndPort, serverUrl, serveWith } from './serve.ts'
export { describePool, type ListeningServer, type ServingOptions } from './serving.ts'
export { startWatchdog, type WatchdogOptions } from './watchdog.ts'
