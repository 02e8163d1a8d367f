import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App } from '../index.ts'
import { setCodeCompiler } from './compiler.ts'
import { ASK_ZOD } from './fast.ts'
import { sharedTree, ZOD_ONLY_CASES } from './fixtures.ts'
import { compileWriter } from './writer.ts'

const compile = (parameters: readonly string[], body: string) =>
  new Function(...parameters, body) as (...args: unknown[]) => unknown

const Line = z.object({ sku: z.string().min(1).max(8), quantity: z.number().int().min(1), total: z.number() })
const models = {
  order: z.object({
    id: z.number().int(),
    status: z.enum(['accepted', 'held']),
    name: z.string(),
    code: z.string().regex(/^[A-Z]{2}$/),
    shipTo: z.object({ city: z.string(), country: z.string().length(2) }),
    gift: z.boolean(),
    notes: z.string().optional(),
    lines: z.array(Line).max(3).optional(),
    rank: z.number().min(0).max(10).nullable(),
    kind: z.literal([1, true, null, 'x']),
    extra: z.any(),
    open: z.unknown().optional(),
    tags: z.array(z.string().optional()),
  }),
  list: z.array(z.object({ a: z.number(), b: z.string().nullable() })).min(1),
  nullableTop: z.object({ a: z.number() }).nullable(),
}

/** Valid values of each model, from which the mutations start. */
const seeds: Record<keyof typeof models, unknown[]> = {
  order: [
    {
      id: 1,
      status: 'accepted',
      name: 'Zoë "Q" \\ \n 😀',
      code: 'FR',
      shipTo: { city: 'Paris', country: 'FR', street: 'hidden' },
      gift: false,
      notes: 'x'.repeat(70),
      lines: [{ sku: 'A', quantity: 2, total: 3.5, secret: 1 }],
      rank: null,
      kind: 1,
      extra: { deep: [1, 'two', null] },
      open: 'o',
      tags: ['a', undefined],
      secret: 'never written',
    },
    {
      id: -0,
      status: 'held',
      name: '',
      code: 'DE',
      shipTo: { city: '\ud800', country: 'DE' },
      gift: true,
      rank: 10,
      kind: null,
      extra: undefined,
      tags: [],
    },
  ],
  list: [
    [
      { a: 1e21, b: null },
      { a: -1.5, b: 'b' },
    ],
  ],
  nullableTop: [null, { a: 2 }],
}

const replacements = [
  undefined,
  null,
  0,
  -1,
  2.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 60,
  '',
  'FR',
  'toolongvalue',
  'x"y',
  '\u0007',
  true,
  [],
  {},
  [1],
  () => 1,
  Symbol('s'),
]

/** Every value one change away from `value`: each key or item replaced, removed or added to. */
function mutations(value: unknown, depth = 0): unknown[] {
  if (depth > 3 || value === null || typeof value !== 'object') return []
  const out: unknown[] = []
  if (Array.isArray(value)) {
    out.push([...value, value[0]], value.slice(1))
    value.forEach((item, i) => {
      for (const next of [...replacements, ...mutations(item, depth + 1)])
        out.push(value.map((x, j) => (j === i ? next : x)))
    })
    return out
  }
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    const { [key]: _removed, ...rest } = record
    out.push(rest)
    for (const next of [...replacements, ...mutations(record[key], depth + 1)])
      out.push({ ...record, [key]: next })
  }
  return out
}

describe('compiled response writers', () => {
  beforeAll(() => setCodeCompiler(compile))
  afterAll(() => setCodeCompiler(undefined))

  it('write exactly JSON.stringify(model.parse(value)), and refuse only what Zod refuses', () => {
    for (const [name, model] of Object.entries(models) as [keyof typeof models, z.ZodType][]) {
      const write = compileWriter(model)
      expect(write, name).toBeDefined()
      let written = 0
      for (const seed of seeds[name]) {
        for (const value of [seed, ...mutations(seed)]) {
          const text = write!(value)
          const parsed = model.safeParse(value)
          const expected = parsed.success ? JSON.stringify(parsed.data) : ASK_ZOD
          expect([name, value, text]).toEqual([name, value, expected])
          if (text !== ASK_ZOD) written++
        }
      }
      expect(written, name).toBeGreaterThan(name === 'nullableTop' ? 3 : 10)
    }
  })

  it('leave models with parts they cannot write to the long way', () => {
    for (const model of [
      z.object({ a: z.string() }).strict(),
      z.object({ a: z.string() }).loose(),
      z.object({ a: z.string().default('x') }),
      z.object({ a: z.string().trim() }),
      z.object({ a: z.date() }),
      z.object({ a: z.union([z.string(), z.number()]) }),
      z.object({ a: z.bigint() }),
      z.string().optional(),
      z.object({ a: z.string() }).refine(() => true),
    ]) {
      const write = compileWriter(model)
      // Either no writer, or one that answers exactly as Zod for a value Zod changes or refuses.
      if (write) expect(write({ a: ' x ' })).toBe(ASK_ZOD)
    }
  })

  it('leave refinements, exact optionals, NaN bounds and toJSON(key) to Zod, as it answers', () => {
    for (const [model, value] of ZOD_ONLY_CASES) {
      const write = compileWriter(model)
      const text = write ? write(value) : ASK_ZOD
      const parsed = model.safeParse(value)
      const expected = parsed.success ? JSON.stringify(parsed.data) : ASK_ZOD
      // Either the long way, or exactly what it would give.
      if (text !== ASK_ZOD) expect(text).toBe(expected)
      if (!parsed.success) expect(text).toBe(ASK_ZOD)
    }
  })

  it('give up on a model too large to write out (a schema shared many times over)', () => {
    // Given up by its node budget: written out path by path, it would not finish within the timeout.
    expect(compileWriter(sharedTree(20))).toBeUndefined()
  })

  it('make no writer without a compiler', () => {
    setCodeCompiler(undefined)
    expect(compileWriter(models.order)).toBeUndefined()
    setCodeCompiler(compile)
  })

  it('answer through the app exactly as without them, errors included', async () => {
    const app = new App({ logger: { error() {}, warn() {} } })
    app.post(
      '/echo',
      { body: z.object({ value: z.unknown() }), response: models.order },
      // The handler returns whatever came: the response model decides.
      ({ body }) => body.value as z.infer<typeof models.order>,
    )
    // Values that survive the trip through JSON (no undefined, functions or lone surrogates).
    const seed = { ...(seeds.order[0] as object), tags: ['a'], shipTo: { city: 'Lyon', country: 'FR' } }
    const values = [seed, ...mutations(seed).filter((_, i) => i % 3 === 0)]
    const send = async (value: unknown) => {
      const res = await app.request('/echo', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value }),
      })
      return [res.status, await res.text()]
    }
    const compiled = []
    for (const value of values) compiled.push(await send(value))
    setCodeCompiler(undefined)
    for (const [i, value] of values.entries()) expect(await send(value)).toEqual(compiled[i])
    setCodeCompiler(compile)
    expect(compiled.filter(([status]) => status === 200).length).toBeGreaterThan(5)
  })
})
