import type { z } from 'zod'
import { canCompile, compilerGeneration } from './compiler.ts'
import { generateCheck } from './generated.ts'
import { acceptsMissing, defOf } from './schema.ts'

/**
 * The validation fast path. A Zod schema is compiled once, at registration, into a tree of small
 * closures that check the common shapes (objects, arrays, strings, numbers, booleans, enums,
 * literals, optional/nullable/default) without Zod's generic machinery. The compiled check only
 * ever answers "valid, here is the output" or "ask Zod": any value it does not accept, and any
 * schema part it does not know (refinements, transforms, formats, unions...), goes to Zod itself,
 * so errors, messages and edge cases stay exactly Zod's. For what it accepts, its output is the
 * one Zod returns (same keys, same order, unknown keys stripped, defaults applied).
 *
 * No code generation: closures only, so it runs where `eval` is refused (workerd).
 */

/** "Not decided here": the caller runs Zod. */
export const ASK_ZOD: unique symbol = Symbol('ask-zod')

/** A compiled check: the parsed value, or `ASK_ZOD`. */
export type Check = (value: unknown) => unknown

const compiled = new WeakMap<z.ZodType, Check>()

/**
 * Parses `value` with `schema` on the fast path when it can: the output, or `ASK_ZOD` when Zod must
 * decide (the value is invalid, or uses a part of the schema the fast path does not know).
 *
 * @example
 * const fast = fastParse(schema, input)
 * const result = fast === ASK_ZOD ? schema.safeParse(input) : { success: true, data: fast }
 */
export function fastParse(schema: z.ZodType, value: unknown): unknown {
  return compiledCheck(schema)(value)
}

/** The fast path's closure check of a schema (made once per schema). */
export function closureCheck(schema: z.ZodType): Check {
  let check = compiled.get(schema)
  if (!check) {
    check = compile(schema, new Map())
    compiled.set(schema, check)
  }
  return check
}

const generated = new WeakMap<z.ZodType, { generation: number; check: Check }>()

/**
 * The fast path's check of a schema: generated code when an adapter provides a compiler (the same
 * decisions as the closures, without their calls and generic property access), else the closures.
 */
export function compiledCheck(schema: z.ZodType): Check {
  if (!canCompile()) return closureCheck(schema)
  const made = generated.get(schema)
  const generation = compilerGeneration()
  if (made?.generation === generation) return made.check
  const check = generateCheck(schema) ?? closureCheck(schema)
  generated.set(schema, { generation, check })
  return check
}

type ZodCheckDef = {
  check?: string
  format?: string
  minimum?: number
  maximum?: number
  length?: number
  value?: number | bigint
  inclusive?: boolean
  pattern?: RegExp
}

