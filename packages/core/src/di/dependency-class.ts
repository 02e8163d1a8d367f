import type { z } from 'zod'
import { TandemConfigError } from '../errors.ts'
import { type BlockingFunction, blockingInfo, isBlocking } from '../execution/blocking.ts'
import type { SecuritySchemeObject } from '../openapi/types.ts'
import type { ObjectInput } from '../validation/inputs.ts'

/**
 * The `Dependency` class and what a dependency declares. `depends()` (in `dependency.ts`) is typed by
 * the handler context in `route.ts`, whose types refer back to this class: the class lives here, apart
 * from `depends()`, so that `route.ts` imports only this module and no import cycle forms.
 */

/** When a yield dependency's cleanup runs: after the response (`request`) or after the handler (`function`). */
export type DependencyScope = 'request' | 'function'

/** How a dependency's function runs (decided once, at declaration). */
export type FunctionKind =
  | 'plain'
  | 'async'
  | 'generator'
  | 'async-generator'
  | 'blocking'
  | 'blocking-generator'

/** Options of a dependency's use site: `dep.with({ cache, scopes, scope })`. */
export interface DependencyOptions {
  /** Reuse the value computed earlier in the same request (default true). */
  cache?: boolean
  /** Security scopes this use requires; accumulated into `ctx.scopes` down the chain. */
  scopes?: string[]
  /** When a yield dependency's cleanup runs (default `'request'`). */
  scope?: DependencyScope
}

/** A security scheme a dependency implements, for OpenAPI and `WWW-Authenticate`. */
export interface SecurityInfo {
  /** The key in `components.securitySchemes`. */
  name: string
  scheme: SecuritySchemeObject
}

/**
 * What a dependency declares: the route's input keys, plus `deps` (injected sub-dependencies) and
 * `dependencies` (run for their effects).
 *
 * @example
 * const currentUser = depends(
 *   { headers: { authorization: z.string() }, deps: { db } },
 *   async ({ headers, deps }) => deps.db.userForToken(headers.authorization),
 * )
 */
export interface DependencyDeclaration {
  /** Path parameters; strings from the URL are coerced by the schema's type. */
  params?: ObjectInput
  /** Query parameters; an array schema takes every occurrence of its key. */
  query?: ObjectInput
  /** Headers, named as on the wire in lower case (`'x-token'`); `x_token` reads `x-token` too. */
  headers?: ObjectInput
  /** Cookies. */
  cookies?: ObjectInput
  /** A JSON body (`application/json` or `application/*+json`), validated as sent. */
  body?: z.ZodType
  /** A urlencoded or multipart form; files are `File` values. */
  form?: ObjectInput
  /** Injected values: `{ name: dependency }`, resolved in declaration order, typed in `ctx.deps`. */
  deps?: Record<string, Dependency<any>>
  /** Dependencies run for their effects only, before `deps`. */
  dependencies?: Dependency<any>[]
}

let nextId = 0

/**
 * A dependency: a function with its own declared inputs, run once per request (cached) before the
 * handler, its value injected as `ctx.deps.name`. Made with `depends()`; `dep.with()` makes a use-site
 * variant that shares the original's identity (cache key base, overrides).
 */
export class Dependency<T = unknown, D extends object = {}> {
  /** Phantom: the injected value's type. */
  declare readonly __value: T
  /** Phantom: the declaration's type, whose inputs a typed client sends (`@tandem/client`). */
  declare readonly __declaration: D
  readonly id: number
  readonly name: string
  readonly declaration: DependencyDeclaration
  readonly fn: (ctx: any) => unknown
  readonly kind: FunctionKind
  readonly cache: boolean
  readonly scopes: readonly string[]
  readonly scope: DependencyScope
  /** The dependency this one is a `.with()` variant of (itself for an original). */
  readonly original: Dependency<T, D>
  /** Set on security dependencies (`httpBearer()`...). */
  readonly security: SecurityInfo | undefined
  /** Inputs of security dependencies are documented as the scheme, not as parameters. */
  readonly hideParameters: boolean

