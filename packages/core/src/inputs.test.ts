import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { setCodeCompiler } from './adapter/index.ts'
import { App } from './index.ts'

describe('string inputs are coerced by the schema type', () => {
  const app = new App()
  app.get(
    '/q',
    {
      query: {
        n: z.number().optional(),
        i: z.int().optional(),
        b: z.boolean().optional(),
        big: z.bigint().optional(),
        d: z.date().optional(),
        e: z.enum(['red', 'green']).optional(),
        lit: z.literal(3).optional(),
        ids: z.array(z.number().int()).default([]),
        u: z.union([z.number(), z.literal('all')]).optional(),
        c: z.coerce.number().optional(),
        s: z.string().optional(),
        nul: z.number().nullable().optional(),
      },
    },
    ({ query }) => ({
      ...query,
      big: query.big === undefined ? undefined : String(query.big),
      d: query.d?.toISOString(),
      types: Object.fromEntries(
        Object.entries(query).map(([k, v]) => [k, v instanceof Date ? 'date' : typeof v]),
      ),
    }),
  )

  it('coerces numbers, integers, booleans, bigints, dates, enums, literals and unions', async () => {
    const res = await app.request(
      '/q?n=1.5&i=-7&b=YES&big=9007199254740993&d=2026-11-22&e=red&lit=3&u=4&c=12&s=007',
    )
    expect(await res.json()).toEqual({
      n: 1.5,
      i: -7,
      b: true,
      big: '9007199254740993',
      d: '2026-11-22T00:00:00.000Z',
      e: 'red',
      lit: 3,
      ids: [],
      u: 4,
      c: 12,
      s: '007',
      types: {
        n: 'number',
        i: 'number',
        b: 'boolean',
        big: 'bigint',
        d: 'date',
        e: 'string',
        lit: 'number',
        ids: 'object',
        u: 'number',
        c: 'number',
        s: 'string',
      },
    })
  })

  it('reads every boolean spelling in any case', async () => {
    for (const [raw, value] of [
      ['true', true],
      ['False', false],
      ['1', true],
      ['0', false],
      ['yes', true],
      ['NO', false],
      ['on', true],
      ['off', false],
    ] as const) {
      expect((await (await app.request(`/q?b=${raw}`)).json()).b).toBe(value)
    }
  })

  it('takes every occurrence for arrays, and a single one as a list of one', async () => {
    expect((await (await app.request('/q?ids=1&ids=2&ids=3')).json()).ids).toEqual([1, 2, 3])
    expect((await (await app.request('/q?ids=7')).json()).ids).toEqual([7])
    expect((await (await app.request('/q?u=all')).json()).u).toBe('all')
  })

  it('keeps the last value of a repeated scalar key', async () => {
    expect((await (await app.request('/q?n=1&n=2')).json()).n).toBe(2)
  })

  it('reads optional fields named like Object.prototype members as absent when they are', async () => {
    const app = new App()
    const shape = {
      tags: z.array(z.string()).optional(),
      toString: z.string().optional(),
      constructor: z.string().optional(),
      valueOf: z.number().optional(),
    }
    app.get('/search', { query: shape }, ({ query }) => ({ ...query, own: Object.keys(query) }))
    expect(await (await app.request('/search')).json()).toEqual({ own: [] })
    expect(await (await app.request('/search?tags=a')).json()).toEqual({ tags: ['a'], own: ['tags'] })
    expect(await (await app.request('/search?toString=x&valueOf=2')).json()).toEqual({
      toString: 'x',
      valueOf: 2,
      own: ['toString', 'valueOf'],
    })
  })

  it('decodes percent-encoding and plus signs in query values', async () => {
    expect((await (await app.request('/q?s=a+b%20c%2B')).json()).s).toBe('a b c+')
  })
})

describe('headers and cookies', () => {
  it('reads lower-case wire names, and underscores as hyphens', async () => {
    const app = new App()
    app.get(
      '/h',
      { headers: { 'x-token': z.string(), user_agent: z.string(), 'x-ids': z.array(z.number()).optional() } },
      ({ headers }) => headers,
    )
    const res = await app.request('/h', { headers: { 'X-Token': 't', 'User-Agent': 'ua', 'x-ids': '1, 2' } })
    expect(await res.json()).toEqual({ 'x-token': 't', user_agent: 'ua', 'x-ids': [1, 2] })
    const missing = await app.request('/h')
    expect(await missing.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['header', 'x-token'], msg: 'Field required', input: null },
        { type: 'missing', loc: ['header', 'user-agent'], msg: 'Field required', input: null },
      ],
    })
  })

  it('reads cookies and coerces them', async () => {
    const app = new App()
    app.get('/c', { cookies: { session: z.string(), visits: z.number().int() } }, ({ cookies }) => cookies)
    const res = await app.request('/c', { headers: { cookie: 'session="abc"; visits=3; other=x' } })
    expect(await res.json()).toEqual({ session: 'abc', visits: 3 })
    const bad = await app.request('/c', { headers: { cookie: 'visits=three' } })
    expect((await bad.json()).detail.map((d: { loc: unknown[]; type: string }) => [d.loc, d.type])).toEqual([
      [['cookie', 'session'], 'missing'],
      [['cookie', 'visits'], 'int_parsing'],
    ])
  })
})

