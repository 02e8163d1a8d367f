import type { z } from 'zod'
import { acceptsMissing, defOf } from './schema.ts'

/**
 * Validation plans: what the fast path reads off a Zod schema, once, at registration. A plan says
 * what a value must be (length bounds, number bounds, patterns, an object's keys and how each
 * behaves when missing), or is undefined when the schema has parts only Zod decides. The closures
 * (`closures.ts`), the generated checks (`generated.ts`) and the response writers (`writer.ts`) are
 * all made from these plans, so they make the same decisions.
 */

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

/** The definitions of a schema's own checks. */
export function checksOf(def: Record<string, unknown>): ZodCheckDef[] {
  const checks = ((def.checks ?? []) as { _zod: { def: ZodCheckDef } }[]).map((c) => c._zod.def)
  // `z.int()` and the other number/string formats carry their own check on the def itself.
  if (typeof def.check === 'string') checks.unshift(def as ZodCheckDef)
  return checks
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

/** How a key behaves when the input has nothing (or `undefined`) there: Zod reports it... */
export const REFUSE = 0
/** ...an absent `.optional()` key stays absent, a key present as `undefined` stays `undefined`... */
export const OMIT = 1
/** ...or `.default()` fills it in. */
export const DEFAULT = 2
export type Missing = typeof REFUSE | typeof OMIT | typeof DEFAULT

/** One key of a plain object schema: its schema, and what an absent value becomes. */
export interface FieldPlan {
  key: string
  schema: z.ZodType
  missing: Missing
  def: Record<string, unknown>
}

/** What an object's keys are, when the fast path knows the object (no object-level checks). */
export interface ObjectPlan {
  fields: FieldPlan[]
  rest: 'strip' | 'never' | 'unknown' | 'any'
}

export function planObject(def: Record<string, unknown>): ObjectPlan | undefined {
  const shape = def.shape as Record<string, z.ZodType>
  if (checksOf(def).length > 0 || Object.getOwnPropertySymbols(shape).length > 0) return undefined
  const catchall = def.catchall as z.ZodType | undefined
  const rest = catchall ? defOf(catchall).type : 'strip'
  if (rest !== 'strip' && rest !== 'never' && rest !== 'unknown' && rest !== 'any') return undefined
  const keys = Object.keys(shape)
  if (keys.includes('__proto__')) return undefined
  const fields: FieldPlan[] = keys.map((key) => {
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
    return { key, schema: field, missing, def: fieldDef }
  })
  return { fields, rest }
}
