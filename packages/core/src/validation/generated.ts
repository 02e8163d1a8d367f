import type { z } from 'zod'
import { ASK_ZOD, type Check, closureCheck, codePoints, defaultOf } from './closures.ts'
import { canCompile, compileSource, SourceBuilder, TOO_BIG } from './compiler.ts'
import {
  DEFAULT,
  type FieldPlan,
  lengthPlan,
  numberPlan,
  OMIT,
  planObject,
  REFUSE,
  stringPlan,
  zodOnly,
} from './plan.ts'
import { acceptsMissing, defOf } from './schema.ts'

/**
 * The validation fast path as generated code, for runtimes whose adapter provides a compiler (Node,
 * Bun): the same decisions as the closures in `closures.ts`, made from the same plans (`plan.ts`), without their
 * calls and generic property access. A part the generator does not write inline calls its closure.
 */

/**
 * The check of `schema` as generated code, mirroring the closures decision for decision: a
 * part the generator does not write inline calls its closure. Undefined without a compiler.
 */
export function generateCheck(schema: z.ZodType): Check | undefined {
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
  plans: readonly FieldPlan[],
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
  plans: readonly FieldPlan[],
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

class CheckGenerator extends SourceBuilder<z.ZodType> {
  /** The closure's answer for a part written as a call. */
  #call(schema: z.ZodType, v: string, out: string): string {
    return `${out} = ${this.constant(closureCheck(schema))}(${v});\nif (${out} === ASK) return ASK;`
  }

  /** Statements that check `v` against `schema` and put the output in `out`, or return ASK. */
  check(schema: z.ZodType, v: string, out: string): string {
    // A recursive schema meets itself: that part is the closure's.
    return this.guard(
      schema,
      () => this.#check(schema, v, out),
      () => this.#call(schema, v, out),
    )
  }

  #check(schema: z.ZodType, v: string, out: string): string {
    const def = defOf(schema) as Record<string, unknown> & { type: string }
    // A schema shared many times over (a DAG) would repeat: past a budget, the closures decide.
    this.count()
    if (zodOnly(schema, def)) return this.#call(schema, v, out)
    switch (def.type) {
      case 'string':
        return this.#string(schema, def, v, out)
      case 'number':
        return this.#number(schema, def, v, out)
      case 'boolean':
        return `if (typeof ${v} !== 'boolean') return ASK;\n${out} = ${v};`
      case 'enum':
      case 'literal': {
        const values = (schema as unknown as { _zod: { values?: Set<unknown> } })._zod.values
        if (!values || ((def.checks as unknown[] | undefined)?.length ?? 0) > 0)
          return this.#call(schema, v, out)
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

  #string(schema: z.ZodType, def: Record<string, unknown>, v: string, out: string): string {
    const plan = stringPlan(def)
    if (!plan) return this.#call(schema, v, out)
    const lines = [`if (typeof ${v} !== 'string') return ASK;`]
    const patterns = plan.patterns.map((pattern) => this.constant(pattern))
    const { min, max } = plan
    if (min > 0 || max !== Number.POSITIVE_INFINITY) {
      // A code point is one or two units: only a length near a bound needs counting.
      const units = this.name('u')
      const count = this.name('n')
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

  #number(schema: z.ZodType, def: Record<string, unknown>, v: string, out: string): string {
    const plan = numberPlan(def)
    if (!plan) return this.#call(schema, v, out)
    const { low, lowInclusive, high, highInclusive, integer } = plan
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
    const bounds = lengthPlan(def)
    if (!bounds) return this.#call(schema, v, out)
    const items = this.name('o')
    const i = this.name('i')
    const item = this.name('e')
    const parsed = this.name('x')
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
    const plan = planObject(def)
    if (!plan) return this.#call(schema, v, out)
    const record = this.name('o')
    const proto = this.name('p')
    const lines = [
      `if (${v} === null || typeof ${v} !== 'object') return ASK;`,
      `const ${proto} = Object.getPrototypeOf(${v});`,
      `if (${proto} !== Object.prototype && ${proto} !== null) return ASK;`,
      `const ${record} = {};`,
    ]
    for (const field of plan.fields) {
      const key = JSON.stringify(field.key)
      const raw = this.name('f')
      const parsed = this.name('x')
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
        this.check(field.schema, raw, parsed),
        `${record}[${key}] = ${parsed};`,
        '}',
      )
    }
    if (plan.rest !== 'strip') {
      const known = this.constant(new Set(plan.fields.map((field) => field.key)))
      const name = this.name('k')
      lines.push(`for (const ${name} in ${v}) {`, `if (${known}.has(${name})) continue;`)
      if (plan.rest === 'never') lines.push('return ASK;')
      else lines.push(`if (${name} !== '__proto__') ${record}[${name}] = ${v}[${name}];`)
      lines.push('}')
    }
    lines.push(`${out} = ${record};`)
    return lines.join('\n')
  }
}
