/**
 * `@tandem/core`: what an app is written with. Runtime adapters are built from
 * `@tandem/core/adapter`, pools and schedulers from `@tandem/core/pool`, docs pages customised with
 * `@tandem/core/openapi`, schedulers tested with `@tandem/core/testing`.
 */
export { App, type AppOptions, type AppTarget, type Logger } from './app.ts'
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
  errorIs,
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
export { type BlockingFunction, blocking, isBlocking } from './execution/blocking.ts'
export { type ExecutionContextLike, executionContext } from './execution/execution-context.ts'
export { transfer } from './execution/transfer.ts'
export type { RequestObserver } from './http/outcome.ts'
export type { OpenAPIDocument } from './openapi/document.ts'
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
export { type CookieOptions, ResponseState } from './response-state.ts'
export type {
  Context,
  DeclarationLike,
  DependencyContext,
  DependencyDeclaration,
  DepsValues,
  Handler,
  HandlerResult,
  HttpMethod,
  InferObject,
  ObjectInputLike,
  OneBody,
  PathParams,
  RouteDeclaration,
  RouteDeclarationLike,
  RouteInputs,
  SchemaLike,
  WebSocketDeclarationLike,
} from './route.ts'
export type {
  DependencyList,
  PrefixRoutes,
  RouteEntry,
  RouteMap,
  RouteMethod,
  RouteTarget,
  WebSocketRouteMethod,
  WithDependencies,
} from './route-map.ts'
export { type MountedRoute, Router, type RouterOptions, type RouterTarget } from './router.ts'
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
export { type EventStream, formatEvent, type ServerSentEvent, type SSEOptions, sse } from './sse.ts'
export type { ObjectInput, Shape } from './validation/inputs.ts'
export {
  CloseCode,
  WebSocketDisconnect,
  WebSocketException,
  WebSocketValidationError,
} from './ws/errors.ts'
export type {
  TandemWebSocket,
  WebSocketContext,
  WebSocketDeclaration,
  WebSocketHandler,
  WebSocketMethod,
  WebSocketState,
} from './ws/types.ts'
