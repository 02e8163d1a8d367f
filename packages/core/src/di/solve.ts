import type { z } from 'zod'
import { HTTPException, type ValidationIssue } from '../errors.ts'
import { callDependency } from '../execution/execution.ts'
import { ASK_ZOD, fastParse } from '../validation/fast.ts'
import { toValidationIssues } from '../validation/issues.ts'
import { acceptsMissing } from '../validation/schema.ts'
import { cacheKey, learnReadsScopes } from './cache-key.ts'
import { DependencyContextImpl } from './context.ts'
import { type Dependant, dependantOf } from './dependant.ts'
import type { Dependency } from './dependency.ts'
import { type JsonBody, MISSING, type RequestScope } from './scope.ts'

/** The value of a dependency that was not called because its inputs were invalid. */
const SKIPPED: unique symbol = Symbol('skipped')

/**
 * Solves one node of the tree: its sub-dependencies in order (each fully, sub-tree first), then its
 * own inputs, filling `ctx`. Resolves to false when any error was found in the sub-tree or the
 * inputs (the node is then not called). Validation errors accumulate in `scope.issues`; any other
 * error (an `HTTPException`) stops the walk.
 */
export async function solve(
  node: Dependant,
  ctx: DependencyContextImpl,
  scope: RequestScope,
): Promise<boolean> {
  const before = scope.issues.length
  if (node.children.length > 0) {
    const deps: Record<string, unknown> = {}
    for (const child of node.children) {
      const value = await solveDependency(child.dep, scope, ctx)
      if (child.name !== undefined) deps[child.name] = value
    }
    ctx.deps = deps
  }
  if (node.hasInputs) await validateInputs(node, ctx, scope)
  return scope.issues.length === before
}

async function solveDependency(
  use: Dependency<unknown>,
  scope: RequestScope,
  parent: DependencyContextImpl,
): Promise<unknown> {
  const base = use.original
  const replacement = scope.runtime.overrides.size > 0 ? scope.runtime.overrides.get(base) : undefined
  const effective = replacement ? replacement.original : base
  const parentScopes = parent.chainScopes
  const scopes = use.scopes.length === 0 ? parentScopes : [...new Set([...parentScopes, ...use.scopes])]
  // The key is the original's (see cache-key.ts): the chain's scopes are in it only when this use
  // or its declared sub-tree uses scopes, as FastAPI's.
  if (use.cache) {
    const hit = scope.cached(base, cacheKey(use, scopes))
    if (hit !== MISSING) return hit
  }
  const ctx = new DependencyContextImpl(scope, scopes)
  const ok = await solve(dependantOf(effective), ctx, scope)
  if (!ok) return SKIPPED
  const value = await callDependency(effective.fn, effective.name, use.scope, ctx, scope, effective.yields)
  if (ctx.scopesRead) learnReadsScopes(effective.fn)
  // Computed again: the call (or one below it) may have just been seen reading scopes. As FastAPI,
  // an uncached use's value is kept when nothing was cached under its key yet.
  scope.remember(base, cacheKey(use, scopes), value)
  return value
}

async function validateInputs(
  node: Dependant,
  ctx: DependencyContextImpl,
  scope: RequestScope,
): Promise<void> {
  validateSyncInputs(node, ctx, scope)
  if (node.inputs.body || node.inputs.form) await validateBodyInputs(node, ctx, scope)
}

/** Validates a node's path, query, header and cookie inputs (nothing to wait for). */
export function validateSyncInputs(node: Dependant, ctx: DependencyContextImpl, scope: RequestScope): void {
  const inputs = node.inputs
  if (inputs.params) {
    const raw = scope.rawParams
    ctx.params = inputs.params.validate((wire) => raw[wire], scope.issues)
  }
  if (inputs.query) {
    const query = scope.query
    const strict = inputs.query.strict ? query.keys() : undefined
    ctx.query = inputs.query.validate((wire) => query.get(wire), scope.issues, strict)
  }
  if (inputs.headers) {
    const headers = scope.request.headers
    const strict = inputs.headers.strict ? headers.keys() : undefined
    ctx.headers = inputs.headers.validate((wire) => headers.get(wire) ?? undefined, scope.issues, strict)
  }
  if (inputs.cookies) {
    const cookies = scope.cookies
    const strict = inputs.cookies.strict ? cookies.keys() : undefined
    ctx.cookies = inputs.cookies.validate((wire) => cookies.get(wire), scope.issues, strict)
  }
}

/**
 * Reads the request's body once and validates a node's body or form input, then calls `next`.
 * When the adapter already had the whole JSON body, all of it happens now (no promise): a plain
 * handler's response is then ready before this returns.
 */
export function validateBodyInputs<T = void>(
  node: Dependant,
  ctx: DependencyContextImpl,
  scope: RequestScope,
  next?: () => T,
): T | Promise<Awaited<T>> {
  const schema = node.inputs.body
  if (schema) {
    const now = scope.jsonNow()
    if (now !== undefined) {
      ctx.body = checkJson(schema, scope, now)
      return next?.() as T
    }
    // One step after the body is parsed, `next` included (each async layer would cost a turn).
    return scope.json().then((body) => {
      ctx.body = checkJson(schema, scope, body)
      return next?.() as T
    }) as Promise<Awaited<T>>
  }
  const form = validateForm(node, ctx, scope)
  return (next ? form.then(next) : form) as Promise<Awaited<T>>
}

async function validateForm(node: Dependant, ctx: DependencyContextImpl, scope: RequestScope): Promise<void> {
  const input = node.inputs.form
  if (!input) return
  const form = await scope.form()
  ctx.form = input.validate(
    (wire) => {
      // An empty field counts as missing, as in FastAPI's forms.
      const values = form?.getAll(wire).filter((value) => value !== '')
      if (!values || values.length === 0) return undefined
      return values.length === 1 ? values[0] : values
    },
    scope.issues,
    input.strict && form ? form.keys() : undefined,
  )
}

/** The body's value for `schema`, or undefined after reporting why not. */
function checkJson(schema: z.ZodType, scope: RequestScope, body: JsonBody): unknown {
  const report = (issue: ValidationIssue) => {
    if (scope.bodyReported) return
    scope.bodyReported = true
    scope.issues.push(issue)
  }
  switch (body.kind) {
    case 'absent':
      if (acceptsMissing(schema)) return schema.parse(undefined)
      report({ type: 'missing', loc: ['body'], msg: 'Field required', input: null })
      return undefined
    case 'not-json':
      report({
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body.text,
      })
      return undefined
    case 'invalid':
      report(body.issue)
      return undefined
    case 'ok': {
      let result: ReturnType<typeof schema.safeParse>
      try {
        const fast = fastParse(schema, body.value)
        if (fast !== ASK_ZOD) return fast
        result = schema.safeParse(body.value)
      } catch (error) {
        // A recursive schema can exhaust the stack on deep input that passed the nesting limit.
        if (error instanceof RangeError) throw new HTTPException(400, 'There was an error parsing the body')
        throw error
      }
      if (result.success) return result.data
      if (body.value === null) {
        report({ type: 'missing', loc: ['body'], msg: 'Field required', input: null })
        return undefined
      }
      scope.issues.push(
        ...toValidationIssues(result.error.issues, {
          location: 'body',
          input: body.value,
          schema,
          missingInput: 'parent',
        }),
      )
      return undefined
    }
  }
}
