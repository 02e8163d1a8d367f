import type { z } from 'zod'

/**
 * Zod 4 introspection helpers, used once at registration (never per request) to see what a
 * schema expects underneath its wrappers.
 */

type Def = { type: string; [key: string]: unknown }

/** True for a Zod 4 schema (recognised by its internals, so a second copy of Zod still counts). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value
}

/** The internal definition of a Zod 4 schema. */
export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def
}

/**
 * True when the schema accepts a missing value (`.optional()`, `.default()`, `.prefault()`...): Zod
 * marks those `optin` "optional", or "defaulted" when a default fills the gap.
 */
export function acceptsMissing(schema: z.ZodType): boolean {
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin !== undefined
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional'])

/** Strips wrappers (optional, nullable, default, catch, readonly, the input side of a pipe, lazy). */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(current)
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType
    else if (def.type === 'pipe') current = def.in as z.ZodType
    else if (def.type === 'lazy') current = (def.getter as () => z.ZodType)()
    else return current
  }
  return current
}

/** True for an integer number schema (`z.int()`, `z.number().int()`). */
export function isIntegerSchema(schema: z.ZodType): boolean {
  const def = defOf(schema)
  if (def.type !== 'number') return false
  if (typeof def.format === 'string' && /int/.test(def.format)) return true
  const checks = (def.checks ?? []) as { _zod: { def: { check?: string; format?: string } } }[]
  return checks.some((c) => c._zod.def.check === 'number_format' && /int/.test(c._zod.def.format ?? ''))
}

/**
 * The schema found at `path` inside `schema` (object keys, array items, tuple items, record values),
 * or undefined. Used to describe validation errors precisely.
 */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema
  for (const key of path) {
    if (!current) return undefined
    const def = defOf(unwrap(current))
    if (def.type === 'object') current = (def.shape as Record<string, z.ZodType>)[String(key)]
    else if (def.type === 'array') current = def.element as z.ZodType
    else if (def.type === 'tuple')
      current = (def.items as z.ZodType[])[Number(key)] ?? (def.rest as z.ZodType | undefined)
    else if (def.type === 'record') current = def.valueType as z.ZodType
    else return undefined
  }
  return current
}
