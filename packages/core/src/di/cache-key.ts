import { type BlockingFunction, blockingInfo, isBlocking } from '../execution/blocking.ts'
import { type Dependency, subDependencies } from './dependency-class.ts'

/**
 * The per-request cache key of one use of a dependency, FastAPI's (0.123+, `_get_cache_key` and
 * `_uses_scopes` in `fastapi/dependencies/models.py`): the dependency (its original, even when
 * overridden), its cleanup scope, and the chain's security scopes (sorted, as a set) only when the
 * use "uses scopes": it declares scopes (`.with({ scopes })`), is a security scheme, or its function
 * reads `ctx.scopes`, or the same holds of a sub-dependency at any depth, in the original's declared
 * tree. A `db` below `currentUser.with({ scopes })` is then opened once per request, while the same
 * dependency used plainly and `.with({ scopes: ['s'] })` is computed twice.
 *
 * FastAPI sees a `SecurityScopes` parameter in the signature; Tandem cannot, so a function reads
 * `ctx.scopes` when its source names `scopes` (`({ scopes })`, `ctx.scopes`; known before its first
 * call, overrides and blocking functions included), or once a call was seen reading them (through a
 * helper given `ctx`). A blocking function is judged by its source alone: on a pool its context is
 * copied to the worker, scopes included, whatever the function reads.
 */
export function cacheKey(use: Dependency<unknown>, scopes: readonly string[]): string {
  if (scopes.length === 0 || !usesScopes(use)) return use.scope
  return `${use.scope} ${JSON.stringify([...scopes].sort())}`
}

/** Whether the chain's scopes split the cache for this use (FastAPI's `_uses_scopes`). */
export function usesScopes(use: Dependency<unknown>): boolean {
  return use.scopes.length > 0 || treeUsesScopes(use.original)
}

/** Records that `fn` was seen reading `ctx.scopes` (ignored for blocking functions, see above). */
export function learnReadsScopes(fn: Function): void {
  if (isBlocking(fn) || readsScopes(fn)) return
  seenReading.add(fn)
  generation++
}

/** Whether `fn` reads `ctx.scopes`: its source names them, or it was seen reading them. */
export function readsScopes(fn: Function): boolean {
  if (seenReading.has(fn)) return true
  let names = sourceNamesScopes.get(fn)
  if (names === undefined) {
    names = namesScopes(isBlocking(fn) ? blockingInfo(fn as BlockingFunction).fn : fn)
    sourceNamesScopes.set(fn, names)
  }
  return names
}

const seenReading = new WeakSet<Function>()
const sourceNamesScopes = new WeakMap<Function, boolean>()
/** Bumped when a function is first seen reading scopes: the memoised `false`s before it are stale. */
let generation = 0
/** `true`, or the generation in which the tree was found not to use scopes. */
const treeMemo = new WeakMap<Dependency<unknown>, true | number>()

/** A dependency (an original) whose own function or declared sub-tree uses scopes. */
function treeUsesScopes(dep: Dependency<unknown>): boolean {
  const memo = treeMemo.get(dep)
  if (memo === true || memo === generation) return memo === true
  const uses =
    dep.security !== undefined ||
    readsScopes(dep.fn) ||
    subDependencies(dep.declaration).some((child) => usesScopes(child))
  treeMemo.set(dep, uses || generation)
  return uses
}

function namesScopes(fn: Function): boolean {
  try {
    return /\bscopes\b/.test(Function.prototype.toString.call(fn))
  } catch {
    return false
  }
}
