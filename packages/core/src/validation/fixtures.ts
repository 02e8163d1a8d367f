// Schemas the fast path and the response writers must leave to Zod (or answer exactly as Zod), shared
// by their tests: each pair is a schema and a value on which a shortcut would go wrong.
import { z } from 'zod'

/** Refinements on types whose checks the shortcuts read, exact optionals, NaN bounds, toJSON(key). */
export const ZOD_ONLY_CASES: [z.ZodType, unknown][] = [
  [z.object({ a: z.boolean().refine((b) => b) }), { a: false }],
  [
    z.object({
      a: z
        .string()
        .optional()
        .refine((s) => s !== 'bad'),
    }),
    { a: 'bad' },
  ],
  [
    z.object({
      a: z
        .string()
        .optional()
        .refine((s) => s !== undefined),
    }),
    {},
  ],
  [
    z.object({
      a: z
        .string()
        .nullable()
        .refine((s) => s !== null),
    }),
    { a: null },
  ],
  [
    z.object({
      a: z
        .number()
        .default(1)
        .refine((n) => n > 5),
    }),
    {},
  ],
  [z.object({ a: z.any().refine((x) => x !== 1) }), { a: 1 }],
  [z.object({ a: z.string().exactOptional() }), { a: undefined }],
  [z.array(z.string().exactOptional()), [undefined]],
  [z.string().min(Number.NaN), 'x'],
  [z.array(z.number()).max(Number.NaN), []],
  [z.object({ a: z.array(z.number()).max(Number.NaN) }), { a: [] }],
  [z.number().lt(Number.NaN), 1],
  [z.object({ a: z.number().min(Number.NaN) }), { a: 1 }],
  [z.object({ a: z.any() }), { a: { toJSON: (key: string) => `key=${key}` } }],
  [z.array(z.unknown()), [{ toJSON: (key: string) => `key=${key}` }]],
]

/** An object schema shared twice at each of `depth` levels: `depth + 1` schemas, 2^depth paths. */
export function sharedTree(depth: number): z.ZodType {
  let shared: z.ZodType = z.object({ leaf: z.number() })
  for (let i = 0; i < depth; i++) shared = z.object({ l: shared, r: shared })
  return shared
}
