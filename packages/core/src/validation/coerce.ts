import type { z } from 'zod'
import { defOf, isIntegerSchema, unwrap } from './schema.ts'

/** A string from the URL, a header, a cookie or a form that cannot become the declared type. */
export class CoercionFailure {
  constructor(
    readonly type: string,
    readonly msg: string,
  ) {}
}

/** Turns one raw string into the schema's target type, or a `CoercionFailure`. */
export type Coercer = (raw: string) => unknown

const INTEGER = /^\s*[+-]?\d+\s*$/
const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/i
const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

const INT_FAIL = new CoercionFailure(
  'int_parsing',
  'Input should be a valid integer, unable to parse string as an integer',
)
const NUMBER_FAIL = new CoercionFailure(
  'float_parsing',
  'Input should be a valid number, unable to parse string as a number',
)
const BOOL_FAIL = new CoercionFailure(
  'bool_parsing',
  'Input should be a valid boolean, unable to interpret input',
)
const DATE_FAIL = new CoercionFailure(
  'date_parsing',
  'Input should be a valid date or datetime in ISO 8601 format (2026-11-22 or 2026-11-22T10:00:00Z)',
)
const FINITE_FAIL = new CoercionFailure('finite_number', 'Input should be a finite number')

const toInteger: Coercer = (raw) => (INTEGER.test(raw) ? finite(Number(raw)) : INT_FAIL)
const toNumber: Coercer = (raw) => (NUMBER.test(raw) ? finite(Number(raw)) : NUMBER_FAIL)
/** `1e400` parses, to Infinity: refused as pydantic refuses it. */
const finite = (n: number) => (Number.isFinite(n) ? n : FINITE_FAIL)
const toBigInt: Coercer = (raw) => (INTEGER.test(raw) ? BigInt(raw.trim()) : INT_FAIL)
const toBoolean: Coercer = (raw) => {
  const lower = raw.toLowerCase()
  return TRUE.has(lower) ? true : FALSE.has(lower) ? false : BOOL_FAIL
}
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const daysIn = (year: number, month: number) =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS[month - 1]!
const toDate: Coercer = (raw) => {
  const parts = ISO_DATE.exec(raw)
  if (!parts) return DATE_FAIL
  // new Date() moves an impossible day to the next month (2026-02-30 is March 2nd): refuse it, as
  // pydantic does, with the clock's and the offset's fields out of range.
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = parts.map(Number)
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!)) return DATE_FAIL
  if (hour! > 23 || minute! > 59 || second! > 59 || offsetHours! > 23 || offsetMinutes! > 59) return DATE_FAIL
  const date = new Date(raw)
  return Number.isNaN(date.getTime()) ? DATE_FAIL : date
}
const keep: Coercer = (raw) => raw

/** A literal or enum of numbers or booleans takes its values from strings too. */
function literalCoercer(values: unknown[]): Coercer {
  const byString = new Map(values.map((value) => [String(value), value]))
  return (raw) => (byString.has(raw) ? byString.get(raw) : raw)
}

/** How the values of one field are read from strings: its coercer, and whether it takes every occurrence. */
export interface FieldCoercion {
  coerce: Coercer
  array: boolean
  /** The values are collected into a `Set` (a `z.set()` schema). */
  set?: boolean
}

/**
 * Analyses a field's schema once and returns how to coerce its raw strings: number, integer,
 * boolean, bigint, date, enum/literal, and arrays of these (from repeated keys), through wrappers.
 * `z.coerce.*` schemas and strings are left to Zod.
 */
export function fieldCoercion(schema: z.ZodType): FieldCoercion {
  const inner = unwrap(schema)
  const def = defOf(inner)
  if (def.type === 'array') return { coerce: scalarCoercer(def.element as z.ZodType), array: true }
  if (def.type === 'set') return { coerce: scalarCoercer(def.valueType as z.ZodType), array: true, set: true }
  return { coerce: scalarCoercer(inner), array: false }
}

function scalarCoercer(schema: z.ZodType): Coercer {
  const inner = unwrap(schema)
  const def = defOf(inner)
  if (def.coerce) return keep
  switch (def.type) {
    case 'number':
      return isIntegerSchema(inner) ? toInteger : toNumber
    case 'boolean':
      return toBoolean
    case 'bigint':
      return toBigInt
    case 'date':
      return toDate
    case 'literal':
      return literalCoercer(def.values as unknown[])
    case 'enum':
      return literalCoercer(Object.values(def.entries as Record<string, unknown>))
    case 'union': {
      const options = (def.options as z.ZodType[]).map(scalarCoercer)
      return (raw) => {
        for (const option of options) {
          const value = option(raw)
          if (!(value instanceof CoercionFailure) && value !== raw) return value
        }
        return raw
      }
    }
    default:
      return keep
  }
}
