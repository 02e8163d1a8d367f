import { TandemConfigError } from '../errors.ts'
import type { DeclarationLike, DependencyContext, OneBody } from '../route.ts'
import {
  checkDeclaration,
  checkScopes,
  Dependency,
  type DependencyDeclaration,
  type SecurityInfo,
} from './dependency-class.ts'

export {
  checkDeclaration,
  Dependency,
  type DependencyOptions,
  type DependencyScope,
  type FunctionKind,
  type SecurityInfo,
} from './dependency-class.ts'

/** The resolved value of a dependency function's result: generators give their yielded value. */
export type Resolved<R> =
  Awaited<R> extends Generator<infer Y, any, any>
    ? Y
    : Awaited<R> extends AsyncGenerator<infer Y, any, any>
      ? Y
      : Awaited<R>

type DependencyFn<D> = (ctx: DependencyContext<D>) => unknown

/**
 * Declares a dependency, FastAPI's `Depends`: a function that may declare its own inputs (the route's
 * keys, `deps` for sub-dependencies included). It may be plain (called directly), `async` (awaited),
 * a generator (setup, `yield` the value, cleanup), or `blocking(fn)` (run on the pool).
 *
 * @example
 * const pagination = depends(
 *   { query: { skip: z.number().int().min(0).default(0), limit: z.number().int().max(100).default(10) } },
 *   ({ query }) => query,
 * )
 * const db = depends(async function* () {
 *   const conn = await openDb()
 *   try { yield conn } finally { await conn.close() }
 * })
 * app.get('/orders', { deps: { page: pagination, db } }, ({ deps }) => deps.db.list(deps.page))
 */
export function depends<R>(
  fn: DependencyFn<{}> & ((ctx: DependencyContext<{}>) => R),
): Dependency<Resolved<R>>
export function depends<const D extends DeclarationLike, R>(
  declaration: D & OneBody<D>,
  fn: (ctx: DependencyContext<D>) => R,
): Dependency<Resolved<R>, D>
export function depends(first: unknown, second?: unknown): Dependency<unknown> {
  const [declaration, fn] = (typeof first === 'function' ? [{}, first] : [first, second]) as [
    DependencyDeclaration,
    unknown,
  ]
  if (typeof fn !== 'function') {
    throw new TandemConfigError(
      `depends() takes a function (or a declaration and a function), got ${typeof fn}.`,
    )
  }
  if (declaration === null || typeof declaration !== 'object') {
    throw new TandemConfigError(`depends(): the declaration must be an object, got ${declaration}.`)
  }
  checkDeclaration(declaration, `depends(${fn.name || 'anonymous'})`)
  const dep = new Dependency(declaration, fn as (ctx: unknown) => unknown)
  checkScopes(dep)
  return dep
}

/** @internal Makes a security dependency (used by `httpBearer()` and friends). */
export function securityDependency<T, D extends DependencyDeclaration>(
  declaration: D,
  fn: (ctx: any) => T,
  security: SecurityInfo,
): Dependency<T, D> {
  return new Dependency<T, D>(declaration, fn, { security, hideParameters: true, name: security.name })
}
