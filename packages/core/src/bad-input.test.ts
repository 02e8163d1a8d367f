/**
 * Bad input at the HTTP level: every kind of malformed request gets a clear 4xx in FastAPI's exact
 * shape (api.md, "Errors on the wire" and "Precise semantics"), never a 500 or a hang.
 *
 * Expected values come from the contract; where the contract defers to FastAPI, from FastAPI 0.142
 * (pydantic 2.13) and Python's `json` module.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, HTTPException } from './index.ts'

// ---------------------------------------------------------------------------------------------
// helpers

interface Issue {
  type: string
  loc: (string | number)[]
  msg: string
  input: unknown
  ctx?: Record<string, unknown>
}

const LOCATIONS = ['path', 'query', 'header', 'cookie', 'body']
const encoder = new TextEncoder()

/** Fails instead of hanging: every request must be answered within `ms`. */
async function within<T>(promise: Promise<T>, ms = 4000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Asserts FastAPI's 422 body shape and returns its issues. */
async function issuesOf(res: Response): Promise<Issue[]> {
  const text = await res.text()
  expect(res.status, text).toBe(422)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text) as { detail: Issue[] }
  expect(Object.keys(body)).toEqual(['detail'])
  expect(Array.isArray(body.detail)).toBe(true)
  expect(body.detail.length).toBeGreaterThan(0)
  for (const issue of body.detail) {
    expect(typeof issue.type).toBe('string')
    expect(typeof issue.msg).toBe('string')
    expect(Array.isArray(issue.loc)).toBe(true)
    expect(LOCATIONS).toContain(issue.loc[0])
    for (const part of issue.loc) expect(['string', 'number']).toContain(typeof part)
    // `input` is always on the wire (JSON drops `undefined` keys silently)
    expect(Object.hasOwn(issue, 'input')).toBe(true)
    for (const key of Object.keys(issue)) expect(['type', 'loc', 'msg', 'input', 'ctx']).toContain(key)
  }
  return body.detail
}

/** A single 422 issue. */
async function issueOf(res: Response): Promise<Issue> {
  const issues = await issuesOf(res)
  expect(issues).toHaveLength(1)
  return issues[0]!
}

/** Asserts a 4xx that is not a 500, with a JSON `detail` (and FastAPI's shape when it is a 422). */
async function expectClientError(res: Response): Promise<void> {
  if (res.status === 422) {
    await issuesOf(res)
    return
  }
  const text = await res.text()
  expect(res.status, text).toBeGreaterThanOrEqual(400)
  expect(res.status, text).toBeLessThan(500)
  expect(JSON.parse(text)).toHaveProperty('detail')
}

function expectPrototypeClean(): void {
  const probe = {} as Record<string, unknown>
  expect(probe.polluted).toBeUndefined()
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false)
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype)
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()
const silent = { error: () => {}, warn: () => {} }

// ---------------------------------------------------------------------------------------------
// the app under test

const Small = z.object({ a: z.number().int() })
const Item = z.object({
  name: z.string(),
  price: z.number(),
  qty: z.number().int(),
  flag: z.boolean(),
  tags: z.array(z.string()),
  nested: z.object({ a: z.number() }).optional(),
})
const logged: string[] = []
const app = new App({
  bodyLimit: 1024,
  logger: { error: (message) => logged.push(message), warn: () => {} },
})

app.post('/small', { body: Small }, ({ body }) => body)
app.post('/items', { body: Item }, ({ body }) => body)
app.post('/list', { body: z.array(z.number()) }, ({ body }) => body)
app.post('/loose', { body: z.object({ a: z.unknown() }) }, () => ({ ok: true }))
app.post('/deep', { body: z.object({ a: z.number() }) }, () => ({ ok: true }))
app.post(
  '/orders/:id',
  {
    params: { id: z.number().int() },
    query: { verbose: z.boolean() },
    headers: { 'x-api-key': z.string() },
    cookies: { session: z.string() },
    body: Small,
  },
  ({ params, query, headers, cookies, body }) => ({ params, query, headers, cookies, body }),
)
app.get('/bool', { query: { v: z.boolean() } }, ({ query }) => ({ v: query.v }))
app.get('/int', { query: { v: z.number().int() } }, ({ query }) => ({ v: query.v }))
app.get('/float', { query: { v: z.number() } }, ({ query }) => ({ v: query.v }))
app.get('/enum', { query: { v: z.enum(['a', 'b', 'c']) } }, ({ query }) => ({ v: query.v }))
app.get('/str', { query: { v: z.string().min(3).max(5) } }, ({ query }) => ({ v: query.v }))
app.get('/bounded', { query: { v: z.number().int().min(1).max(10) } }, ({ query }) => ({ v: query.v }))
app.get('/date', { query: { v: z.date() } }, ({ query }) => ({ v: query.v.toISOString() }))
app.get('/arr', { query: { q: z.array(z.number().int()) } }, ({ query }) => ({ q: query.q }))
app.get('/p/:id', { params: { id: z.number().int() } }, ({ params }) => ({ id: params.id }))
app.get('/s/:name', { params: { name: z.string() } }, ({ params }) => ({ name: params.name }))
app.get('/cookie', { cookies: { session: z.string() } }, ({ cookies }) => ({ session: cookies.session }))
app.get('/header', { headers: { 'x-token': z.string() } }, ({ headers }) => ({ token: headers['x-token'] }))
app.post('/form', { form: { name: z.string(), file: z.file() } }, async ({ form }) => ({
  name: form.name,
  filename: form.file.name,
  size: form.file.size,
  text: await form.file.text(),
}))
app.post('/urlform', { form: { name: z.string(), n: z.number().int() } }, ({ form }) => form)
app.get('/bad-response', { response: z.object({ id: z.number() }) }, () => ({ id: 'not a number' }) as never)
app.get('/boom', () => {
  throw new Error('secret failure at /srv/app.ts:42')
})
app.get(
  '/filtered',
  {
    response: z.object({
      id: z.number(),
      nick: z.string().nullable(),
      role: z.string().default('user'),
      note: z.string().optional(),
    }),
  },
  () => ({ id: 1, nick: null, secret: 'hunter2', extra: { deep: true } }) as never,
)
app.get('/teapot', () => {
  throw new HTTPException(418, 'short and stout')
})

