export { App, type AppOptions, type Logger, type RequestObserver } from './app.ts'
export { BackgroundTasks } from './background.ts'
export {
  Dependency,
  type DependencyOptions,
  type DependencyScope,
  depends,
  type FunctionKind,
  type Resolved,
} from './di/dependency.ts'
export { DependencyOverrides } from './di/overrides.ts'
export { SwallowedError } from './di/teardown.ts'
export {
  HTTPException,
  PoolClosedError,
  PoolQueueFullError,
  PoolTimeoutError,
  RequestValidationError,
  ResponseValidationError,
  TandemConfigError,
  type ValidationIssue,
  WorkerCrashedError,
} from './errors.ts'
export type { ExceptionContext, ExceptionHandler } from './exception-handlers.ts'
export {
  BLOCKING,
  type BlockingFunction,
  type BlockingInfo,
  blocking,
  blockingFingerprint,
  blockingInfo,
  blockingRegistry,
  isBlocking,
  sealBlockingRegistry,
} from './execution/blocking.ts'
export {
  EXECUTION_CONTEXT,
  type ExecutionContextLike,
  executionContext,
} from './execution/execution-context.ts'
export { InlineScheduler } from './execution/inline.ts'
export { type RequestStorage, requestStorage, setRequestStorage } from './execution/request-storage.ts'
export type {
  RemoteExecution,
  RemoteResult,
  RunOptions,
  Scheduler,
  SchedulerStats,
} from './execution/scheduler.ts'
export { currentScheduler, setScheduler } from './execution/scheduler-registry.ts'
export { transfer } from './execution/transfer.ts'
export { type DocsAsset, docsAssetNames, loadDocsAsset } from './openapi/assets.ts'
export { createOpenAPIDocument, type OpenAPIDocument } from './openapi/document.ts'
export {
  type DocsAssetsSource,
  redocHtml,
  swaggerUIHtml,
  swaggerUIOAuth2RedirectHtml,
} from './openapi/pages.ts'
export type { DocsOptions } from './openapi/routes.ts'
export type {
  OpenAPIInfo,
  OperationSpec,
  ParameterSpec,
  RequestBodySpec,
  ResponseSpec,
  SecurityRequirement,
  SecuritySchemeObject,
} from './openapi/types.ts'
export { type BodyReader, bodyTooLarge, bodyUnreadable, setBodyReader } from './request/body.ts'
export { type CookieOptions, ResponseState } from './response-state.ts'
export type {
  Context,
  DependencyContext,
  DependencyDeclaration,
  DepsValues,
  Handler,
  HandlerResult,
  HttpMethod,
  InferObject,
  OneBody,
  PathParams,
  RouteDeclaration,
  RouteInputs,
} from './route.ts'
export { type MountedRoute, type RouteMethod, Router, type RouterOptions } from './router.ts'
export { deserializeError, errorIs, type SerializedError, serializeError } from './scheduler/errors-wire.ts'
export { ThreadPool } from './scheduler/pool.ts'
export {
  checkedNice,
  DEFAULT_POOL_NICE,
  lowerWorkerPriority,
  niceIsPerThread,
  type PoolOptions,
  type PoolSettings,
  poolOptions,
  type WorkerFactory,
  type WorkerHandle,
} from './scheduler/pool-types.ts'
export type { ContextSnapshot, FromWorker, ToWorker } from './scheduler/protocol.ts'
export { isPoolWorker, registerWorkerApp, runPoolWorker, type WorkerPort } from './scheduler/worker.ts'
export {
  apiKeyCookie,
  apiKeyHeader,
  apiKeyQuery,
  type HTTPAuthorizationCredentials,
  type HTTPBasicCredentials,
  httpBasic,
  httpBearer,
  oauth2PasswordBearer,
  type SecurityOptions,
} from './security.ts'
export {
  abandonServing,
  checkServingOptions,
  describePool,
  type ListeningServer,
  prepareServing,
  runServing,
  type ServingOptions,
} from './serving.ts'
export { formatEvent, type ServerSentEvent, type SSEOptions, sse } from './sse.ts'
export { type CodeCompiler, setCodeCompiler } from './validation/compiler.ts'
export type { ObjectInput, Shape } from './validation/inputs.ts'
export { startWatchdog, type WatchdogOptions } from './watchdog.ts'
