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
  type SocketCall,
  testClient,
} from './client.ts'
export type {
  CallArgs,
  CallInput,
  CallOptions,
  Declarations,
  HeaderBag,
  Scalar,
  SocketArgs,
} from './input.ts'
export type {
  CallResult,
  ErrorStatus,
  Failure,
  HTTPError,
  HTTPValidationError,
  Json,
  SocketOf,
  SSEMessage,
  Success,
  SuccessData,
} from './result.ts'
export type { ClientSocket, SocketClose } from './socket.ts'