function postJson(path: string, body: string | Uint8Array, contentType: string | null = 'application/json') {
  const headers: Record<string, string> = {}
  if (contentType !== null) headers['content-type'] = contentType
  const payload = typeof body === 'string' && contentType === null ? encoder.encode(body) : body
  return within(app.request(path, { method: 'POST', headers, body: payload as BodyInit }))
}

afterAll(() => {
  expectPrototypeClean()
})

// ---------------------------------------------------------------------------------------------

describe('an empty JSON body', () => {
  it('is a missing body, as FastAPI (it never parses an empty body)', async () => {
    const issue = await issueOf(await postJson('/small', ''))
    expect(issue).toEqual({ type: 'missing', loc: ['body'], msg: 'Field required', input: null })
  })
})

describe('broken JSON: json_invalid at the character offset Python reports', () => {
  // [body, offset, Python's reason] — offsets checked against CPython's json.loads
  const cases: [string, number, string][] = [
    ['{"a": }', 6, 'Expecting value'],
    ['{"a" 1}', 5, "Expecting ':' delimiter"],
    ['[1,2', 4, "Expecting ',' delimiter"],
    ['{"a":1} x', 8, 'Extra data'],
    ['{"a":1}}', 7, 'Extra data'],
    ['{"a": "abc', 6, 'Unterminated string starting at'],
    ['"abc', 0, 'Unterminated string starting at'],
    ['{"a": "x\\q"}', 8, 'Invalid \\escape'],
    ["{'a':1}", 1, 'Expecting property name enclosed in double quotes'],
    ['{"a":1,}', 7, 'Expecting property name enclosed in double quotes'],
    ['{', 1, 'Expecting property name enclosed in double quotes'],
    ['[1,]', 3, 'Expecting value'],
    ['nul', 0, 'Expecting value'],
    ['{"a":01}', 6, "Expecting ',' delimiter"],
    ['{"a": 1e}', 7, "Expecting ',' delimiter"],
    ['{"a":"\u0001"}', 6, 'Invalid control character at'],
    ['   ', 3, 'Expecting value'],
    ['[1 2]', 3, "Expecting ',' delimiter"],
    ['{"a": -}', 6, 'Expecting value'],
    ['[1.]', 2, "Expecting ',' delimiter"],
    ['1.5.3', 3, 'Extra data'],
    ['{"a" : 1 , "b" }', 15, "Expecting ':' delimiter"],
    // offsets count characters, not bytes: "é" is 2 bytes, "€" 3 bytes
    ['{"é": }', 6, 'Expecting value'],
    ['{"€": x}', 6, 'Expecting value'],
  ]
  for (const [text, offset, reason] of cases) {
    it(`${JSON.stringify(text)} → ["body", ${offset}]`, async () => {
      const issue = await issueOf(await postJson('/small', text))
      expect(issue).toEqual({
        type: 'json_invalid',
        loc: ['body', offset],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: reason },
      })
    })
  }

  it('counts a character outside the BMP once, as Python does ("😀" is one character)', async () => {
    // Python: json.loads('{"😀": x}') → pos 6; a UTF-16 index would say 7
    const issue = await issueOf(await postJson('/small', '{"😀": x}'))
    expect(issue.type).toBe('json_invalid')
    expect(issue.loc).toEqual(['body', 6])
  })

  it('a UTF-8 byte-order mark is skipped (Python decodes bytes with utf-8-sig)', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"a": 1}')])
    const res = await postJson('/small', bom)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ a: 1 })
    const broken = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('{"a": }')])
    expect((await issueOf(await postJson('/small', broken))).loc).toEqual(['body', 6])
  })

  it('a charset parameter and upper-case content types are accepted', async () => {
    expect((await postJson('/small', '{"a":1}', 'application/json; charset=utf-8')).status).toBe(200)
    expect((await postJson('/small', '{"a":1}', 'APPLICATION/JSON')).status).toBe(200)
    expect((await postJson('/small', '{"a":1}', 'application/problem+json; charset=utf-8')).status).toBe(200)
  })
})

