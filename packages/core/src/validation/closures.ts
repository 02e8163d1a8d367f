import type { z } from 'zod'
import {
  checksOf,
  DEFAULT,
  type FieldPlan,
  lengthPlan,
  numberPlan,
  OMIT,
  planObject,
  stringPlan,
  zodOnly,
} from './plan.ts'
import { acceptsMissing, defOf } from './schema.ts'

/**
 * The validation fast path as closures. A Zod schema is compiled once, at registration, into a tree
 * of small closures that check the common shapes (objects, arrays, strings, numbers, booleans,
 * enums, literals, optional/nullable/default) without Zod's generic machinery, made from the plans
 * in `plan.ts`. The compiled check only ever answers "valid, here is the output" or "ask Zod": any
 * value it does not accept, and any schema part it does not know (refinements, transforms, formats,
 * unions...), goes to Zod itself, so errors, messages and edge cases stay exactly Zod's. For what it
 * accepts, its output is the one Zod returns (same keys, same order, unknown keys stripped, defaults
 * applied).
 *
 * No code generation: closures only, so it runs where `eval` is refused (workerd).
 */

/** "Not decided here": the caller runs Zod. */
export const ASK_ZOD: unique symbol = Symbol('ask-zod')

/** A compiled check: the parsed value, or `ASK_ZOD`. */
export type Check = (value: unknown) => unknown

const compiled = new WeakMap<z.ZodType, Check>()

/** The fast path's closure check of a schema (made once per schema). */
export function closureCheck(schema: z.ZodType): Check {
  let check = compiled.get(schema)
  if (!check) {
    check = compile(schema, new Map())
    compiled.set(schema, check)
  }
  return check
}

/** Zod's own answer for a part the fast path does not know (values that are not `undefined`). */
function delegate(schema: z.ZodType): Check {
  return (value) => {
    if (value === undefined) return ASK_ZOD
    const result = schema.safeParse(value)
    return result.success ? result.data : ASK_ZOD
  }
}

function compile(schema: z.ZodType, seen: Map<z.ZodType, Check>): Check {
  const known = seen.get(schema)
  if (known) return known
  // Recursive schemas (getters in a shape) meet themselves: point to the check being built.
  let built: Check | undefined
  seen.set(schema, (value) => built!(value))
  built = build(schema, seen)
  seen.set(schema, built)
  return built
}

function build(schema: z.ZodType, seen: Map<z.ZodType, Check>): Check {
  const def = defOf(schema) as Record<string, unknown> & { type: string }
  if (zodOnly(schema, def)) return delegate(schema)
  switch (def.type) {
    case 'string':
      return stringCheck(schema, def)
    case 'number':
      return numberCheck(schema, def)
    case 'boolean':
      return (value) => (typeof value === 'boolean' ? value : ASK_ZOD)
    case 'enum':
    case 'literal': {
      const values = (schema as unknown as { _zod: { values?: Set<unknown> } })._zod.values
      if (!values || checksOf(def).length > 0) return delegate(schema)
      return (value) => (value !== undefined && values.has(value) ? value : ASK_ZOD)
    }
    case 'any':
    case 'unknown':
      return (value) => (value === undefined ? ASK_ZOD : value)
    case 'optional': {
      const inner = compile(def.innerType as z.ZodType, seen)
      // `.default(x).optional()`: Zod still hands out the default for undefined; leave that to it.
      if (acceptsMissing(def.innerType as z.ZodType))
        return (value) => (value === undefined ? ASK_ZOD : inner(value))
      return (value) => (value === undefined ? undefined : inner(value))
    }
    case 'nullable': {
      const inner = compile(def.innerType as z.ZodType, seen)
      return (value) => (value === null ? null : inner(value))
    }
    case 'default': {
      const inner = compile(def.innerType as z.ZodType, seen)
      // Read each time: Zod's getter hands out a fresh copy (or calls the default function).
      return (value) => (value === undefined ? defaultOf(def) : inner(value))
    }
    case 'array':
      return arrayCheck(schema, def, seen)
    case 'object':
      return objectCheck(schema, def, seen)
    default:
      return delegate(schema)
  }
}

export function defaultOf(def: Record<string, unknown>): unknown {
  const value = def.defaultValue
  return value === undefined ? ASK_ZOD : value
}

/** Zod measures strings in code points. */
export function codePoints(text: string): number {
  let count = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    count++
  }
  return count
}