function checksOf(def: Record<string, unknown>): ZodCheckDef[] {
  const checks = ((def.checks ?? []) as { _zod: { def: ZodCheckDef } }[]).map((c) => c._zod.def)
  // `z.int()` and the other number/string formats carry their own check on the def itself.
  if (typeof def.check === 'string') checks.unshift(def as ZodCheckDef)
  return checks
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

/** Types whose own checks the fast path reads (lengths, bounds, formats); on any other, checks are Zod's. */
const CHECKED_TYPES = new Set(['string', 'number', 'array', 'object', 'enum', 'literal'])

/**
 * True when a schema node is Zod's to decide whatever the value: coercion, a refinement or overwrite
 * on a type whose checks the fast path does not read (`z.boolean().refine()`, `.optional().refine()`),
 * or `.exactOptional()` (absent is fine, `undefined` is not).
 */
export function zodOnly(schema: z.ZodType, def: Record<string, unknown> & { type: string }): boolean {
  if (def.coerce) return true
  if (!CHECKED_TYPES.has(def.type) && ((def.checks as unknown[] | undefined)?.length ?? 0) > 0) return true
  return (
    (schema as unknown as { _zod: { traits?: Set<string> } })._zod.traits?.has('$ZodExactOptional') === true
  )
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

/** Length bounds (min/max, in code points for strings), as Zod's length checks set them. */
export interface LengthPlan {
  min: number
  max: number
}

/**
 * Folds a length check into `bounds`; false when the check is not one of Zod's length checks (or
 * has a NaN bound, which fails every value in Zod).
 */
function foldLength(check: ZodCheckDef, bounds: LengthPlan): boolean {
  if (Number.isNaN(check.minimum) || Number.isNaN(check.maximum) || Number.isNaN(check.length)) return false
  if (check.check === 'min_length') bounds.min = Math.max(bounds.min, check.minimum!)
  else if (check.check === 'max_length') bounds.max = Math.min(bounds.max, check.maximum!)
  else if (check.check === 'length_equals') {
    bounds.min = Math.max(bounds.min, check.length!)
    bounds.max = Math.min(bounds.max, check.length!)
  } else return false
  return true
}

/** An array's length bounds, or undefined when it has other checks (Zod's to decide). */
export function lengthPlan(def: Record<string, unknown>): LengthPlan | undefined {
  const bounds = { min: 0, max: Number.POSITIVE_INFINITY }
  for (const check of checksOf(def)) if (!foldLength(check, bounds)) return undefined
  return bounds
}

/** What a string must be: length bounds and patterns; undefined when it has other checks. */
export interface StringPlan extends LengthPlan {
  patterns: RegExp[]
}

export function stringPlan(def: Record<string, unknown>): StringPlan | undefined {
  const plan: StringPlan = { min: 0, max: Number.POSITIVE_INFINITY, patterns: [] }
  for (const check of checksOf(def)) {
    if (foldLength(check, plan)) continue
    if (check.check === 'string_format' && check.format === 'regex' && check.pattern)
      plan.patterns.push(check.pattern)
    else return undefined
  }
  return plan
}

/** What a number must be: bounds (inclusive or not) and integer; undefined when it has other checks. */
export interface NumberPlan {
  low: number
  lowInclusive: boolean
  high: number
  highInclusive: boolean
  integer: boolean
}

export function numberPlan(def: Record<string, unknown>): NumberPlan | undefined {
  const plan: NumberPlan = {
    low: Number.NEGATIVE_INFINITY,
    lowInclusive: true,
    high: Number.POSITIVE_INFINITY,
    highInclusive: true,
    integer: false,
  }
  for (const check of checksOf(def)) {
    if (typeof check.value === 'bigint' || Number.isNaN(check.value)) return undefined
    if (check.check === 'greater_than') {
      if (check.value! > plan.low || (check.value === plan.low && !check.inclusive)) {
        plan.low = check.value!
        plan.lowInclusive = check.inclusive === true
      }
    } else if (check.check === 'less_than') {
      if (check.value! < plan.high || (check.value === plan.high && !check.inclusive)) {
        plan.high = check.value!
        plan.highInclusive = check.inclusive === true
      }
    } else if (check.check === 'number_format' && check.format === 'safeint') plan.integer = true
    else return undefined
  }
  return plan
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

/** How a key behaves when the input has nothing (or `undefined`) there: Zod reports it... */
export const REFUSE = 0
/** ...an absent `.optional()` key stays absent, a key present as `undefined` stays `undefined`... */
export const OMIT = 1
/** ...or `.default()` fills it in. */
export const DEFAULT = 2
export type Missing = typeof REFUSE | typeof OMIT | typeof DEFAULT

/** One key of a plain object schema, compiled. */
export interface FastField {
  key: string
  check: Check
  missing: Missing
  def: Record<string, unknown>
}

/** What an object's keys are, when the fast path knows the object (no object-level checks). */
interface ObjectPlan {
  fields: FastField[]
  rest: 'strip' | 'never' | 'unknown' | 'any'
}

export function planObject(
  def: Record<string, unknown>,
  seen: Map<z.ZodType, Check>,
): ObjectPlan | undefined {
  const shape = def.shape as Record<string, z.ZodType>
  if (checksOf(def).length > 0 || Object.getOwnPropertySymbols(shape).length > 0) return undefined
  const catchall = def.catchall as z.ZodType | undefined
  const rest = catchall ? defOf(catchall).type : 'strip'
  if (rest !== 'strip' && rest !== 'never' && rest !== 'unknown' && rest !== 'any') return undefined
  const keys = Object.keys(shape)
  if (keys.includes('__proto__')) return undefined
  const fields: FastField[] = keys.map((key) => {
    const field = shape[key]!
    const fieldDef = defOf(field) as Record<string, unknown> & { type: string }
    // A key whose schema is Zod's to decide is Zod's when absent too.
    const missing = zodOnly(field, fieldDef)
      ? REFUSE
      : fieldDef.type === 'optional' && !acceptsMissing(fieldDef.innerType as z.ZodType)
        ? OMIT
        : fieldDef.type === 'default'
          ? DEFAULT
          : REFUSE
    return { key, check: compile(field, seen), missing, def: fieldDef }
  })
  return { fields, rest }
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
  return planObject(def, new Map())?.fields
}

/** An absent key's value: `OMITTED`, the default, or `ASK_ZOD` (Zod reports it missing). */
export function missingValue(field: FastField): unknown {
  if (field.missing === OMIT) return OMITTED
  if (field.missing === DEFAULT) return defaultOf(field.def)
  return ASK_ZOD
}

function objectCheck(schema: z.ZodType, def: Record<string, unknown>, seen: Map<z.ZodType, Check>): Check {
  const plan = planObject(def, seen)
  if (!plan) return delegate(schema)
  const { fields, rest } = plan
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
