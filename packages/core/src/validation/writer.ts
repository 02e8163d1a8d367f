import type { z } from 'zod'
import { canCompile, compileSource, SourceBuilder, TOO_BIG } from './compiler.ts'
import { ASK_ZOD, compiledCheck } from './fast.ts'
import { lengthPlan, zodOnly } from './plan.ts'
import { defOf } from './schema.ts'

/**
 * Response writers: a response model compiled into one function that checks a handler's result
 * against the model and writes its JSON in the same pass (declared keys only, in the model's
 * order), without building the filtered object first. Its output is exactly
 * `JSON.stringify(model.parse(value))`; for any value it does not plainly accept it answers
 * `ASK_ZOD`, and the caller takes the long way (Zod, then `JSON.stringify`), so errors stay Zod's.
 *
 * The writer is JavaScript source made from the model's structure only (key names and enum values
 * as JSON string literals, never request data), turned into a function by the compiler an adapter
 * provides where the runtime allows it (Node, Bun). Core itself never evaluates code: without a
 * compiler (workerd, `app.request()` in tests without an adapter) there is no writer.
 */

/** A compiled writer: the JSON text, or `ASK_ZOD`. */
export type Writer = (value: unknown) => string | typeof ASK_ZOD

/** The model's writer, or undefined when there is no compiler or the model has parts it cannot write. */
export function compileWriter(model: z.ZodType): Writer | undefined {
  if (!canCompile()) return undefined
  const gen = new Generator()
  let body: string
  try {
    body = gen.value(model, 'v', 'top')
  } catch (error) {
    // A part it does not write, or a model too large to write out: the long way, always.
    if (error === UNSUPPORTED || error === TOO_BIG) return undefined
    throw error
  }
  const source = `"use strict";\nlet o = '';\n${body}\nreturn o;`
  const make = compileSource(['ASK', 'str', 'any', 'K'], `return function write(v) {\n${source}\n}`)
  return make?.(ASK_ZOD, quote, anyJson, gen.constants) as Writer | undefined
}

const UNSUPPORTED = Symbol('unsupported')

/** Characters that JSON must escape, and lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/

/** A string as JSON: short plain strings concatenated, anything else through `JSON.stringify`. */
function quote(text: string): string {
  return text.length < 64 && !NEEDS_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text)
}

/**
 * `JSON.stringify` for a value the model leaves open (`z.any()`), or `ASK_ZOD` for a bigint and for
 * an object with its own `toJSON` (it is owed its key, which only the long way passes).
 */
function anyJson(value: unknown): string | undefined | typeof ASK_ZOD {
  if (value !== null && typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function' && toJSON !== Date.prototype.toJSON) return ASK_ZOD
  }
  try {
    return JSON.stringify(value)
  } catch {
    return ASK_ZOD
  }
}

/** Where a value is written: the whole body, an object's key, or an array's item. */
type Place = 'top' | 'key' | 'item'

class Generator extends SourceBuilder<z.ZodType> {
  /**
   * Statements that write the JSON of `v` (a variable) for `schema` into `o`, or return ASK. For a
   * key, `undefined` is not written at all (the caller handles absent keys before).
   */
  value(schema: z.ZodType, v: string, place: Place): string {
    return this.guard(
      schema,
      () => this.#value(schema, v, place),
      () => {
        throw UNSUPPORTED // recursive models take the long way
      },
    )
  }