describe('content types on a JSON route', () => {
  const wrong = {
    type: 'model_attributes_type',
    loc: ['body'],
    msg: 'Input should be a valid dictionary or object to extract fields from',
  }

  it('no content type → 422 model_attributes_type with the raw text', async () => {
    const issue = await issueOf(await postJson('/small', '{"a":1}', null))
    expect(issue).toEqual({ ...wrong, input: '{"a":1}' })
  })

  for (const type of [
    'text/plain',
    'text/json',
    'application/jsonx',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ]) {
    it(`${type} → 422 model_attributes_type with the raw text`, async () => {
      const issue = await issueOf(await postJson('/small', '{"a":1}', type))
      expect(issue).toEqual({ ...wrong, input: '{"a":1}' })
    })
  }

  it('application/vnd.api+json is JSON', async () => {
    const res = await postJson('/small', '{"a":1}', 'application/vnd.api+json')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ a: 1 })
  })

  it('no content type and no body → missing at ["body"]', async () => {
    const res = await within(app.request('/small', { method: 'POST' }))
    expect(await issueOf(res)).toEqual({ type: 'missing', loc: ['body'], msg: 'Field required', input: null })
  })
})

describe('JSON values of the wrong shape for an object body', () => {
  it('null → missing at ["body"] with input null', async () => {
    expect(await issueOf(await postJson('/small', 'null'))).toEqual({
      type: 'missing',
      loc: ['body'],
      msg: 'Field required',
      input: null,
    })
  })

  const nonObjects: [string, unknown][] = [
    ['[1]', [1]],
    ['[]', []],
    ['5', 5],
    ['"s"', 's'],
    ['true', true],
  ]
  for (const [text, input] of nonObjects) {
    it(`${text} → model_attributes_type at ["body"]`, async () => {
      expect(await issueOf(await postJson('/small', text))).toEqual({
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input,
      })
    })
  }
})

describe('invalid UTF-8', () => {
  const bad = [
    new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0x7d]),
    new Uint8Array([0xc3, 0x28]),
    new Uint8Array([0xed, 0xa0, 0x80]), // an encoded surrogate
    new Uint8Array([0x22, 0xf0, 0x9f, 0x98, 0x22]), // a truncated 4-byte sequence
  ]
  for (const [i, bytes] of bad.entries()) {
    it(`JSON body #${i} → 4xx`, async () => {
      await expectClientError(await postJson('/small', bytes))
    })
  }

  it('a wrong content type with invalid UTF-8 → 4xx', async () => {
    await expectClientError(await postJson('/small', bad[0]!, 'text/plain'))
  })

  it('in a urlencoded form → 4xx', async () => {
    const bytes = new Uint8Array([...encoder.encode('name='), 0xff, 0xfe, ...encoder.encode('&n=1')])
    const res = await postJson('/urlform', bytes, 'application/x-www-form-urlencoded')
    // a replacement character in a string is acceptable too; a 500 is not
    expect(res.status).not.toBe(500)
    if (res.status !== 200) await expectClientError(res)
  })
})

describe('prototype pollution', () => {
  const bodies = [
    '{"__proto__": {"polluted": "yes"}, "a": 1}',
    '{"a": 1, "nested": {"__proto__": {"polluted": "yes"}}}',
    '{"a": 1, "list": [{"__proto__": {"polluted": "yes"}}]}',
    '{"constructor": {"prototype": {"polluted": "yes"}}, "a": 1}',
    '{"a": 1, "nested": {"constructor": {"prototype": {"polluted": "yes"}}}}',
    '{"a": 1, "\\u005f_proto__": {"polluted": "yes"}}',
  ]
  for (const text of bodies) {
    it(`${text} → 4xx, Object.prototype untouched`, async () => {
      await expectClientError(await postJson('/small', text))
      await expectClientError(await postJson('/loose', text))
      expectPrototypeClean()
    })
  }

  it('__proto__ in query, cookie, header and form keys is harmless', async () => {
    const res1 = await within(app.request('/int?__proto__[polluted]=yes&__proto__=1&v=1'))
    expect(res1.status).toBe(200)
    const res2 = await within(
      app.request('/cookie', { headers: { cookie: '__proto__=x; constructor=y; session=s' } }),
    )
    expect(res2.status).toBe(200)
    expect(await res2.json()).toEqual({ session: 's' })
    const res3 = await within(
      app.request('/urlform', {
        method: 'POST',
        body: new URLSearchParams('__proto__=x&constructor.prototype.polluted=yes&name=n&n=1'),
      }),
    )
    expect(res3.status).toBe(200)
    expect(await res3.json()).toEqual({ name: 'n', n: 1 })
    expectPrototypeClean()
  })
})

