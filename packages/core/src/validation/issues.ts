import type { z } from 'zod'
import type { ValidationIssue } from '../errors.ts'
import { isIntegerSchema, schemaAt, unwrap } from './schema.ts'

/**
 * Translates Zod issues into FastAPI's (pydantic's) error shape: the same `type` names and `msg`
 * texts where FastAPI has them, `loc` prefixed with the input's location, `input` the offending
 * value (for a missing field: `null` for parameters, the enclosing object for bodies).
 */

type ZodIssue = z.core.$ZodIssue

const TYPE_NAMES: Record<string, [string, string]> = {
  number: ['float_type', 'Input should be a valid number'],
  int: ['int_type', 'Input should be a valid integer'],
  bigint: ['int_type', 'Input should be a valid integer'],
  string: ['string_type', 'Input should be a valid string'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  array: ['list_type', 'Input should be a valid list'],
  tuple: ['tuple_type', 'Input should be a valid tuple'],
  set: ['set_type', 'Input should be a valid set'],
  object: ['dict_type', 'Input should be a valid dictionary'],
  record: ['dict_type', 'Input should be a valid dictionary'],
  map: ['dict_type', 'Input should be a valid dictionary'],
  date: ['date_type', 'Input should be a valid date'],
  null: ['none_required', 'Input should be None'],
  file: ['file_type', 'Input should be a valid file upload'],
  nan: ['float_type', 'Input should be a valid number'],
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function quoteList(values: readonly unknown[]): string {
  const quoted = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)))
  if (quoted.length <= 1) return quoted.join('')
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}

function valueAt(
  root: unknown,
  path: readonly PropertyKey[],
): { value: unknown; parent: unknown; present: boolean } {
  let parent: unknown
  let value = root
  let present = true
  for (const key of path) {
    parent = value
    if (value !== null && typeof value === 'object' && Object.hasOwn(value, key as PropertyKey)) {
      value = (value as Record<PropertyKey, unknown>)[key as PropertyKey]
    } else {
      value = undefined
      present = false
    }
  }
  return { value, parent, present }
}

interface IssueContext {
  /** `path`, `query`, `header`, `cookie` or `body`. */
  location: string
  /** What was validated (the coerced record, or the parsed body). */
  input: unknown
  /** The schema that was validated, to describe type errors precisely. */
  schema: z.ZodType
  /** Whether the root of `loc` is the location itself (a body) or a field name in it (parameters). */
  missingInput: 'null' | 'parent'
}

/** Converts one Zod issue (recursing into unions' first branch) into FastAPI-shaped issues. */
export function toValidationIssues(issues: readonly ZodIssue[], ctx: IssueContext): ValidationIssue[] {
  const out: ValidationIssue[] = []
  for (const issue of issues) convert(issue, ctx, out)
  return out
}