  #value(schema: z.ZodType, v: string, place: Place): string {
    const def = defOf(schema) as Record<string, unknown> & { type: string }
    this.count()
    if (zodOnly(schema, def)) throw UNSUPPORTED
    const checks = (def.checks as unknown[] | undefined)?.length ?? 0
    switch (def.type) {
      case 'string': {
        const check = checks > 0 || typeof def.check === 'string' ? this.#check(schema, v) : ''
        return `if (typeof ${v} !== 'string') return ASK;\n${check}o += str(${v});`
      }
      case 'number': {
        const check = checks > 0 || typeof def.check === 'string' ? this.#check(schema, v) : ''
        return `if (typeof ${v} !== 'number' || !Number.isFinite(${v})) return ASK;\n${check}o += '' + ${v};`
      }
      case 'boolean':
        if (checks > 0) throw UNSUPPORTED
        return `if (${v} === true) o += 'true'; else if (${v} === false) o += 'false'; else return ASK;`
      case 'enum':
      case 'literal': {
        const values = (schema as unknown as { _zod: { values?: Set<unknown> } })._zod.values
        if (!values || checks > 0) throw UNSUPPORTED
        const written = new Map<unknown, string>()
        for (const value of values) {
          if (value === undefined || typeof value === 'bigint') throw UNSUPPORTED
          written.set(value, JSON.stringify(value))
        }
        const text = this.name('t')
        return `const ${text} = ${this.constant(written)}.get(${v});\nif (${text} === undefined) return ASK;\no += ${text};`
      }
      case 'null':
        return `if (${v} !== null) return ASK;\no += 'null';`
      case 'any':
      case 'unknown': {
        // An object's key writes these itself (whether to write the key depends on the value).
        if (place !== 'item') throw UNSUPPORTED
        const text = this.name('j')
        const absent = place === 'item' ? `o += 'null';` : ''
        return `const ${text} = any(${v});\nif (${text} === ASK) return ASK;\nif (${text} === undefined) { ${absent} } else o += ${text};`
      }
      case 'nullable':
        return `if (${v} === null) o += 'null';\nelse {\n${this.value(def.innerType as z.ZodType, v, place)}\n}`
      case 'optional': {
        // An object's key handles absence itself; in an array Zod keeps undefined, which JSON writes as null.
        if (place !== 'item') throw UNSUPPORTED
        return `if (${v} === undefined) o += 'null';\nelse {\n${this.value(def.innerType as z.ZodType, v, place)}\n}`
      }
      case 'array':
        return this.#array(schema, def, v)
      case 'object':
        return this.#object(def, v)
      default:
        throw UNSUPPORTED
    }
  }

  /**
   * A leaf's own checks (lengths, bounds, integer, pattern), through the fast path's compiled check.
   * A check that changes the value (`.trim()`, `.toLowerCase()`) sends it the long way.
   */
  #check(schema: z.ZodType, v: string): string {
    return `if (${this.constant(compiledCheck(schema))}(${v}) !== ${v}) return ASK;\n`
  }

  #array(_schema: z.ZodType, def: Record<string, unknown>, v: string): string {
    const items = this.name('a')
    const i = this.name('i')
    const item = this.name('e')
    const plan = lengthPlan(def)
    if (!plan) throw UNSUPPORTED
    const { min, max } = plan
    const lengths = [
      min > 0 ? `if (${v}.length < ${min}) return ASK;` : '',
      max !== Number.POSITIVE_INFINITY ? `if (${v}.length > ${max}) return ASK;` : '',
    ].join('\n')
    return [
      `if (!Array.isArray(${v})) return ASK;`,
      lengths,
      `const ${items} = ${v};`,
      `o += '[';`,
      `for (let ${i} = 0; ${i} < ${items}.length; ${i}++) {`,
      `if (${i} > 0) o += ',';`,
      `const ${item} = ${items}[${i}];`,
      this.value(def.element as z.ZodType, item, 'item'),
      `}`,
      `o += ']';`,
    ].join('\n')
  }

  #object(def: Record<string, unknown>, v: string): string {
    const shape = def.shape as Record<string, z.ZodType>
    if (((def.checks as unknown[] | undefined)?.length ?? 0) > 0) throw UNSUPPORTED
    if (Object.getOwnPropertySymbols(shape).length > 0) throw UNSUPPORTED
    const catchall = def.catchall as z.ZodType | undefined
    // Unknown keys stripped only: a strict or passthrough model takes the long way.
    if (catchall !== undefined) throw UNSUPPORTED
    const separator = this.name('s')
    const lines = [
      `if (typeof ${v} !== 'object' || ${v} === null || Array.isArray(${v})) return ASK;`,
      `let ${separator} = '{';`,
    ]
    for (const key of Object.keys(shape)) {
      if (key === '__proto__') throw UNSUPPORTED
      const field = shape[key]!
      const fieldDef = defOf(field) as Record<string, unknown> & { type: string }
      // Refined or exact optional keys, and anything else Zod must decide even when absent.
      if (zodOnly(field, fieldDef)) throw UNSUPPORTED
      const name = this.name('f')
      const head = `o += ${separator} + ${JSON.stringify(`${JSON.stringify(key)}:`)}; ${separator} = ',';`
      lines.push(`const ${name} = ${v}[${JSON.stringify(key)}];`)
      const open = (type: string) => type === 'any' || type === 'unknown'
      // A value the model leaves open: written as JSON.stringify writes it (a function: no key).
      const anyValue = [
        `const ${name}j = any(${name});`,
        `if (${name}j === ASK) return ASK;`,
        `if (${name}j !== undefined) { ${head} o += ${name}j; }`,
      ].join('\n')
      if (fieldDef.type === 'optional') {
        const inner = fieldDef.innerType as z.ZodType
        const innerDef = defOf(inner) as Record<string, unknown> & { type: string }
        const innerType = innerDef.type
        if (open(innerType) && zodOnly(inner, innerDef)) throw UNSUPPORTED
        // `.default()` inside `.optional()` fills the key in: the long way.
        if (innerType === 'default' || innerType === 'prefault') throw UNSUPPORTED
        if (open(innerType)) lines.push(`if (${name} !== undefined) {`, anyValue, `}`)
        else lines.push(`if (${name} !== undefined) {`, head, this.value(inner, name, 'key'), `}`)
      } else if (open(fieldDef.type)) {
        // (zodOnly above already sent refined any/unknown keys the long way.)
        // Zod wants the key there (an absent one is an error), even holding `undefined`.
        lines.push(`if (${name} === undefined) { if (!(${JSON.stringify(key)} in ${v})) return ASK; }`)
        lines.push(`else {`, anyValue, `}`)
      } else {
        lines.push(`if (${name} === undefined) return ASK;`, head, this.value(field, name, 'key'))
      }
    }
    lines.push(`o += ${separator} === '{' ? '{}' : '}';`)
    return lines.join('\n')
  }
}
