import { z } from 'zod'
import type { ValidationIssue } from '../errors.ts'
import { TandemConfigError } from '../errors.ts'
import type { ParameterLocation, ParameterSpec } from '../openapi/types.ts'
import { type FastField, missingValue, OMITTED, objectFields } from './closures.ts'
import { type Coercer, CoercionFailure, fieldCoercion } from './coerce.ts'
import { compilerGeneration } from './compiler.ts'
import { ASK_ZOD, fastParse } from './fast.ts'
import { generateFieldsCheck } from './generated.ts'
import { toValidationIssues } from './issues.ts'
import { acceptsMissing, defOf, isZodSchema, unwrap } from './schema.ts'

/** A plain shape of Zod schemas: `{ id: z.number() }`. */
export type Shape = Record<string, z.ZodType>

/** What a route or dependency declares for `params`, `query`, `headers`, `cookies` or `form`. */
export type ObjectInput = z.ZodObject | Shape

/** Where FastAPI's `loc` says an input came from. */
export type InputLocation = 'path' | 'query' | 'header' | 'cookie' | 'body'

/** Reads the raw value(s) of one wire name; `undefined` when absent. */
export type RawReader = (wire: string) => string | string[] | File | (string | File)[] | undefined

interface Field {
  key: string
  wire: string
  coerce: Coercer
  array: boolean
  set?: boolean
}

/**
 * The compiled validator of one input location: made once at registration from a declaration,
 * then run per request on the raw strings (coerced by target type, then validated by Zod).
 */
export class InputValidator {
  readonly location: InputLocation
  readonly schema: z.ZodObject
  /**
   * A `.strict()` object: a key it does not declare is an error (`extra_forbidden`), as a pydantic
   * model with `extra="forbid"`. The caller then passes the keys the request has to `validate`.
   */
  readonly strict: boolean
  readonly #fields: Field[]
  /** The declared wire names (lower-cased for headers), for `strict`. */
  readonly #wires: Set<string>
  readonly #splitLists: boolean
  /**
   * Each field's compiled check (as `#fields`), when every field is a single value and the fast
   * path knows the object: values are then checked one by one, without assembling an object first.
   */
  readonly #fast: readonly FastField[] | undefined

