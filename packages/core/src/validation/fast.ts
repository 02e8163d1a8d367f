import type { z } from 'zod'
import { type Check, closureCheck } from './closures.ts'
import { canCompile, compilerGeneration } from './compiler.ts'
import { generateCheck } from './generated.ts'

/**
 * The validation fast path's entry: a Zod schema's check, made once per schema from its plans
 * (`plan.ts`), as generated code when an adapter provides a compiler (`generated.ts`) or as closures
 * (`closures.ts`). A check answers the parsed value (exactly Zod's output) or `ASK_ZOD`, and then
 * Zod decides, so errors and edge cases stay Zod's.
 */

export { ASK_ZOD, type Check } from './closures.ts'

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
