import { z } from 'zod'
import type { SchemaObject } from './objects.ts'

/** Which side of a schema to describe: what a client sends (`input`) or what it gets (`output`). */
export type SchemaIO = 'input' | 'output'

/** One Zod schema as JSON Schema, its `$defs` taken out (refs still point at `#/$defs/...`). */
export interface ConvertedSchema {
  schema: SchemaObject
  defs: Record<string, SchemaObject>
}

/**
 * Converts a Zod schema to JSON Schema draft 2020-12 with `z.toJSONSchema`, never throwing on
 * types JSON Schema cannot express: a `Date` is an ISO 8601 string, a `bigint` an int64 integer, a
 * file a binary string with its media type, and anything else (transforms, custom checks, maps)
 * the empty schema `{}`, which allows every value. Schemas with an `id` in Zod's global registry
 * (`.meta({ id: 'Item' })`) come out as `$defs` entries under that id.
 *
 * @example
 * zodToJSONSchema(z.object({ at: z.date() }), 'input', 'the body of POST /events')
 * // { schema: { type: 'object', properties: { at: { type: 'string', format: 'date-time' } },
 * //   required: ['at'] }, defs: {} }
 */
export function zodToJSONSchema(schema: z.ZodType, io: SchemaIO, where: string): ConvertedSchema {
  let result: Record<string, unknown>
  try {
    result = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      cycles: 'ref',
      reused: 'inline',
      unrepresentable: ({ zodSchema }) => unrepresentable(zodSchema._zod.def.type),
      override: ({ zodSchema, jsonSchema }) => adjust(zodSchema._zod.def, jsonSchema, io),
    })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(
      `OpenAPI: the JSON Schema of ${where} could not be generated (${reason}). ` +
        'Simplify that schema, or give the parts Zod cannot describe a JSON Schema with .meta({ ... }).',
    )
  }
  const { $schema: _, $defs, ...rest } = result
  return { schema: rest, defs: ($defs ?? {}) as Record<string, SchemaObject> }
}

/** What to write for a Zod type JSON Schema has no word for. */
function unrepresentable(type: string): SchemaObject | 'any' {
  if (type === 'date') return { type: 'string', format: 'date-time' }
  if (type === 'bigint') return { type: 'integer', format: 'int64' }
  return 'any'
}

const SAFE_BOUNDS: [keyword: string, value: number][] = [
  ['minimum', Number.MIN_SAFE_INTEGER],
  ['maximum', Number.MAX_SAFE_INTEGER],
]

/** Tandem's touches on Zod's output, applied to every schema node. */
function adjust(def: { type: string; catchall?: unknown }, json: SchemaObject, io: SchemaIO): void {
  if (def.type === 'file') {
    // OpenAPI 3.1 describes an uploaded file by its media type; `format: binary` is what Swagger UI
    // and most generators still look for, so both are kept. `contentEncoding: binary` says nothing.
    delete json.contentEncoding
    if (json.contentMediaType === undefined && json.anyOf === undefined) {
      json.contentMediaType = 'application/octet-stream'
    }
  }
  if (def.type === 'object' && io === 'output' && def.catchall === undefined) {
    // A stripping object never outputs unknown keys, but saying so makes every model used both ways
    // two components (`-Input`/`-Output`) where FastAPI shows one.
    if (json.additionalProperties === false) delete json.additionalProperties
  }
  if (json.type === 'integer') {
    // Zod bounds every `.int()` to the safe integers; FastAPI documents a plain `int` without bounds.
    for (const [keyword, value] of SAFE_BOUNDS) if (json[keyword] === value) delete json[keyword]
  }
}