describe('.strict() objects: keys they do not declare are errors, as extra="forbid"', () => {
  const app = new App()
  const Filters = z.object({ limit: z.number().int().default(10), tag: z.string().optional() }).strict()
  app.get('/q', { query: Filters }, ({ query }) => query)
  app.get('/c', { cookies: z.object({ session: z.string() }).strict() }, ({ cookies }) => cookies)
  app.get('/h', { headers: z.object({ 'x-token': z.string() }).strict() }, ({ headers }) => headers)
  app.post('/f', { form: z.object({ name: z.string() }).strict() }, ({ form }) => form)
  app.get('/loose', { query: { limit: z.number().int() } }, ({ query }) => query)

  it('answers extra_forbidden for each undeclared key, after the fields’ own errors', async () => {
    expect(await (await app.request('/q?limit=5&tag=a')).json()).toEqual({ limit: 5, tag: 'a' })
    expect(await (await app.request('/q?limit=x&b=2&c=3&c=4&b=5')).json()).toEqual({
      detail: [
        {
          type: 'int_parsing',
          loc: ['query', 'limit'],
          msg: 'Input should be a valid integer, unable to parse string as an integer',
          input: 'x',
        },
        {
          type: 'extra_forbidden',
          loc: ['query', 'b'],
          msg: 'Extra inputs are not permitted',
          input: ['2', '5'],
        },
        {
          type: 'extra_forbidden',
          loc: ['query', 'c'],
          msg: 'Extra inputs are not permitted',
          input: ['3', '4'],
        },
      ],
    })
    expect((await (await app.request('/q?limit=5&other=1')).json()).detail).toEqual([
      { type: 'extra_forbidden', loc: ['query', 'other'], msg: 'Extra inputs are not permitted', input: '1' },
    ])
    // Without .strict(), unknown keys are dropped, as Zod and pydantic do by default.
    expect(await (await app.request('/loose?limit=5&other=1')).json()).toEqual({ limit: 5 })
  })

  it('applies to cookies, headers and forms too', async () => {
    const cookies = await app.request('/c', { headers: { cookie: 'session=s; theme=dark' } })
    expect((await cookies.json()).detail).toEqual([
      {
        type: 'extra_forbidden',
        loc: ['cookie', 'theme'],
        msg: 'Extra inputs are not permitted',
        input: 'dark',
      },
    ])
    const headers = await app.request('/h', { headers: { 'X-Token': 't' } })
    expect(await headers.json()).toEqual({ 'x-token': 't' })
    const more = await app.request('/h', { headers: { 'X-Token': 't', 'X-Other': 'o' } })
    expect((await more.json()).detail).toEqual([
      {
        type: 'extra_forbidden',
        loc: ['header', 'x-other'],
        msg: 'Extra inputs are not permitted',
        input: 'o',
      },
    ])
    const form = await app.request('/f', {
      method: 'POST',
      body: new URLSearchParams({ name: 'n', role: 'admin' }),
    })
    expect((await form.json()).detail).toEqual([
      {
        type: 'extra_forbidden',
        loc: ['body', 'role'],
        msg: 'Extra inputs are not permitted',
        input: 'admin',
      },
    ])
  })
})

describe('bodies and forms', () => {
  it('validates JSON bodies as sent, with application/*+json accepted', async () => {
    const app = new App()
    app.post(
      '/b',
      { body: z.object({ n: z.number(), tags: z.array(z.string()).default([]) }) },
      ({ body }) => body,
    )
    const ok = await app.request('/b', {
      method: 'POST',
      headers: { 'content-type': 'application/merge-patch+json; charset=utf-8' },
      body: '{"n": 2}',
    })
    expect(await ok.json()).toEqual({ n: 2, tags: [] })
  })

  it('accepts an optional body that is absent', async () => {
    const app = new App()
    app.post('/b', { body: z.object({ n: z.number() }).optional() }, ({ body }) => ({
      got: body ?? 'nothing',
    }))
    expect(await (await app.request('/b', { method: 'POST' })).json()).toEqual({ got: 'nothing' })
  })

  it('uses the default of a defaulted body or parameter when it is absent, and documents it as not required', async () => {
    const app = new App()
    app.post(
      '/d',
      { body: z.object({ n: z.number() }).default({ n: 7 }), headers: { 'x-page': z.number().default(1) } },
      ({ body, headers }) => ({ n: body.n, page: headers['x-page'] }),
    )
    expect(await (await app.request('/d', { method: 'POST' })).json()).toEqual({ n: 7, page: 1 })
    const operation = app.openapi().paths['/d']?.post
    expect(operation?.requestBody?.required).toBe(false)
    expect(operation?.parameters?.[0]).toMatchObject({ name: 'x-page', required: false })
  })

  it('parses urlencoded and multipart forms with files', async () => {
    const app = new App()
    app.post(
      '/f',
      {
        form: {
          title: z.string().min(1),
          copies: z.number().int().default(1),
          file: z.file().optional(),
          tags: z.array(z.string()).optional(),
        },
      },
      async ({ form }) => ({
        title: form.title,
        copies: form.copies,
        tags: form.tags,
        file: form.file ? { name: form.file.name, text: await form.file.text() } : null,
      }),
    )
    const urlencoded = await app.request('/f', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'title=Menu&copies=2&tags=a&tags=b',
    })
    expect(await urlencoded.json()).toEqual({ title: 'Menu', copies: 2, tags: ['a', 'b'], file: null })
    const data = new FormData()
    data.set('title', 'Receipt')
    data.set('file', new File(['burger'], 'order.txt', { type: 'text/plain' }))
    const multipart = await app.request('/f', { method: 'POST', body: data })
    expect(await multipart.json()).toEqual({
      title: 'Receipt',
      copies: 1,
      file: { name: 'order.txt', text: 'burger' },
    })
    const bad = await app.request('/f', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'copies=many',
    })
    expect(bad.status).toBe(422)
    expect((await bad.json()).detail.map((d: { loc: unknown[]; type: string }) => [d.loc, d.type])).toEqual([
      [['body', 'title'], 'missing'],
      [['body', 'copies'], 'int_parsing'],
    ])
  })
})