describe('body size limit (bodyLimit: 1024)', () => {
  const big = `{"a": 1, "pad": "${'x'.repeat(2000)}"}`

  async function expect413(res: Response) {
    expect(res.status).toBe(413)
    const body = (await res.json()) as { detail: unknown }
    expect(typeof body.detail).toBe('string')
    expect(body.detail).toMatch(/1024/)
  }

  it('with Content-Length → 413 naming the limit', async () => {
    const res = await within(
      app.request('/small', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
        body: big,
      }),
    )
    await expect413(res)
  })

  it('with a lying Content-Length (smaller than the body) → 413', async () => {
    const res = await within(
      app.request('/small', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '10' },
        body: big,
      }),
    )
    await expect413(res)
  })

  it('with a non-numeric Content-Length → 413', async () => {
    const res = await within(
      app.request('/small', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 'lots' },
        body: big,
      }),
    )
    await expect413(res)
  })

  it('without Content-Length (streamed in chunks) → 413', async () => {
    const chunk = encoder.encode('x'.repeat(300))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const res = await within(
      app.request('/small', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    await expect413(res)
  })

  it('an endless stream is cut at the limit, not read forever', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode('[1,'.repeat(100)))
      },
    })
    const res = await within(
      app.request('/small', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    await expect413(res)
  })

  it('a body stream that fails mid-read (client gone) → 4xx, not 500', async () => {
    // FastAPI: an unreadable body is 400 {"detail": "There was an error parsing the body"}
    let pulls = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(encoder.encode('{"a":'))
        else controller.error(new TypeError('terminated: other side closed'))
      },
    })
    const res = await within(
      app.request('/small', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    await expectClientError(res)
  })

  it('a form over the limit → 413', async () => {
    const form = new FormData()
    form.set('name', 'n')
    form.set('file', new File(['y'.repeat(4000)], 'big.txt'))
    // Encoded first: cancelling undici's own FormData body stream mid-way makes undici throw an
    // unhandled error of its own (in-process only; a socket's body stream cancels cleanly).
    const encoded = new Response(form)
    const type = encoded.headers.get('content-type')!
    const body = new Uint8Array(await encoded.arrayBuffer())
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < body.length; i += 512) controller.enqueue(body.slice(i, i + 512))
        controller.close()
      },
    })
    const res = await within(
      app.request('/form', {
        method: 'POST',
        headers: { 'content-type': type },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    )
    await expect413(res)
  })

  it('exactly at the limit is accepted', async () => {
    const text = `{"a": 1${' '.repeat(1024 - 8)}}`
    expect(encoder.encode(text).byteLength).toBe(1024)
    expect((await postJson('/small', text)).status).toBe(200)
  })
})

describe('deeply nested JSON never answers 500', () => {
  // the default 1 MiB limit: every body below fits in it
  const deepApp = new App({ logger: silent })
  deepApp.post('/small', { body: Small }, ({ body }) => body)
  deepApp.post('/loose', { body: z.object({ a: z.unknown() }) }, () => ({ ok: true }))
  deepApp.post('/deep', { body: z.object({ a: z.number() }) }, () => ({ ok: true }))
  deepApp.post('/any', { body: z.unknown() }, () => ({ ok: true }))
  interface TreeNode {
    value: number
    children?: TreeNode[] | undefined
  }
  const Tree: z.ZodType<TreeNode> = z.object({
    value: z.number(),
    get children() {
      return z.array(Tree).optional()
    },
  })
  deepApp.post('/tree', { body: Tree }, () => ({ ok: true }))
  const N = 100_000
  const send = (path: string, text: string) =>
    within(
      deepApp.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text }),
      8000,
    )
  const acceptable = async (res: Response) => {
    expect(res.status, await res.clone().text()).not.toBe(500)
    if (res.status === 200) return
    await expectClientError(res)
  }

  it('100k unterminated "[" → 4xx', async () => {
    await expectClientError(await send('/small', '['.repeat(N)))
  })

  it('100k balanced arrays for an object body → 4xx', async () => {
    await expectClientError(await send('/small', '['.repeat(N) + ']'.repeat(N)))
  })

  it('100k nested arrays inside an unknown field → 200 or 4xx', async () => {
    await acceptable(await send('/loose', `{"a": ${'['.repeat(N)}${']'.repeat(N)}}`))
  })

  it('100k nested objects for z.unknown() → 200 or 4xx', async () => {
    await acceptable(await send('/any', `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`))
  })

  it('100k nested arrays where a number is expected (the error echoes the input) → 4xx', async () => {
    await expectClientError(await send('/deep', `{"a": ${'['.repeat(N)}${']'.repeat(N)}}`))
  })

  it('100k nested arrays with "__proto__" deep inside → 4xx', async () => {
    await expectClientError(await send('/loose', `{"a": ${'['.repeat(N)}{"__proto__": 1}${']'.repeat(N)}}`))
    expectPrototypeClean()
  })

  it('5k nested arrays (10 kB) where a number is expected → 4xx', async () => {
    await expectClientError(await send('/deep', `{"a": ${'['.repeat(5000)}${']'.repeat(5000)}}`))
  })

  it('a recursive schema given 2k levels (50 kB) → 200 or 4xx', async () => {
    const depth = 2_000
    const text = `${'{"value":1,"children":['.repeat(depth)}{"value":1}${']}'.repeat(depth)}`
    await acceptable(await send('/tree', text))
  })

  it('100k nested objects missing a field (the error echoes the body) → 4xx', async () => {
    await expectClientError(await send('/small', `{"b": ${'{"a":'.repeat(N)}1${'}'.repeat(N)}}`))
  })
})

