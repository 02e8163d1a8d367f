import type { ValidationIssue } from '../errors.ts'

/**
 * JSON bodies: parsed with the runtime's `JSON.parse` (fast path); on failure a small scanner finds
 * where and why, in Python's `json` terms (FastAPI reports `loc: ["body", offset]`). Keys that could
 * pollute prototypes (`__proto__`, `constructor.prototype`) are refused.
 */

export type JsonResult = { ok: true; value: unknown } | { ok: false; issue: ValidationIssue }

/** Parses a JSON body, returning the value or a FastAPI-shaped `json_invalid` / prototype issue. */
export function parseJsonBody(text: string): JsonResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    const [offset, error] = locateJsonError(text)
    return { ok: false, issue: jsonInvalid(text, offset, error) }
  }
  // Nesting is bounded (deeper input would exhaust the stack of validators and serializers); only a
  // body long enough to nest that deep is scanned.
  if (text.length > 2 * MAX_DEPTH) {
    const deep = tooDeep(text)
    if (deep !== -1) {
      return { ok: false, issue: jsonInvalid(text, deep, `Nesting too deep (more than ${MAX_DEPTH} levels)`) }
    }
  }
  if (text.includes('__proto__') || text.includes('prototype') || text.includes('\\u')) {
    const path = findPollution(value, [])
    if (path) {
      return {
        ok: false,
        issue: {
          type: 'value_error',
          loc: ['body', ...path],
          msg: `Value error, the key "${path.at(-1)}" is not allowed in request bodies (it could pollute object prototypes)`,
          input: null,
        },
      }
    }
  }
  return { ok: true, value }
}

function jsonInvalid(text: string, offset: number, error: string): ValidationIssue {
  // Python counts characters (code points), JavaScript UTF-16 units: count as FastAPI does.
  let chars = offset
  for (let i = 0; i < offset && i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code >= 0xd800 && code <= 0xdbff) chars--
  }
  return { type: 'json_invalid', loc: ['body', chars], msg: 'JSON decode error', input: {}, ctx: { error } }
}

/** The offset where nesting passes `MAX_DEPTH`, or -1. Strings are skipped. */
function tooDeep(text: string): number {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return i
    } else if (c === 125 || c === 93) depth--
  }
  return -1
}

/**
 * The path to the first `__proto__` key (or `constructor.prototype`) in a parsed body, or
 * undefined. One path stack for the whole walk, copied only when something is found, and scalars
 * skipped before any work: linear in the body's size whatever its depth.
 */
function findPollution(value: unknown, path: (string | number)[]): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object') return undefined
  if (path.length > MAX_DEPTH) return [...path]
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i]
      if (item === null || typeof item !== 'object') continue
      path.push(i)
      const found = findPollution(item, path)
      path.pop()
      if (found) return found
    }
    return undefined
  }
  const record = value as Record<string, unknown>
  if (Object.hasOwn(record, '__proto__')) return [...path, '__proto__']
  if (Object.hasOwn(record, 'constructor')) {
    const ctor = record.constructor
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype'))
      return [...path, 'constructor', 'prototype']
  }
  for (const key of Object.keys(record)) {
    const item = record[key]
    if (item === null || typeof item !== 'object') continue
    path.push(key)
    const found = findPollution(item, path)
    path.pop()
    if (found) return found
  }
  return undefined
}

/** The deepest nesting a JSON body may have. */
export const MAX_DEPTH = 512
const WS = new Set([' ', '\t', '\n', '\r'])

/** Finds the character offset and Python-style reason of the first JSON syntax error in `text`. */
export function locateJsonError(text: string): [number, string] {
  let i = 0
  const fail = (at: number, why: string): never => {
    throw [at, why]
  }
  const skip = () => {
    while (i < text.length && WS.has(text[i]!)) i++
  }
  const string = () => {
    const start = i
    i++
    while (i < text.length) {
      const ch = text[i]!
      if (ch === '"') {
        i++
        return
      }
      if (ch === '\\') {
        const next = text[i + 1]
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i, 'Invalid \\uXXXX escape')
          i += 6
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2
        else fail(i, 'Invalid \\escape')
        continue
      }
      if (ch.charCodeAt(0) < 0x20) fail(i, 'Invalid control character at')
      i++
    }
    fail(start, 'Unterminated string starting at')
  }
  let depth = 0
  const value = (): void => {
    if (++depth > MAX_DEPTH) fail(i, 'Nesting too deep')
    skip()
    const ch = text[i]
    if (ch === '{') {
      i++
      skip()
      if (text[i] === '}') {
        i++
        depth--
        return
      }
      for (;;) {
        skip()
        if (text[i] !== '"') fail(i, 'Expecting property name enclosed in double quotes')
        string()
        skip()
        if (text[i] !== ':') fail(i, "Expecting ':' delimiter")
        i++
        value()
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          depth--
          return
        }
        fail(i, "Expecting ',' delimiter")
      }
    }
    if (ch === '[') {
      i++
      skip()
      if (text[i] === ']') {
        i++
        depth--
        return
      }
      for (;;) {
        value()
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          depth--
          return
        }
        fail(i, "Expecting ',' delimiter")
      }
    }
    depth--
    if (ch === '"') {
      string()
      return
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 400),
    )
    if (!literal) fail(i, 'Expecting value')
    i += literal![0].length
  }
  try {
    value()
    skip()
    if (i < text.length) fail(i, 'Extra data')
    return [text.length, 'Expecting value']
  } catch (error) {
    if (Array.isArray(error)) return error as [number, string]
    throw error
  }
}
