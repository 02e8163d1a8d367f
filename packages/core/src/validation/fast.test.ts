import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { setCodeCompiler } from './compiler.ts'
import { ASK_ZOD, fastParse } from './fast.ts'
import { sharedTree, ZOD_ONLY_CASES } from './fixtures.ts'

// The fast path's promise: whatever it accepts, Zod accepts with the very same output (same keys,
// same order, same `undefined` keys); everything else is left to Zod. Checked by comparing both on
// valid samples and on thousands of mutations of them.

/** Same value, same own keys in the same order, recursively. */
function sameOutput(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false
  return ka.every((k) => sameOutput((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const JUNK: unknown[] = [
  undefined,
  null,
  '',
  'x',
  'é',
  '😀',
  '😀😀',
  'a'.repeat(40),
  0,
  -0,
  1,
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  [],
  [1],
  ['a'],
  {},
  { a: 1 },
  'EUR',
  'FR',
  7,
  100,
  101,
]

/** A copy of `value` with one random change somewhere inside. */
function mutate(value: unknown, next: () => number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  if (value === null || typeof value !== 'object' || next() < 0.25) return pick(JUNK)
  if (Array.isArray(value)) {
    const copy = [...value]
    const roll = next()
    if (roll < 0.2 && copy.length > 0) copy.pop()
    else if (roll < 0.4) copy.push(pick(JUNK))
    else if (copy.length > 0) {
      const i = Math.floor(next() * copy.length)
      copy[i] = mutate(copy[i], next)
    }
    return copy
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  const keys = Object.keys(copy)
  const roll = next()
  if (roll < 0.15 && keys.length > 0) delete copy[pick(keys)]
  else if (roll < 0.25) copy[pick(['extra', 'constructor', 'toString', '__proto__'])] = pick(JUNK)
  else if (roll < 0.3 && keys.length > 0) copy[pick(keys)] = undefined
  else if (keys.length > 0) {
    const key = pick(keys)
    copy[key] = mutate(copy[key], next)
  }
  return copy
}

const Address = z.object({
  street: z.string().min(1).max(200),
  city: z.string().min(1).max(100),
  postalCode: z.string().min(2).max(12),
  country: z.string().length(2),
})
const Order = z.object({
  customerId: z.number().int().min(1),
  customerName: z.string().min(1).max(100),
  currency: z.enum(['EUR', 'USD', 'GBP']),
  priority: z.number().int().min(0).max(9),
  giftWrap: z.boolean(),
  tags: z.array(z.string().max(32)).max(10),
  shippingAddress: Address,
  items: z
    .array(z.object({ sku: z.string().min(1), quantity: z.int().gt(0).lte(100), unitPrice: z.number() }))
    .min(1),
  notes: z.string().max(500).optional(),
  channel: z.literal(['web', 'app']).default('web'),
  coupon: z.string().nullable().optional(),
  meta: z.looseObject({ source: z.string().optional() }).optional(),
})
const order = {
  customerId: 1001,
  customerName: 'Ada',
  currency: 'EUR',
  priority: 3,
  giftWrap: true,
  tags: ['vip'],
  shippingAddress: { street: '12 rue', city: 'Paris', postalCode: '75002', country: 'FR' },
  items: [
    { sku: 'A', quantity: 2, unitPrice: 8.5 },
    { sku: 'B', quantity: 100, unitPrice: 0 },
  ],
  notes: 'Ring twice',
  coupon: null,
  meta: { source: 'ad', campaign: 'winter' },
}

interface Case {
  name: string
  schema: z.ZodType
  samples: unknown[]
  /** The fast path decides the samples itself (false: a part it leaves to Zod is inside). */
  fast: boolean
}

const Tree: z.ZodType = z.object({
  name: z.string(),
  get children() {
    return z.array(Tree).optional()
  },
})

const cases: Case[] = [
  { name: 'realistic order', schema: Order, samples: [order, { ...order, notes: undefined }], fast: true },
  {
    name: 'defaults and optionals',
    schema: z.object({
      a: z.string().optional(),
      b: z.number().default(3),
      c: z.array(z.string()).default([]),
      d: z.boolean().default(() => true),
      e: z.string().optional().default('x'),
    }),
    samples: [{}, { a: 'x', b: 1, c: ['q'] }, { a: undefined, b: undefined, e: undefined }],
    fast: true,
  },
  {
    name: 'a default inside optional (left to Zod when missing)',
    schema: z.object({ f: z.string().default('y').optional(), g: z.number().default(1) }),
    samples: [{}, { f: 'x' }, { f: undefined, g: 2 }],
    fast: false,
  },
  {
    name: 'strict and loose objects',
    schema: z.object({
      strict: z.strictObject({ a: z.string() }),
      loose: z.looseObject({ a: z.string() }),
    }),
    samples: [{ strict: { a: 'x' }, loose: { a: 'x', z: 1, y: [2] } }],
    fast: true,
  },
  {
    name: 'number bounds',
    schema: z.object({
      a: z.number().gt(0).lt(10),
      b: z.number().gte(0).lte(10).gt(0),
      c: z.int().positive(),
      d: z.number().nonnegative().optional(),
    }),
    samples: [
      { a: 5, b: 10, c: 1 },
      { a: 9.99, b: 0.5, c: 2 ** 52, d: 0 },
    ],
    fast: true,
  },
  {
    name: 'string lengths in code points and patterns',
    schema: z.object({
      a: z.string().max(2),
      b: z.string().min(2),
      c: z.string().length(2),
      d: z.string().regex(/^[a-z]+$/),
    }),
    samples: [
      { a: '😀😀', b: '😀😀', c: '😀é', d: 'abc' },
      { a: 'ab', b: 'abcdef', c: 'ab', d: 'z' },
    ],
    fast: true,
  },
  {
    name: 'enums and literals',
    schema: z.object({ e: z.enum(['a', 'b']), l: z.literal(7), n: z.enum({ A: 1, B: 2 }) }),
    samples: [{ e: 'a', l: 7, n: 2 }],
    fast: true,
  },
  {
    name: 'nullable, arrays of objects, unknown',
    schema: z.array(z.object({ x: z.number().nullable(), y: z.unknown(), z: z.any().optional() })).max(3),
    samples: [
      [
        { x: null, y: { deep: [1] } },
        { x: 1, y: 'v', z: null },
      ],
    ],
    fast: true,
  },
  {
    name: 'recursive schema',
    schema: Tree,
    samples: [{ name: 'root', children: [{ name: 'leaf' }] }],
    fast: true,
  },
  {
    name: 'parts left to Zod: refinements, transforms, formats, unions, coercion',
    schema: z.object({
      email: z.email(),
      even: z.number().refine((n) => n % 2 === 0),
      trimmed: z.string().trim(),
      upper: z.string().transform((s) => s.toUpperCase()),
      either: z.union([z.string(), z.number()]),
      coerced: z.coerce.number(),
      date: z.string().pipe(z.coerce.date()).optional(),
      big: z.bigint().optional(),
    }),
    samples: [{ email: 'a@b.co', even: 2, trimmed: ' x ', upper: 'a', either: 1, coerced: '5' }],
    fast: true,
  },
  {
    name: 'an object refinement',
    schema: z.object({ a: z.number(), b: z.number() }).refine((o) => o.a < o.b),
    samples: [{ a: 1, b: 2 }],
    fast: true,
  },
]

const compile = (parameters: readonly string[], body: string) =>
  new Function(...parameters, body) as (...args: unknown[]) => unknown

// Both forms of the fast path: closures (no compiler: workerd, tests) and generated code (Node, Bun).
describe.each([
  ['closures', undefined],
  ['generated code', compile],
] as const)('the validation fast path, as %s', (_mode, compiler) => {
  beforeAll(() => setCodeCompiler(compiler))
  afterAll(() => setCodeCompiler(undefined))

  for (const { name, schema, samples, fast } of cases) {
    it(`agrees with Zod: ${name}`, () => {
      const next = random(name.length * 7919)
      let decided = 0
      const values: unknown[] = [...samples]
      for (let i = 0; i < 1500; i++) values.push(mutate(samples[i % samples.length], next))
      for (const value of values) {
        const out = fastParse(schema, value)
        if (out === ASK_ZOD) continue
        decided++
        const zod = schema.safeParse(value)
        if (!zod.success || !sameOutput(out, zod.data)) {
          throw new Error(
            `fast path accepted ${JSON.stringify(value)} as ${JSON.stringify(out)}; Zod: ${JSON.stringify(zod)}`,
          )
        }
      }
      if (fast) {
        for (const sample of samples) expect(fastParse(schema, sample)).not.toBe(ASK_ZOD)
      }
      expect(decided).toBeGreaterThan(0)
    })
  }

  it('hands out a fresh default each time, as Zod does', () => {
    const schema = z.object({ tags: z.array(z.string()).default([]) })
    const a = fastParse(schema, {}) as { tags: string[] }
    const b = fastParse(schema, {}) as { tags: string[] }
    expect(a.tags).toEqual([])
    expect(a.tags).not.toBe(b.tags)
  })

  it('leaves invalid values to Zod (so its errors are reported)', () => {
    expect(fastParse(Order, { ...order, priority: 10 })).toBe(ASK_ZOD)
    expect(
      fastParse(Order, { ...order, shippingAddress: { ...order.shippingAddress, country: 'FRA' } }),
    ).toBe(ASK_ZOD)
    expect(fastParse(z.number(), Number.POSITIVE_INFINITY)).toBe(ASK_ZOD)
    expect(fastParse(z.object({ a: z.string() }), new Date())).toBe(ASK_ZOD)
    expect(fastParse(z.strictObject({ a: z.string() }), { a: 'x', b: 1 })).toBe(ASK_ZOD)
  })

  it('leaves refinements on any type, exact optionals and NaN bounds to Zod', () => {
    let refused = 0
    for (const [schema, value] of ZOD_ONLY_CASES) {
      const zod = schema.safeParse(value)
      const fast = fastParse(schema, value)
      // What Zod refuses is Zod's to report; what it accepts, the fast path gives the same or leaves.
      if (!zod.success) {
        refused++
        expect(fast).toBe(ASK_ZOD)
      } else if (fast !== ASK_ZOD) expect(fast).toEqual(zod.data)
    }
    expect(refused).toBeGreaterThan(5)
    expect(fastParse(z.object({ a: z.boolean().overwrite((b) => !b) }), { a: true })).toEqual({ a: false })
  })

  it('keeps generation bounded for a schema shared many times over', () => {
    // 21 schemas, 2^20 paths through them: the check is made (whole, before any value) from the
    // schemas, not the paths; made per path it would not finish within the test's timeout.
    expect(fastParse(sharedTree(20), { l: 'not an object', r: {} })).toBe(ASK_ZOD)
    // And such a check accepts what Zod accepts.
    let value: unknown = { leaf: 1 }
    for (let i = 0; i < 10; i++) value = { l: value, r: value }
    expect(fastParse(sharedTree(10), value)).toEqual(sharedTree(10).parse(value))
  })

  it('never copies a __proto__ key, even from a loose object', () => {
    const input = JSON.parse('{"a":"x","__proto__":{"polluted":true}}')
    const out = fastParse(z.looseObject({ a: z.string() }), input) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['a'])
  })
})