function convert(issue: ZodIssue, ctx: IssueContext, out: ValidationIssue[]): void {
  const path = issue.path as PropertyKey[]
  const loc = [ctx.location, ...path.map((p) => (typeof p === 'number' ? p : String(p)))]
  const { value, parent, present } = valueAt(ctx.input, path)
  const push = (type: string, msg: string, extra?: Record<string, unknown>, input: unknown = value) => {
    out.push(extra ? { type, loc, msg, input, ctx: extra } : { type, loc, msg, input })
  }
  switch (issue.code) {
    case 'invalid_type': {
      if (!present || value === undefined) {
        push('missing', 'Field required', undefined, ctx.missingInput === 'null' ? null : (parent ?? null))
        return
      }
      let expected: string = issue.expected
      if (
        (expected === 'number' || expected === 'int') &&
        typeof value === 'number' &&
        !Number.isFinite(value)
      ) {
        // 1e400 in a JSON body parses to Infinity, which JSON cannot show: the input says it in words.
        push('finite_number', 'Input should be a finite number', undefined, String(value))
        return
      }
      const target = schemaAt(ctx.schema, path)
      if (expected === 'number' && target && isIntegerSchema(unwrap(target))) expected = 'int'
      if (expected === 'object' && path.length === 0 && ctx.location === 'body') {
        push('model_attributes_type', 'Input should be a valid dictionary or object to extract fields from')
        return
      }
      const [type, msg] = TYPE_NAMES[expected] ?? ['value_error', `Input should be a valid ${expected}`]
      push(type, msg)
      return
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small'
      const limit = Number(small ? issue.minimum : issue.maximum)
      const origin = issue.origin as string
      if (origin === 'string') {
        if (small)
          push('string_too_short', `String should have at least ${plural(limit, 'character')}`, {
            min_length: limit,
          })
        else
          push('string_too_long', `String should have at most ${plural(limit, 'character')}`, {
            max_length: limit,
          })
      } else if (origin === 'array' || origin === 'set' || origin === 'file') {
        const actual = Array.isArray(value) ? value.length : value instanceof Set ? value.size : undefined
        const what = origin === 'file' ? 'File' : 'List'
        const unit = origin === 'file' ? 'byte' : 'item'
        const after = actual === undefined ? '' : ` after validation, not ${actual}`
        if (small)
          push('too_short', `${what} should have at least ${plural(limit, unit)}${after}`, {
            field_type: what,
            min_length: limit,
            actual_length: actual,
          })
        else
          push('too_long', `${what} should have at most ${plural(limit, unit)}${after}`, {
            field_type: what,
            max_length: limit,
            actual_length: actual,
          })
      } else {
        const inclusive = issue.inclusive !== false
        const shown = origin === 'date' ? new Date(limit).toISOString() : limit
        if (small && inclusive)
          push('greater_than_equal', `Input should be greater than or equal to ${shown}`, { ge: shown })
        else if (small) push('greater_than', `Input should be greater than ${shown}`, { gt: shown })
        else if (inclusive)
          push('less_than_equal', `Input should be less than or equal to ${shown}`, { le: shown })
        else push('less_than', `Input should be less than ${shown}`, { lt: shown })
      }
      return
    }
    case 'invalid_value': {
      const expected = quoteList(issue.values)
      if (issue.values.length === 1) push('literal_error', `Input should be ${expected}`, { expected })
      else push('enum', `Input should be ${expected}`, { expected })
      return
    }
    case 'invalid_format': {
      const format = issue.format
      if (format === 'regex') {
        const pattern = String((issue as { pattern?: unknown }).pattern ?? '').replace(
          /^\/(.*)\/[a-z]*$/,
          '$1',
        )
        push('string_pattern_mismatch', `String should match pattern '${pattern}'`, { pattern })
      } else if (format === 'email')
        push('value_error', 'value is not a valid email address', { reason: issue.message })
      else if (format === 'url') push('url_parsing', 'Input should be a valid URL')
      else if (format.startsWith('uuid') || format === 'guid')
        push('uuid_parsing', 'Input should be a valid UUID')
      else if (format === 'datetime') push('datetime_from_date_parsing', 'Input should be a valid datetime')
      else if (format === 'date') push('date_from_datetime_parsing', 'Input should be a valid date')
      else if (format === 'starts_with' || format === 'ends_with' || format === 'includes')
        push(
          'string_pattern_mismatch',
          `String should be ${issue.message.replace(/^Invalid string: must /, '')}`,
        )
      else push('value_error', `Value error, ${issue.message}`, { format })
      return
    }
    case 'not_multiple_of':
      push('multiple_of', `Input should be a multiple of ${issue.divisor}`, { multiple_of: issue.divisor })
      return
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        const keyValue = valueAt(ctx.input, [...path, key]).value
        out.push({
          type: 'extra_forbidden',
          loc: [...loc, key],
          msg: 'Extra inputs are not permitted',
          input: keyValue,
        })
      }
      return
    case 'invalid_union': {
      const branches = (issue as { errors?: ZodIssue[][] }).errors ?? []
      if (branches.length === 0) {
        push('union_tag_invalid', issue.message)
        return
      }
      for (const branch of branches) {
        for (const inner of branch)
          convert({ ...inner, path: [...path, ...inner.path] } as ZodIssue, ctx, out)
      }
      return
    }
    case 'invalid_key':
    case 'invalid_element': {
      const inner = (issue as { issues?: ZodIssue[] }).issues ?? []
      for (const child of inner) convert({ ...child, path: [...path, ...child.path] } as ZodIssue, ctx, out)
      return
    }
    default:
      push('value_error', `Value error, ${issue.message}`)
  }
}