describe('sets from repeated keys', () => {
  it('collects z.set() values into a Set', async () => {
    const app = new App()
    app.get('/s', { query: { s: z.set(z.number()) } }, ({ query }) => ({ s: [...query.s].sort() }))
    expect(await (await app.request('/s?s=2&s=1&s=2')).json()).toEqual({ s: [1, 2] })
  })
})

const compile = (parameters: readonly string[], body: string) =>
  new Function(...parameters, body) as (...args: unknown[]) => unknown

// Both forms: closures (no compiler: workerd, tests) and generated code (Node, Bun).
describe.each([
  ['closures', undefined],
  ['generated code', compile],
] as const)('the fast path for path, query, header and cookie inputs, as %s', (_mode, compiler) => {
  beforeAll(() => setCodeCompiler(compiler))
  afterAll(() => setCodeCompiler(undefined))

  it('answers exactly as Zod does on the coerced values, for valid and invalid mixes', async () => {
    const query = {
      n: z.number().int().min(1).max(50),
      f: z.number().optional(),
      b: z.boolean().default(false),
      s: z.string().min(2).max(5).optional(),
      e: z.enum(['a', 'b']).default('a'),
      l: z.literal(7).optional(),
      r: z.string().regex(/^x+$/).nullable().optional(),
    }
    const app = new App()
    app.get('/q', { query }, ({ query }) => ({ query, keys: Object.keys(query) }))
    const pools: Record<string, (string | undefined)[]> = {
      n: ['3', '17', '50', '1', '3', '17', '50', '1', '0', '51', '2.5', 'abc'],
      f: ['1.5', '-2', undefined, '1.5', '-2', undefined, 'nan'],
      b: ['true', 'off', undefined, 'true', 'off', undefined, 'maybe'],
      s: ['ab', 'é😀', undefined, 'ab', 'é😀', undefined, 'abcdef', 'x'],
      e: ['a', 'b', undefined, 'a', 'b', undefined, 'c'],
      l: ['7', undefined, '7', undefined, '8'],
      r: ['xx', undefined, 'xx', undefined, 'xy'],
    }
    const names = Object.keys(pools)
    // Zod itself on the values the coercion would give (the long way, without the fast path).
    const coerce = (name: string, raw: string): unknown => {
      if (name === 'n' || name === 'l') return /^-?\d+$/.test(raw) ? Number(raw) : raw
      if (name === 'f') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw
      if (name === 'b') return raw === 'true' ? true : raw === 'off' ? false : raw
      return raw
    }
    const schema = z.object(query)
    let seed = 7
    const pick = <T>(list: T[]) => {
      seed = (seed * 48271) % 2147483647
      return list[seed % list.length]!
    }
    let accepted = 0
    for (let i = 0; i < 1500; i++) {
      const raw = Object.fromEntries(names.map((name) => [name, pick(pools[name]!)]))
      const search = new URLSearchParams(
        Object.entries(raw).filter((entry): entry is [string, string] => entry[1] !== undefined),
      )
      const res = await app.request(`/q?${search}`)
      const record = Object.fromEntries(
        Object.entries(raw)
          .filter((entry): entry is [string, string] => entry[1] !== undefined)
          .map(([name, value]) => [name, coerce(name, value)]),
      )
      const expected = schema.safeParse(record)
      expect([search.toString(), res.status]).toEqual([search.toString(), expected.success ? 200 : 422])
      if (expected.success) {
        accepted++
        const body = await res.json()
        expect(body.keys).toEqual(Object.keys(expected.data))
        expect(body.query).toEqual(JSON.parse(JSON.stringify(expected.data)))
      }
    }
    // Both answers are exercised, not just the refusals.
    expect(accepted).toBeGreaterThan(100)
  })
})
