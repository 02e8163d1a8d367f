export { App, type AppOptions, type Logger } from './app.ts'
export {
  HTTPException,
  RequestValidationError,
  ResponseValidationError,
  TandemConfigError,
  type ValidationIssue,
} from './errors.ts'
export type { ExceptionContext, ExceptionHandler } from './exception-handlers.ts'
export type { OperationSpec, ParameterSpec, ResponseSpec } from './openapi/types.ts'
export { type CookieOptions, ResponseState } from './response-state.ts'
export type {
  Context,
  Handler,
  HandlerResult,
  HttpMethod,
  InferObject,
  PathParams,
  RouteDeclaration,
  RouteInputs,
} from './route.ts'
export { type MountedRoute, type RouteMethod, Router, type RouterOptions } from './router.ts'
export { formatEvent, type ServerSentEvent, type SSEOptions, sse } from './sse.ts'
export type { ObjectInput, Shape } from './validation/inputs.ts'
