import type { z } from 'zod'
import { canCompile, compilerGeneration, compileSource } from './compiler.ts'
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
      return stringCheck(schema, checksOf(def))
    case 'number':
      return numberCheck(schema, checksOf(def))
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

function defaultOf(def: Record<string, unknown>): unknown {
  const value = def.defaultValue
  return value === undefined ? ASK_ZOD : value
}

/** Zod measures strings in code points. */
function codePoints(text: string): number {
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

/** Folds a length check into `bounds`; false when the check is not one of Zod's length checks. */
function foldLength(check: ZodCheckDef, bounds: { min: number; max: number }): boolean {
  // A NaN bound fails every value in Zod: not a length the fast path can fold.
  if (Number.isNaN(check.minimum) || Number.isNaN(check.maximum) || Number.isNaN(check.length)) return false
  if (check.check === 'min_length') bounds.min = Math.max(bounds.min, check.minimum!)
  else if (check.check === 'max_length') bounds.max = Math.min(bounds.max, check.maximum!)
  else if (check.check === 'length_equals') {
    bounds.min = Math.max(bounds.min, check.length!)
    bounds.max = Math.min(bounds.max, check.length!)
  } else return false
  return true
}

function stringCheck(schema: z.ZodType, checks: ZodCheckDef[]): Check {
  const bounds = { min: 0, max: Number.POSITIVE_INFINITY }
  const patterns: RegExp[] = []
  for (const check of checks) {
    if (foldLength(check, bounds)) continue
    if (check.check === 'string_format' && check.format === 'regex' && check.pattern)
      patterns.push(check.pattern)
    else return delegate(schema)
  }
  const { min, max } = bounds
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

function numberCheck(schema: z.ZodType, checks: ZodCheckDef[]): Check {
  let low = Number.NEGATIVE_INFINITY
  let lowInclusive = true
  let high = Number.POSITIVE_INFINITY
  let highInclusive = true
  let integer = false
  for (const check of checks) {
    if (typeof check.value === 'bigint' || Number.isNaN(check.value)) return delegate(schema)
    if (check.check === 'greater_than') {
      if (check.value! > low || (check.value === low && !check.inclusive)) {
        low = check.value!
        lowInclusive = check.inclusive === true
      }
    } else if (check.check === 'less_than') {
      if (check.value! < high || (check.value === high && !check.inclusive)) {
        high = check.value!
        highInclusive = check.inclusive === true
      }
    } else if (check.check === 'number_format' && check.format === 'safeint') integer = true
    else return delegate(schema)
  }
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return ASK_ZOD
    if (integer && !Number.isSafeInteger(value)) return ASK_ZOD
    if (lowInclusive ? value < low : value <= low) return ASK_ZOD
    if (highInclusive ? value > high : value >= high) return ASK_ZOD
    return value
  }
}

function arrayCheck(schema: z.ZodType, def: Record<string, unknown>, seen: Map<z.ZodType, Check>): Check {
  const bounds = { min: 0, max: Number.POSITIVE_INFINITY }
  for (const check of checksOf(def)) if (!foldLength(check, bounds)) return delegate(schema)
  const { min, max } = bounds
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
const REFUSE = 0
/** ...an absent `.optional()` key stays absent, a key present as `undefined` stays `undefined`... */
const OMIT = 1
/** ...or `.default()` fills it in. */
const DEFAULT = 2
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

function planObject(def: Record<string, unknown>, seen: Map<z.ZodType, Check>): ObjectPlan | undefined {
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

/**
 * The check of `schema` as generated code, mirroring the closures above decision for decision: a
 * part the generator does not write inline calls its closure. Undefined without a compiler.
 */
function generateCheck(schema: z.ZodType): Check | undefined {
  const gen = new CheckGenerator()
  let body: string
  try {
    body = gen.check(schema, 'v', 'r')
  } catch (error) {
    if (error === TOO_BIG) return undefined
    throw error
  }
  const source = `"use strict";\nlet r;\n${body}\nreturn r;`
  const make = compileSource(['ASK', 'K', 'cp', 'dflt'], `return function check(v) {\n${source}\n}`)
  return make?.(ASK_ZOD, gen.constants, codePoints, defaultOf) as Check | undefined
}

/** One single-valued input field, as `generateFieldsCheck` reads it. */
export interface InputFieldSpec {
  key: string
  wire: string
  /** Turns the raw string into the target type, or returns `failure`. */
  coerce: (raw: string) => unknown
  schema: z.ZodType
}

/**
 * Generated code for single-valued input fields (path, query, header, cookie): each value read by
 * its wire name, coerced, checked inline and put under its key; `ASK_ZOD` as soon as one is not
 * plainly valid. Undefined without a compiler. Takes `read` and returns the object or `ASK_ZOD`.
 */
export function generateFieldsCheck(
  fields: readonly InputFieldSpec[],
  plans: readonly FastField[],
  failure: Function,
): ((read: (wire: string) => unknown) => unknown) | undefined {
  if (!canCompile()) return undefined
  try {
    return generateFields(fields, plans, failure)
  } catch (error) {
    if (error === TOO_BIG) return undefined
    throw error
  }
}

function generateFields(
  fields: readonly InputFieldSpec[],
  plans: readonly FastField[],
  failure: Function,
): ((read: (wire: string) => unknown) => unknown) | undefined {
  const gen = new CheckGenerator()
  const lines = ['"use strict";', 'const o = {};']
  fields.forEach((field, f) => {
    const plan = plans[f]!
    const key = JSON.stringify(field.key)
    const raw = `r${f}`
    const item = `t${f}`
    const coerced = `c${f}`
    const parsed = `x${f}`
    lines.push(`const ${raw} = read(${JSON.stringify(field.wire)});`, `if (${raw} === undefined) {`)
    if (plan.missing === DEFAULT) {
      lines.push(`const ${parsed}d = dflt(${gen.constant(plan.def)});`, `if (${parsed}d === ASK) return ASK;`)
      lines.push(`o[${key}] = ${parsed}d;`)
    } else if (plan.missing === REFUSE) lines.push('return ASK;')
    lines.push('} else {')
    lines.push(
      `const ${item} = typeof ${raw} === 'string' ? ${raw} : Array.isArray(${raw}) ? ${raw}[${raw}.length - 1] : ${raw};`,
    )
    lines.push(
      `const ${coerced} = typeof ${item} === 'string' ? ${gen.constant(field.coerce)}(${item}) : ${item};`,
    )
    lines.push(`if (${coerced} instanceof Failure) return ASK;`, `let ${parsed};`)
    lines.push(gen.check(field.schema, coerced, parsed), `o[${key}] = ${parsed};`, '}')
  })
  lines.push('return o;')
  const make = compileSource(
    ['ASK', 'K', 'cp', 'dflt', 'Failure'],
    `return function fields(read) {\n${lines.join('\n')}\n}`,
  )
  return make?.(ASK_ZOD, gen.constants, codePoints, defaultOf, failure) as
    | ((read: (wire: string) => unknown) => unknown)
    | undefined
}

/** How many schema nodes one generated function may write out before its closures are used instead. */
export const MAX_GENERATED_NODES = 2000
/** Thrown when generation passes `MAX_GENERATED_NODES`. */
export const TOO_BIG: unique symbol = Symbol('too-big')

class CheckGenerator {
  readonly constants: unknown[] = []
  #names = 0
  #nodes = 0
  readonly #open = new Set<z.ZodType>()

  #name(prefix: string): string {
    return `${prefix}${this.#names++}`
  }

  constant(value: unknown): string {
    this.constants.push(value)
    return `K[${this.constants.length - 1}]`
  }

  /** The closure's answer for a part written as a call. */
  #call(schema: z.ZodType, v: string, out: string): string {
    return `${out} = ${this.constant(closureCheck(schema))}(${v});\nif (${out} === ASK) return ASK;`
  }

  /** Statements that check `v` against `schema` and put the output in `out`, or return ASK. */
  check(schema: z.ZodType, v: string, out: string): string {
    // A recursive schema meets itself: that part is the closure's.
    if (this.#open.has(schema)) return this.#call(schema, v, out)
    this.#open.add(schema)
    try {
      return this.#check(schema, v, out)
    } finally {
      this.#open.delete(schema)
    }
  }

  #check(schema: z.ZodType, v: string, out: string): string {
    const def = defOf(schema) as Record<string, unknown> & { type: string }
    // A schema shared many times over (a DAG) would repeat: past a budget, the closures decide.
    if (++this.#nodes > MAX_GENERATED_NODES) throw TOO_BIG
    if (zodOnly(schema, def)) return this.#call(schema, v, out)
    switch (def.type) {
      case 'string':
        return this.#string(schema, checksOf(def), v, out)
      case 'number':
        return this.#number(schema, checksOf(def), v, out)
      case 'boolean':
        return `if (typeof ${v} !== 'boolean') return ASK;\n${out} = ${v};`
      case 'enum':
      case 'literal': {
        const values = (schema as unknown as { _zod: { values?: Set<unknown> } })._zod.values
        if (!values || checksOf(def).length > 0) return this.#call(schema, v, out)
        return `if (${v} === undefined || !${this.constant(values)}.has(${v})) return ASK;\n${out} = ${v};`
      }
      case 'any':
      case 'unknown':
        return `if (${v} === undefined) return ASK;\n${out} = ${v};`
      case 'optional': {
        const inner = def.innerType as z.ZodType
        if (acceptsMissing(inner)) return `if (${v} === undefined) return ASK;\n${this.check(inner, v, out)}`
        return `if (${v} === undefined) ${out} = undefined;\nelse {\n${this.check(inner, v, out)}\n}`
      }
      case 'nullable':
        return `if (${v} === null) ${out} = null;\nelse {\n${this.check(def.innerType as z.ZodType, v, out)}\n}`
      case 'default': {
        const fallback = `${out} = dflt(${this.constant(def)});\nif (${out} === ASK) return ASK;`
        return `if (${v} === undefined) {\n${fallback}\n} else {\n${this.check(def.innerType as z.ZodType, v, out)}\n}`
      }
      case 'array':
        return this.#array(schema, def, v, out)
      case 'object':
        return this.#object(schema, def, v, out)
      default:
        return this.#call(schema, v, out)
    }
  }

  #string(schema: z.ZodType, checks: ZodCheckDef[], v: string, out: string): string {
    const bounds = { min: 0, max: Number.POSITIVE_INFINITY }
    const lines = [`if (typeof ${v} !== 'string') return ASK;`]
    const patterns: string[] = []
    for (const check of checks) {
      if (foldLength(check, bounds)) continue
      if (check.check === 'string_format' && check.format === 'regex' && check.pattern)
        patterns.push(this.constant(check.pattern))
      else return this.#call(schema, v, out)
    }
    const { min, max } = bounds
    if (min > 0 || max !== Number.POSITIVE_INFINITY) {
      // A code point is one or two units: only a length near a bound needs counting.
      const units = this.#name('u')
      const count = this.#name('n')
      const high = max === Number.POSITIVE_INFINITY ? 'Infinity' : String(2 * max)
      const top = max === Number.POSITIVE_INFINITY ? 'Infinity' : String(max)
      lines.push(
        `const ${units} = ${v}.length;`,
        `if (${units} < ${min} || ${units} > ${high}) return ASK;`,
        `if (${units} > ${top} || ${units} < ${2 * min}) {`,
        `const ${count} = cp(${v});`,
        `if (${count} < ${min} || ${count} > ${top}) return ASK;`,
        `}`,
      )
    }
    for (const pattern of patterns)
      lines.push(`${pattern}.lastIndex = 0;`, `if (!${pattern}.test(${v})) return ASK;`)
    lines.push(`${out} = ${v};`)
    return lines.join('\n')
  }

  #number(schema: z.ZodType, checks: ZodCheckDef[], v: string, out: string): string {
    let low = Number.NEGATIVE_INFINITY
    let lowInclusive = true
    let high = Number.POSITIVE_INFINITY
    let highInclusive = true
    let integer = false
    for (const check of checks) {
      if (typeof check.value === 'bigint' || Number.isNaN(check.value)) return this.#call(schema, v, out)
      if (check.check === 'greater_than') {
        if (check.value! > low || (check.value === low && !check.inclusive)) {
          low = check.value!
          lowInclusive = check.inclusive === true
        }
      } else if (check.check === 'less_than') {
        if (check.value! < high || (check.value === high && !check.inclusive)) {
          high = check.value!
          highInclusive = check.inclusive === true
        }
      } else if (check.check === 'number_format' && check.format === 'safeint') integer = true
      else return this.#call(schema, v, out)
    }
    const lines = [`if (typeof ${v} !== 'number' || !Number.isFinite(${v})) return ASK;`]
    if (integer) lines.push(`if (!Number.isSafeInteger(${v})) return ASK;`)
    if (low !== Number.NEGATIVE_INFINITY)
      lines.push(`if (${v} ${lowInclusive ? '<' : '<='} ${this.constant(low)}) return ASK;`)
    if (high !== Number.POSITIVE_INFINITY)
      lines.push(`if (${v} ${highInclusive ? '>' : '>='} ${this.constant(high)}) return ASK;`)
    lines.push(`${out} = ${v};`)
    return lines.join('\n')
  }

  #array(schema: z.ZodType, def: Record<string, unknown>, v: string, out: string): string {
    const bounds = { min: 0, max: Number.POSITIVE_INFINITY }
    for (const check of checksOf(def)) if (!foldLength(check, bounds)) return this.#call(schema, v, out)
    const items = this.#name('o')
    const i = this.#name('i')
    const item = this.#name('e')
    const parsed = this.#name('x')
    const max = bounds.max === Number.POSITIVE_INFINITY ? 'Infinity' : String(bounds.max)
    return [
      `if (!Array.isArray(${v}) || ${v}.length < ${bounds.min} || ${v}.length > ${max}) return ASK;`,
      `const ${items} = new Array(${v}.length);`,
      `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`,
      `const ${item} = ${v}[${i}];`,
      `let ${parsed};`,
      this.check(def.element as z.ZodType, item, parsed),
      `${items}[${i}] = ${parsed};`,
      `}`,
      `${out} = ${items};`,
    ].join('\n')
  }

  #object(schema: z.ZodType, def: Record<string, unknown>, v: string, out: string): string {
    const plan = planObject(def, new Map())
    if (!plan) return this.#call(schema, v, out)
    const record = this.#name('o')
    const proto = this.#name('p')
    const lines = [
      `if (${v} === null || typeof ${v} !== 'object') return ASK;`,
      `const ${proto} = Object.getPrototypeOf(${v});`,
      `if (${proto} !== Object.prototype && ${proto} !== null) return ASK;`,
      `const ${record} = {};`,
    ]
    const shape = def.shape as Record<string, z.ZodType>
    for (const field of plan.fields) {
      const key = JSON.stringify(field.key)
      const raw = this.#name('f')
      const parsed = this.#name('x')
      lines.push(`const ${raw} = ${v}[${key}];`, `if (${raw} === undefined) {`)
      if (field.missing === OMIT)
        lines.push(`if (Object.hasOwn(${v}, ${key})) ${record}[${key}] = undefined;`)
      else if (field.missing === DEFAULT) {
        lines.push(
          `const ${parsed}d = dflt(${this.constant(field.def)});`,
          `if (${parsed}d === ASK) return ASK;`,
        )
        lines.push(`${record}[${key}] = ${parsed}d;`)
      } else lines.push('return ASK;')
      lines.push(
        '} else {',
        `let ${parsed};`,
        this.check(shape[field.key]!, raw, parsed),
        `${record}[${key}] = ${parsed};`,
        '}',
      )
    }
    if (plan.rest !== 'strip') {
      const known = this.constant(new Set(plan.fields.map((field) => field.key)))
      const name = this.#name('k')
      lines.push(`for (const ${name} in ${v}) {`, `if (${known}.has(${name})) continue;`)
      if (plan.rest === 'never') lines.push('return ASK;')
      else lines.push(`if (${name} !== '__proto__') ${record}[${name}] = ${v}[${name}];`)
      lines.push('}')
    }
    lines.push(`${out} = ${record};`)
    return lines.join('\n')
  }
}