describe('JSON bodies are validated as sent (pydantic strict mode)', () => {
  it('reports int_type, float_type, string_type, bool_type, list_type — nothing coerced', async () => {
    const body = { name: 5, price: '1.5', qty: '5', flag: 'true', tags: 'x' }
    const issues = await issuesOf(await postJson('/items', JSON.stringify(body)))
    expect(issues).toEqual([
      { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: 5 },
      { type: 'float_type', loc: ['body', 'price'], msg: 'Input should be a valid number', input: '1.5' },
      { type: 'int_type', loc: ['body', 'qty'], msg: 'Input should be a valid integer', input: '5' },
      { type: 'bool_type', loc: ['body', 'flag'], msg: 'Input should be a valid boolean', input: 'true' },
      { type: 'list_type', loc: ['body', 'tags'], msg: 'Input should be a valid list', input: 'x' },
    ])
  })

  it('more wrong types: bool for a number, number for a bool, null for a string, items of a list', async () => {
    const body = { name: null, price: true, qty: 2, flag: 1, tags: [1, 'ok', false] }
    const issues = await issuesOf(await postJson('/items', JSON.stringify(body)))
    expect(issues).toEqual([
      { type: 'string_type', loc: ['body', 'name'], msg: 'Input should be a valid string', input: null },
      { type: 'float_type', loc: ['body', 'price'], msg: 'Input should be a valid number', input: true },
      { type: 'bool_type', loc: ['body', 'flag'], msg: 'Input should be a valid boolean', input: 1 },
      { type: 'string_type', loc: ['body', 'tags', 0], msg: 'Input should be a valid string', input: 1 },
      { type: 'string_type', loc: ['body', 'tags', 2], msg: 'Input should be a valid string', input: false },
    ])
  })

  it('a fractional number for an integer is int_type (strict mode)', async () => {
    // pydantic strict: {"type":"int_type","msg":"Input should be a valid integer","input":1.5}
    expect(await issueOf(await postJson('/small', '{"a": 1.5}'))).toEqual({
      type: 'int_type',
      loc: ['body', 'a'],
      msg: 'Input should be a valid integer',
      input: 1.5,
    })
  })

  it('"5" for an integer is an error, not 5', async () => {
    expect(await issueOf(await postJson('/small', '{"a": "5"}'))).toEqual({
      type: 'int_type',
      loc: ['body', 'a'],
      msg: 'Input should be a valid integer',
      input: '5',
    })
  })

  it('missing body fields: missing with input = the enclosing object', async () => {
    const issues = await issuesOf(await postJson('/items', '{"name": "x", "nested": {}}'))
    const missing = (loc: (string | number)[], input: unknown) => ({
      type: 'missing',
      loc,
      msg: 'Field required',
      input,
    })
    const body = { name: 'x', nested: {} }
    expect(issues).toEqual([
      missing(['body', 'price'], body),
      missing(['body', 'qty'], body),
      missing(['body', 'flag'], body),
      missing(['body', 'tags'], body),
      missing(['body', 'nested', 'a'], {}),
    ])
  })

  it('a list body given a string → list_type at ["body"]', async () => {
    expect(await issueOf(await postJson('/list', '"x"'))).toEqual({
      type: 'list_type',
      loc: ['body'],
      msg: 'Input should be a valid list',
      input: 'x',
    })
  })

  it('a valid body passes and extra keys are dropped', async () => {
    const res = await postJson('/small', '{"a": 3, "b": 4}')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ a: 3 })
  })
})