  constructor(
    location: InputLocation,
    input: ObjectInput,
    options: { wireName?: (key: string) => string; splitLists?: boolean } = {},
  ) {
    this.location = location
    this.#splitLists = options.splitLists ?? false
    this.schema = toObjectSchema(input, location)
    const shape = defOf(this.schema).shape as Shape
    const wireName = options.wireName ?? ((key: string) => key)
    this.#fields = Object.entries(shape).map(([key, schema]) => ({
      key,
      wire: wireName(key),
      ...fieldCoercion(schema),
    }))
    const catchall = defOf(this.schema).catchall as z.ZodType | undefined
    this.strict = catchall !== undefined && defOf(catchall).type === 'never'
    this.#wires = new Set(this.#fields.map((f) => (location === 'header' ? f.wire.toLowerCase() : f.wire)))
    const fast = this.#fields.some((field) => field.array) ? undefined : objectFields(this.schema)
    this.#fast = fast?.every((field, i) => field.key === this.#fields[i]!.key) ? fast : undefined
  }

  /** The generated form of the fast path (when an adapter provides a compiler), made on first use. */
  #generated: { generation: number; check: ((read: RawReader) => unknown) | undefined } | undefined

  #generatedCheck(fast: readonly FastField[]): ((read: RawReader) => unknown) | undefined {
    const generation = compilerGeneration()
    if (this.#generated?.generation !== generation) {
      const shape = defOf(this.schema).shape as Shape
      const specs = this.#fields.map((field) => ({ ...field, schema: shape[field.key]! }))
      this.#generated = { generation, check: generateFieldsCheck(specs, fast, CoercionFailure) }
    }
    return this.#generated.check
  }

  /** The OpenAPI parameters this validator reads (not for bodies and forms). */
  parameters(): ParameterSpec[] {
    const shape = defOf(this.schema).shape as Shape
    return this.#fields.map((field) => {
      const schema = shape[field.key]!
      const description = (schema as { description?: string }).description
      return {
        in: this.location as ParameterLocation,
        name: field.wire,
        schema,
        required: this.location === 'path' || !acceptsMissing(schema),
        ...(description ? { description } : {}),
      }
    })
  }

  /** The wire names of the fields, in declaration order. */
  wireNames(): string[] {
    return this.#fields.map((field) => field.wire)
  }

  /**
   * Reads, coerces and validates. Returns the parsed object, or `undefined` after pushing the
   * errors (FastAPI's shape, in declaration order, then the keys a strict object does not declare)
   * onto `issues`. `present`: the keys the request has, for a `strict` validator.
   */
  validate(read: RawReader, issues: ValidationIssue[], present?: Iterable<string>): unknown {
    if (present === undefined) return this.#validate(read, issues)
    let extras: ValidationIssue[] | undefined
    const seen = new Set<string>()
    for (const key of present) {
      if (this.#wires.has(key) || seen.has(key)) continue
      seen.add(key)
      const raw = read(key)
      const input = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw
      extras ??= []
      extras.push({
        type: 'extra_forbidden',
        loc: [this.location, key],
        msg: 'Extra inputs are not permitted',
        input,
      })
    }
    const value = this.#validate(read, issues)
    if (!extras) return value
    for (const issue of extras) issues.push(issue)
    return undefined
  }

  #validate(read: RawReader, issues: ValidationIssue[]): unknown {
    const fast = this.#fast
    if (fast) {
      const generated = this.#generatedCheck(fast)
      const valid = generated ? generated(read) : fastValidate(this.#fields, fast, read)
      if (valid !== ASK_ZOD) return valid
    }
    // No prototype: an optional field named toString or constructor must read as absent, not inherited.
    const record: Record<string, unknown> = Object.create(null)
    let failed: [order: number, issue: ValidationIssue][] | undefined
    const loc = this.location
    const fields = this.#fields
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f]!
      let raw = read(field.wire)
      if (raw === undefined) continue
      if (field.array) {
        if (typeof raw === 'string' && this.#splitLists) raw = raw.split(/,\s*/)
        const list = Array.isArray(raw) ? raw : [raw]
        const values: unknown[] = new Array(list.length)
        for (let i = 0; i < list.length; i++) {
          const item = list[i]!
          const value = typeof item === 'string' ? field.coerce(item) : item
          if (value instanceof CoercionFailure) {
            failed ??= []
            failed.push([f, { type: value.type, loc: [loc, field.wire, i], msg: value.msg, input: item }])
          }
          values[i] = value
        }
        record[field.key] = field.set ? new Set(values) : values
      } else {
        const item = Array.isArray(raw) ? raw[raw.length - 1]! : raw
        const value = typeof item === 'string' ? field.coerce(item) : item
        if (value instanceof CoercionFailure) {
          failed ??= []
          failed.push([f, { type: value.type, loc: [loc, field.wire], msg: value.msg, input: item }])
        }
        record[field.key] = value
      }
    }
    if (!failed) {
      const fast = fastParse(this.schema, record)
      if (fast !== ASK_ZOD) return fast
    }
    const result = this.schema.safeParse(record)
    if (result.success && !failed) return result.data
    const found = failed ?? []
    if (!result.success) {
      const coerced = new Set(found.map(([order]) => order))
      const converted = toValidationIssues(result.error.issues, {
        location: loc,
        input: record,
        schema: this.schema,
        missingInput: 'null',
      })
      for (const issue of converted) {
        const order = fields.findIndex((field) => field.key === issue.loc[1])
        if (coerced.has(order)) continue
        const field = fields[order]
        if (field) {
          issue.loc[1] = field.wire
          // FastAPI shows the value as sent (the string), not as converted.
          const raw = read(field.wire)
          const index = issue.loc[2]
          if (raw !== undefined && issue.loc.length === 2)
            issue.input = Array.isArray(raw) && !field.array ? raw.at(-1) : raw
          else if (Array.isArray(raw) && typeof index === 'number' && issue.loc.length === 3)
            issue.input = raw[index]
        }
        if (issue.type === 'missing') issue.input = null
        found.push([order === -1 ? fields.length : order, issue])
      }
    }
    // Declaration order, as FastAPI reports them (a stable sort keeps each field's own order).
    found.sort((a, b) => a[0] - b[0])
    for (const [, issue] of found) issues.push(issue)
    return undefined
  }
}

/**
 * The fast path's answer for single-valued fields: each value read, coerced and checked on its own,
 * in declaration order; `ASK_ZOD` as soon as one is not plainly valid (the caller then validates the
 * whole input the long way, which finds and reports every error).
 */
function fastValidate(fields: readonly Field[], fast: readonly FastField[], read: RawReader): unknown {
  const out: Record<string, unknown> = {}
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f]!
    const plan = fast[f]!
    const raw = read(field.wire)
    let value: unknown
    if (raw === undefined) {
      value = missingValue(plan)
      if (value === OMITTED) continue
    } else {
      const item = Array.isArray(raw) ? raw[raw.length - 1]! : raw
      const coerced = typeof item === 'string' ? field.coerce(item) : item
      value = coerced instanceof CoercionFailure ? ASK_ZOD : plan.check(coerced)
    }
    if (value === ASK_ZOD) return ASK_ZOD
    out[field.key] = value
  }
  return out
}

/** Accepts a `z.object(...)` or a plain shape; anything else is a declaration mistake. */
export function toObjectSchema(input: ObjectInput, location: string): z.ZodObject {
  if (isZodSchema(input)) {
    const inner = unwrap(input)
    if (defOf(inner).type !== 'object') {
      throw new TandemConfigError(
        `The ${location} declaration must be a z.object(...) or a plain shape like { id: z.number() }, ` +
          `got a Zod ${defOf(inner).type} schema. Wrap the fields in an object.`,
      )
    }
    return input as z.ZodObject
  }
  for (const [key, value] of Object.entries(input)) {
    if (!isZodSchema(value)) {
      throw new TandemConfigError(
        `The ${location} declaration's field "${key}" is not a Zod schema (got ${typeof value}). ` +
          `Declare it as a Zod schema, e.g. ${key}: z.string().`,
      )
    }
  }
  return z.object(input)
}