  /** @internal Use `depends()`. */
  constructor(
    declaration: DependencyDeclaration,
    fn: (ctx: any) => unknown,
    options: DependencyOptions & { security?: SecurityInfo; hideParameters?: boolean; name?: string } = {},
    original?: Dependency<T, D>,
  ) {
    this.id = original ? original.id : nextId++
    this.declaration = declaration
    this.fn = fn
    this.kind = kindOf(fn)
    this.name = options.name ?? original?.name ?? (fn.name || `dependency#${this.id}`)
    this.cache = options.cache ?? true
    this.scopes = options.scopes ?? []
    this.scope = options.scope ?? 'request'
    this.original = original ?? this
    this.security = options.security ?? original?.security
    this.hideParameters = options.hideParameters ?? original?.hideParameters ?? false
    Object.freeze(this)
  }

  /** True for a generator dependency (setup, `yield` value, cleanup). */
  get yields(): boolean {
    return this.kind === 'generator' || this.kind === 'async-generator' || this.kind === 'blocking-generator'
  }

  /**
   * A use-site variant: the same dependency (same cache base, same override) with other options.
   *
   * @example
   * const fresh = counter.with({ cache: false })
   * const session = db.with({ scope: 'function' }) // cleanup before the response is sent
   * const admin = currentUser.with({ scopes: ['admin'] })
   */
  with(options: DependencyOptions): Dependency<T, D> {
    const merged = {
      cache: options.cache ?? this.cache,
      scopes: options.scopes ?? [...this.scopes],
      scope: options.scope ?? this.scope,
    }
    const variant = new Dependency<T, D>(this.declaration, this.fn, merged, this.original)
    checkScopes(variant)
    return variant
  }
}

function kindOf(fn: Function): FunctionKind {
  if (isBlocking(fn))
    return blockingInfo(fn as BlockingFunction).generator ? 'blocking-generator' : 'blocking'
  const name = fn.constructor?.name
  if (name === 'AsyncGeneratorFunction') return 'async-generator'
  if (name === 'GeneratorFunction') return 'generator'
  if (name === 'AsyncFunction') return 'async'
  return 'plain'
}

/** @internal A declaration's sub-dependencies: `dependencies`, then `deps`. */
export function subDependencies(declaration: DependencyDeclaration): Dependency<unknown>[] {
  return [
    ...(declaration.dependencies ?? []),
    ...Object.values(declaration.deps ?? {}),
  ] as Dependency<unknown>[]
}

/**
 * @internal A request-scoped yield dependency must not depend (at any depth) on a function-scoped yield
 * dependency: that one's cleanup would run before the value built on it is done with.
 */
export function checkScopes(dep: Dependency<unknown>): void {
  if (!dep.yields || dep.scope !== 'request') return
  const seen = new Set<Dependency<unknown>>()
  const visit = (declaration: DependencyDeclaration) => {
    for (const child of subDependencies(declaration)) {
      if (seen.has(child)) continue
      seen.add(child)
      if (child.yields && child.scope === 'function') {
        throw new TandemConfigError(
          `The dependency "${dep.name}" has scope "request", so it cannot depend on "${child.name}", which has ` +
            `scope "function": "${child.name}" would be cleaned up before "${dep.name}" is. ` +
            `Give "${dep.name}" scope "function" (.with({ scope: 'function' })) or "${child.name}" scope "request".`,
        )
      }
      visit(child.declaration)
    }
  }
  visit(dep.declaration)
}

/** Checks that a declaration's `deps` and `dependencies` are dependencies (routes use it too). */
export function checkDeclaration(declaration: DependencyDeclaration, where: string): void {
  for (const [name, dep] of Object.entries(declaration.deps ?? {})) {
    if (!(dep instanceof Dependency)) {
      throw new TandemConfigError(
        `${where}: deps.${name} is not a dependency (got ${typeof dep}). Wrap the function with depends(fn).`,
      )
    }
  }
  for (const [i, dep] of (declaration.dependencies ?? []).entries()) {
    if (!(dep instanceof Dependency)) {
      throw new TandemConfigError(
        `${where}: dependencies[${i}] is not a dependency (got ${typeof dep}). Wrap the function with depends(fn).`,
      )
    }
  }
}