describe('parameters', () => {
  it('missing parameters: input null, one issue per location', async () => {
    const res = await within(app.request('/int'))
    expect(await issueOf(res)).toEqual({
      type: 'missing',
      loc: ['query', 'v'],
      msg: 'Field required',
      input: null,
    })
    expect(await issueOf(await within(app.request('/cookie')))).toEqual({
      type: 'missing',
      loc: ['cookie', 'session'],
      msg: 'Field required',
      input: null,
    })
    expect(await issueOf(await within(app.request('/header')))).toEqual({
      type: 'missing',
      loc: ['header', 'x-token'],
      msg: 'Field required',
      input: null,
    })
  })

  it('errors are ordered path, query, header, cookie, body in one 422', async () => {
    const res = await within(
      app.request('/orders/x?verbose=maybe', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a": "1"}',
      }),
    )
    expect(await issuesOf(res)).toEqual([
      {
        type: 'int_parsing',
        loc: ['path', 'id'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: 'x',
      },
      {
        type: 'bool_parsing',
        loc: ['query', 'verbose'],
        msg: 'Input should be a valid boolean, unable to interpret input',
        input: 'maybe',
      },
      { type: 'missing', loc: ['header', 'x-api-key'], msg: 'Field required', input: null },
      { type: 'missing', loc: ['cookie', 'session'], msg: 'Field required', input: null },
      { type: 'int_type', loc: ['body', 'a'], msg: 'Input should be a valid integer', input: '1' },
    ])
  })

  it('all of the same route valid → 200 with coerced values', async () => {
    const res = await within(
      app.request('/orders/12?verbose=ON', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', cookie: 'session=s%20t' },
        body: '{"a": 1}',
      }),
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      params: { id: 12 },
      query: { verbose: true },
      headers: { 'x-api-key': 'k' },
      cookies: { session: 's t' },
      body: { a: 1 },
    })
  })

  it('repeated keys fill an array; a single ?q=7 gives [7]', async () => {
    expect(await (await within(app.request('/arr?q=7'))).json()).toEqual({ q: [7] })
    expect(await (await within(app.request('/arr?q=1&q=2&q=3'))).json()).toEqual({ q: [1, 2, 3] })
    expect(await issueOf(await within(app.request('/arr?q=1&q=x')))).toEqual({
      type: 'int_parsing',
      loc: ['query', 'q', 1],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: 'x',
    })
  })

  it('a repeated key for a scalar takes the last value (as Starlette)', async () => {
    expect(await (await within(app.request('/int?v=1&v=2'))).json()).toEqual({ v: 2 })
  })

  const truthy = ['true', 'TRUE', 'True', '1', 'yes', 'YES', 'Yes', 'on', 'ON', 'oN']
  const falsy = ['false', 'FALSE', 'False', '0', 'no', 'NO', 'No', 'off', 'OFF', 'oFf']
  it('booleans: true/false/1/0/yes/no/on/off in any case', async () => {
    for (const value of truthy) {
      expect(await (await within(app.request(`/bool?v=${value}`))).json(), value).toEqual({ v: true })
    }
    for (const value of falsy) {
      expect(await (await within(app.request(`/bool?v=${value}`))).json(), value).toEqual({ v: false })
    }
  })

  for (const value of ['maybe', '2', '', 'truee', ' true', '-1', '%00']) {
    it(`boolean ${JSON.stringify(value)} → bool_parsing`, async () => {
      expect(await issueOf(await within(app.request(`/bool?v=${value}`)))).toEqual({
        type: 'bool_parsing',
        loc: ['query', 'v'],
        msg: 'Input should be a valid boolean, unable to interpret input',
        input: decodeURIComponent(value),
      })
    })
  }

  it('integers: int_parsing for non-integers; floats: float_parsing', async () => {
    for (const value of ['1.5', 'abc', '', '0x10', '1,000', '١']) {
      expect(await issueOf(await within(app.request(`/int?v=${encodeURIComponent(value)}`))), value).toEqual({
        type: 'int_parsing',
        loc: ['query', 'v'],
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: value,
      })
    }
    for (const value of ['abc', '', '1.2.3', '0x10', '1,5']) {
      expect(
        await issueOf(await within(app.request(`/float?v=${encodeURIComponent(value)}`))),
        value,
      ).toEqual({
        type: 'float_parsing',
        loc: ['query', 'v'],
        msg: 'Input should be a valid number, unable to parse string as a number',
        input: value,
      })
    }
    expect(await (await within(app.request('/int?v=%2B5'))).json()).toEqual({ v: 5 })
    expect(await (await within(app.request('/int?v=-7'))).json()).toEqual({ v: -7 })
    expect(await (await within(app.request('/float?v=1e3'))).json()).toEqual({ v: 1000 })
    expect(await (await within(app.request('/float?v=.5'))).json()).toEqual({ v: 0.5 })
    expect(await (await within(app.request('/float?v=7'))).json()).toEqual({ v: 7 })
  })

  it('a number too large for a double is finite_number, in the query and in a JSON body', async () => {
    expect(await issueOf(await within(app.request('/float?v=1e400')))).toEqual({
      type: 'finite_number',
      loc: ['query', 'v'],
      msg: 'Input should be a finite number',
      input: '1e400',
    })
    expect((await issueOf(await within(app.request(`/int?v=${'9'.repeat(400)}`)))).type).toBe('finite_number')
    const res = await within(
      postJson('/items', '{"name":"a","price":-1e400,"qty":1e400,"flag":true,"tags":[]}'),
    )
    expect(res.status).toBe(422)
    expect((await res.json()).detail).toEqual([
      {
        type: 'finite_number',
        loc: ['body', 'price'],
        msg: 'Input should be a finite number',
        input: '-Infinity',
      },
      {
        type: 'finite_number',
        loc: ['body', 'qty'],
        msg: 'Input should be a finite number',
        input: 'Infinity',
      },
    ])
  })

  it('leap days are dates in leap years only', async () => {
    expect(await (await within(app.request('/date?v=2028-02-29'))).json()).toEqual({
      v: '2028-02-29T00:00:00.000Z',
    })
    expect(await (await within(app.request('/date?v=2000-02-29'))).json()).toEqual({
      v: '2000-02-29T00:00:00.000Z',
    })
    expect((await issueOf(await within(app.request('/date?v=2100-02-29')))).type).toBe('date_parsing')
  })

  it('an integer in exponent notation is int_parsing (as pydantic: int("1e3") fails)', async () => {
    expect((await issueOf(await within(app.request('/int?v=1e3')))).type).toBe('int_parsing')
  })

  it('enum errors', async () => {
    expect(await issueOf(await within(app.request('/enum?v=d')))).toEqual({
      type: 'enum',
      loc: ['query', 'v'],
      msg: "Input should be 'a', 'b' or 'c'",
      input: 'd',
      ctx: { expected: "'a', 'b' or 'c'" },
    })
    expect(await (await within(app.request('/enum?v=b'))).json()).toEqual({ v: 'b' })
  })

  it('string length: string_too_short / string_too_long with ctx', async () => {
    expect(await issueOf(await within(app.request('/str?v=ab')))).toEqual({
      type: 'string_too_short',
      loc: ['query', 'v'],
      msg: 'String should have at least 3 characters',
      input: 'ab',
      ctx: { min_length: 3 },
    })
    expect(await issueOf(await within(app.request('/str?v=abcdef')))).toEqual({
      type: 'string_too_long',
      loc: ['query', 'v'],
      msg: 'String should have at most 5 characters',
      input: 'abcdef',
      ctx: { max_length: 5 },
    })
  })

  it('number bounds: greater_than_equal / less_than_equal with ctx', async () => {
    const low = await issueOf(await within(app.request('/bounded?v=0')))
    expect(low).toMatchObject({
      type: 'greater_than_equal',
      loc: ['query', 'v'],
      msg: 'Input should be greater than or equal to 1',
      ctx: { ge: 1 },
    })
    const high = await issueOf(await within(app.request('/bounded?v=11')))
    expect(high).toMatchObject({
      type: 'less_than_equal',
      loc: ['query', 'v'],
      msg: 'Input should be less than or equal to 10',
      ctx: { le: 10 },
    })
  })

  it('number bounds report the input as sent (FastAPI: "input": "0", the string)', async () => {
    expect((await issueOf(await within(app.request('/bounded?v=0')))).input).toBe('0')
    expect((await issueOf(await within(app.request('/bounded?v=11')))).input).toBe('11')
  })

  it('dates from ISO 8601 strings', async () => {
    expect(await (await within(app.request('/date?v=2026-11-22'))).json()).toEqual({
      v: '2026-11-22T00:00:00.000Z',
    })
    expect(await (await within(app.request('/date?v=2026-11-22T10:00:00Z'))).json()).toEqual({
      v: '2026-11-22T10:00:00.000Z',
    })
    for (const value of [
      'nope',
      '2026-13-01',
      '22/11/2026',
      '',
      '2026-11-22T25:00:00Z',
      // Impossible days, which new Date() would move to the next month.
      '2026-02-30',
      '2026-02-29',
      '2026-04-31T10:00:00Z',
      '2026-11-00',
      '2026-11-22T10:60:00Z',
      '2026-11-22T24:00:00Z',
      '2026-11-22T10:00:00+24:00',
    ]) {
      const issue = await issueOf(await within(app.request(`/date?v=${encodeURIComponent(value)}`)))
      expect(issue.loc, value).toEqual(['query', 'v'])
      expect(issue.type, value).toMatch(/date/)
      expect(issue.input, value).toBe(value)
    }
  })

  it('malformed percent-encoding in the query → 422 with the raw text, not 500', async () => {
    expect(await issueOf(await within(app.request('/int?v=%ZZ')))).toMatchObject({
      type: 'int_parsing',
      loc: ['query', 'v'],
      input: '%ZZ',
    })
    expect(await issueOf(await within(app.request('/bool?v=%')))).toMatchObject({
      type: 'bool_parsing',
      input: '%',
    })
    for (const q of ['v=%E0%A4%A', 'v=%FF', 'v=%C0%AF', '%ZZ=1', 'v=1&%=%&&&=']) {
      const res = await within(app.request(`/int?${q}`))
      expect(res.status, q).not.toBe(500)
      if (res.status !== 200) await expectClientError(res)
    }
  })

  it('malformed percent-encoding in the path → 422 (integer) or the raw text (string), not 500', async () => {
    expect(await issueOf(await within(app.request('/p/%ZZ')))).toMatchObject({
      type: 'int_parsing',
      loc: ['path', 'id'],
      input: '%ZZ',
    })
    expect(await (await within(app.request('/s/%E2%82%AC'))).json()).toEqual({ name: '€' })
    const raw = await within(app.request('/s/%ZZ'))
    expect(raw.status).toBe(200)
    expect(await raw.json()).toEqual({ name: '%ZZ' })
    for (const path of ['/s/%', '/s/%FF', '/s/%E0%A4%A', '/p/%00', '/p/%2F', '/s/a%2Fb', '/s/%C0%AF']) {
      const res = await within(app.request(path))
      expect(res.status, path).not.toBe(500)
      if (res.status !== 200) await expectClientError(res)
    }
  })

  it('malformed cookies and headers never answer 500', async () => {
    for (const cookie of ['session', '=', ';;;', 'session="', 'session=%ZZ', 'session=a=b; session=c']) {
      const res = await within(app.request('/cookie', { headers: { cookie } }))
      expect(res.status, cookie).not.toBe(500)
      if (res.status !== 200) await expectClientError(res)
    }
  })
})

