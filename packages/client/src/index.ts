/**
 * `@tandem/client`: a typed client of a Tandem app, from the app's type (`typeof app`): every route
 * callable with its inputs typed from its declaration and its answers typed by status. Fetch-based,
 * so it runs in browsers, Node, Bun, Deno and workerd; `testClient(app)` calls an app in-process.
 */
export {
  type Client,
  type ClientOptions,
  createClient,
  type Fetch,
  type MethodCall,
  type NoRoutes,
  type RequestHandler,
  type RoutesOf,
  testClient,
} from './client.ts'
export type {
  CallArgs,
  CallInput,
  CallOptions,
  Declarations,
  HeaderBag,
  Scalar,
} from './input.ts'
export type {
  CallResult,
  ErrorStatus,
  Failure,
  HTTPError,
  HTTPValidationError,
  Json,
  SSEMessage,
  Success,
  SuccessData,
} from './result.ts'
