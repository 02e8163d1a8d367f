import { Dependant, declaredPathParams } from '../di/dependant.ts'
import { checkDeclaration, type Dependency } from '../di/dependency.ts'
import { TandemConfigError } from '../errors.ts'
import { isBlocking } from '../execution/blocking.ts'
import { parseRoutePath } from '../route-path.ts'
import { compilePath, type PathMatcher } from './path.ts'
import type { WebSocketDeclaration } from './types.ts'

/** A declared WebSocket route (`app.ws(path, declaration, handler)`), analysed when declared. */
export class WebSocketRoute {
  readonly path: string
  readonly declaration: WebSocketDeclaration
  readonly handler: (ctx: unknown) => unknown

  constructor(path: string, declaration: WebSocketDeclaration, handler: unknown) {
    const where = `WebSocket route ${path}`
    if (typeof path !== 'string' || !path.startsWith('/')) {
      throw new TandemConfigError(`${where}: the path must start with "/" (e.g. "/orders/:id/status").`)
    }
    if (typeof handler !== 'function') {
      throw new TandemConfigError(`${where}: the handler must be a function, got ${typeof handler}.`)
    }
    if (isBlocking(handler)) {
      throw new TandemConfigError(
        `${where}: a WebSocket handler runs on the event loop (as in FastAPI, where it is async def). ` +
          'Declare it async and await blocking functions from it: `await bake(order)`.',
      )
    }
    if (declaration === null || typeof declaration !== 'object') {
      throw new TandemConfigError(`${where}: the declaration must be an object, got ${declaration}.`)
    }
    for (const key of ['body', 'form'] as const) {
      if (key in declaration) {
        throw new TandemConfigError(
          `${where} declares ${key}: a WebSocket handshake has no body. Declare the messages' schema as receive.`,
        )
      }
    }
    checkDeclaration(declaration, where)
    new Dependant(declaration, where)
    this.path = path
    this.declaration = declaration
    this.handler = handler as (ctx: unknown) => unknown
  }

  /** The route as served at `fullPath`, after `effects` (app, include and router dependencies). */
  mount(fullPath: string, effects: Dependency<unknown>[]): MountedWebSocket {
    return new MountedWebSocket(this, fullPath, effects)
  }
}

/** A WebSocket route as served: the dependency tree analysed, the path compiled. */
export class MountedWebSocket {
  readonly route: WebSocketRoute
  readonly path: string
  readonly label: string
  readonly dependant: Dependant
  readonly match: PathMatcher
  /** The app's, includes' and routers' dependencies, run before the route's own. */
  readonly effects: Dependency<unknown>[]

  constructor(route: WebSocketRoute, path: string, effects: Dependency<unknown>[]) {
    this.route = route
    this.path = path
    this.effects = effects
    this.label = `WebSocket ${path}`
    this.dependant = new Dependant(route.declaration, this.label, effects)
    const inPath = new Set(parseRoutePath(path).params)
    for (const name of declaredPathParams(this.dependant)) {
      if (!inPath.has(name)) {
        throw new TandemConfigError(
          `${this.label} declares params.${name}, but its path has no :${name}. Add :${name} to the path or move ${name} to query.`,
        )
      }
    }
    this.match = compilePath(path)
  }
}