describe('forms', () => {
  it('a multipart form with a file and z.file()', async () => {
    const form = new FormData()
    form.set('name', 'n')
    form.set('file', new File(['hello'], 'a.txt', { type: 'text/plain' }))
    const res = await within(app.request('/form', { method: 'POST', body: form }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ name: 'n', filename: 'a.txt', size: 5, text: 'hello' })
  })

  it('a missing file → missing at ["body", "file"]', async () => {
    const form = new FormData()
    form.set('name', 'n')
    const res = await within(app.request('/form', { method: 'POST', body: form }))
    expect(await issueOf(res)).toEqual({
      type: 'missing',
      loc: ['body', 'file'],
      msg: 'Field required',
      input: null,
    })
  })

  it('a string where a file is expected → 422 at ["body", "file"]', async () => {
    const res = await within(
      app.request('/form', { method: 'POST', body: new URLSearchParams('name=n&file=abc') }),
    )
    const issue = await issueOf(res)
    expect(issue.loc).toEqual(['body', 'file'])
    expect(issue.input).toBe('abc')
  })

  it('urlencoded values are coerced like parameters', async () => {
    const ok = await within(
      app.request('/urlform', { method: 'POST', body: new URLSearchParams('name=a+b&n=3') }),
    )
    expect(await ok.json()).toEqual({ name: 'a b', n: 3 })
    const bad = await within(
      app.request('/urlform', { method: 'POST', body: new URLSearchParams('name=a&n=x') }),
    )
    expect(await issueOf(bad)).toEqual({
      type: 'int_parsing',
      loc: ['body', 'n'],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: 'x',
    })
  })

  it('multipart with a boundary that does not match the body → 400', async () => {
    const body = '--abc\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--abc--\r\n'
    const res = await postJson('/form', body, 'multipart/form-data; boundary=zzz')
    expect(res.status).toBe(400)
    expect(typeof ((await res.json()) as { detail: unknown }).detail).toBe('string')
  })

  it('multipart without a boundary, or truncated → 400', async () => {
    const noBoundary = await postJson('/form', 'garbage', 'multipart/form-data')
    expect(noBoundary.status).toBe(400)
    expect(typeof ((await noBoundary.json()) as { detail: unknown }).detail).toBe('string')
    const truncated = '--abc\r\nContent-Disposition: form-data; name="name"\r\n\r\nx'
    const res = await postJson('/form', truncated, 'multipart/form-data; boundary=abc')
    expect(res.status).toBe(400)
  })

  it('a form route given JSON → 422, not 500', async () => {
    await expectClientError(await postJson('/form', '{"name": "n"}'))
  })
})