function stringCheck(schema: z.ZodType, def: Record<string, unknown>): Check {
  const plan = stringPlan(def)
  if (!plan) return delegate(schema)
  const { min, max, patterns } = plan
  const bounded = min > 0 || max !== Number.POSITIVE_INFINITY
  return (value) => {
    if (typeof value !== 'string') return ASK_ZOD
    if (bounded) {
      const units = value.length
      // A code point is one or two units: only a length near a bound needs counting.
      if (units < min || units > 2 * max) return ASK_ZOD
      if (units > max || units < 2 * min) {
        const length = codePoints(value)
        if (length < min || length > max) return ASK_ZOD
      }
    }
    for (const pattern of patterns) {
      pattern.lastIndex = 0
      if (!pattern.test(value)) return ASK_ZOD
    }
    return value
  }
}

function numberCheck(schema: z.ZodType, def: Record<string, unknown>): Check {
  const plan = numberPlan(def)
  if (!plan) return delegate(schema)
  const { low, lowInclusive, high, highInclusive, integer } = plan
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return ASK_ZOD
    if (integer && !Number.isSafeInteger(value)) return ASK_ZOD
    if (lowInclusive ? value < low : value <= low) return ASK_ZOD
    if (highInclusive ? value > high : value >= high) return ASK_ZOD
    return value
  }
}

function arrayCheck(schema: z.ZodType, def: Record<string, unknown>, seen: Map<z.ZodType, Check>): Check {
  const plan = lengthPlan(def)
  if (!plan) return delegate(schema)
  const { min, max } = plan
  const element = compile(def.element as z.ZodType, seen)
  return (value) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) return ASK_ZOD
    const out = new Array(value.length)
    for (let i = 0; i < value.length; i++) {
      const item = element(value[i])
      if (item === ASK_ZOD) return ASK_ZOD
      out[i] = item
    }
    return out
  }
}

/** One key of a plain object schema, with its compiled check. */
export interface FastField extends FieldPlan {
  check: Check
}

function compileFields(fields: readonly FieldPlan[], seen: Map<z.ZodType, Check>): FastField[] {
  return fields.map((field) => ({ ...field, check: compile(field.schema, seen) }))
}

/** Left out of the output: an absent `.optional()` key. */
export const OMITTED: unique symbol = Symbol('omitted')

/**
 * The keys of a `z.object` in declaration order, each with its compiled check, when the fast path
 * knows the object (no object-level checks; unknown keys stripped, refused or kept); undefined
 * otherwise. For inputs assembled key by key (path, query, headers, cookies): each value is checked
 * on its own, with `missingValue` for the absent ones, as the object's check would.
 */
export function objectFields(schema: z.ZodType): readonly FastField[] | undefined {
  const def = defOf(schema) as Record<string, unknown> & { type: string }
  if (def.type !== 'object') return undefined
  const plan = planObject(def)
  return plan && compileFields(plan.fields, new Map())
}

/** An absent key's value: `OMITTED`, the default, or `ASK_ZOD` (Zod reports it missing). */
export function missingValue(field: FastField): unknown {
  if (field.missing === OMIT) return OMITTED
  if (field.missing === DEFAULT) return defaultOf(field.def)
  return ASK_ZOD
}

function objectCheck(schema: z.ZodType, def: Record<string, unknown>, seen: Map<z.ZodType, Check>): Check {
  const plan = planObject(def)
  if (!plan) return delegate(schema)
  const { rest } = plan
  const fields = compileFields(plan.fields, seen)
  const known = new Set(fields.map((field) => field.key))
  return (value) => {
    if (value === null || typeof value !== 'object') return ASK_ZOD
    const proto = Object.getPrototypeOf(value)
    if (proto !== Object.prototype && proto !== null) return ASK_ZOD
    const input = value as Record<string, unknown>
    const out: Record<string, unknown> = {}
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!
      const raw = input[field.key]
      if (raw === undefined) {
        if (field.missing === OMIT) {
          if (Object.hasOwn(input, field.key)) out[field.key] = undefined
          continue
        }
        if (field.missing === DEFAULT) {
          const fallback = defaultOf(field.def)
          if (fallback === ASK_ZOD) return ASK_ZOD
          out[field.key] = fallback
          continue
        }
        return ASK_ZOD
      }
      const parsed = field.check(raw)
      if (parsed === ASK_ZOD) return ASK_ZOD
      out[field.key] = parsed
    }
    if (rest === 'strip') return out
    for (const key in input) {
      if (known.has(key)) continue
      if (rest === 'never') return ASK_ZOD
      if (key !== '__proto__') out[key] = input[key]
    }
    return out
  }
}