describe('routing', () => {
  it('a method the path does not serve → 405 with Allow', async () => {
    for (const method of ['DELETE', 'PUT', 'PATCH', 'POST', 'OPTIONS']) {
      const res = await within(app.request('/p/1', { method }))
      expect(res.status, method).toBe(405)
      expect(await res.json()).toEqual({ detail: 'Method Not Allowed' })
      expect(res.headers.get('allow')?.split(/,\s*/)).toContain('GET')
    }
  })

  it('an unknown method → 405 or 501, never 500', async () => {
    for (const method of ['PROPFIND', 'FOO', 'BREW']) {
      const res = await within(app.request('/p/1', { method }))
      expect([405, 501], method).toContain(res.status)
      if (res.status === 405) expect(res.headers.get('allow')).toBeTruthy()
    }
  })

  it('an unknown path → 404 {"detail":"Not Found"}', async () => {
    for (const path of ['/nope', '/p', '/p/1/2', '/%ZZ', '/..%2F..%2Fetc%2Fpasswd', '/nope?x=%']) {
      const res = await within(app.request(path))
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await res.json()).toEqual({ detail: 'Not Found' })
    }
  })

  it('HTTPException answers with its status and detail', async () => {
    const res = await within(app.request('/teapot'))
    expect(res.status).toBe(418)
    expect(await res.json()).toEqual({ detail: 'short and stout' })
  })
})

describe('responses', () => {
  it('a return value that violates `response` → 500 text/plain, no stack on the wire', async () => {
    const res = await within(app.request('/bad-response'))
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe('Internal Server Error')
  })

  it('an unhandled error → 500 text/plain, no stack and no message on the wire', async () => {
    const res = await within(app.request('/boom'))
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toBe('Internal Server Error')
    expect(text).not.toMatch(/secret|app\.ts|at /)
    expect(logged.some((message) => message.includes('/boom'))).toBe(true)
  })

  it('response models drop extra keys, keep explicit null, fill defaults, leave optionals absent', async () => {
    const res = await within(app.request('/filtered'))
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual({ id: 1, nick: null, role: 'user' })
    expect(text).not.toContain('note')
    expect(text).not.toContain('hunter2')
  })
})
