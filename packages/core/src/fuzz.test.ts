/**
 * A deterministic fuzzer at the HTTP level: a few thousand malformed requests (odd methods, paths,
 * query strings, headers, cookies and bodies) against a sample app whose routes cover every input
 * location. Invariants: every request is answered (no hang), nothing answers 5xx, every 422 has
 * FastAPI's shape, every other 4xx is `{"detail": ...}`, handlers only ever see inputs of their
 * declared types, and `Object.prototype` is untouched at the end.
 *
 * Reproduce a run with another seed: FUZZ_SEED=1234 pnpm exec vitest run src/fuzz.test.ts
 */
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { App, HTTPException } from './index.ts'

// ---------------------------------------------------------------------------------------------
// a seeded pseudo-random generator (mulberry32): the same seed gives the same requests

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
const SEED = Number(env?.FUZZ_SEED ?? 0x7a4d3e)

class Random {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(max: number): number {
    return Math.floor(this.next() * max)
  }

  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  string(length: number, alphabet: string): string {
    const chars = [...alphabet]
    let out = ''
    for (let i = 0; i < length; i++) out += this.pick(chars)
    return out
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) out[i] = this.int(256)
    return out
  }
}

// ---------------------------------------------------------------------------------------------
// the sample app: every input location, coercions, nested bodies, forms, files, a response model

const LIMIT = 512 * 1024
const logged: string[] = []
const app = new App({
  bodyLimit: LIMIT,
  logger: { error: (message, error) => logged.push(`${message} ${String(error)}`), warn: () => {} },
})

/** A handler that sees an input of the wrong type is a framework bug: make it loud (a 500). */
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`invariant broken: ${what}`)
}
const isInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v)
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v)
const isStr = (v: unknown) => typeof v === 'string'
const isOptional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v)

const Kind = z.enum(['a', 'b', 'c'])
const Tag = z.enum(['red', 'green', 'blue'])
const ItemIn = z.object({
  name: z.string().min(1).max(50),
  price: z.number().positive(),
  qty: z.number().int().min(0).default(1),
  tags: z.array(Tag).max(5).optional(),
  active: z.boolean().optional(),
  note: z.string().nullable().optional(),
  address: z.object({ street: z.string().min(1), zip: z.string().regex(/^\d{5}$/) }).optional(),
  meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  when: z.iso.datetime().optional(),
  email: z.email().optional(),
  ref: z.uuid().optional(),
})
const ItemOut = z.object({
  id: z.number().int(),
  name: z.string(),
  price: z.number(),
  qty: z.number().int(),
  tags: z.array(Tag).default([]),
})
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

function checkItem(body: z.output<typeof ItemIn>): void {
  check(isStr(body.name) && body.name.length >= 1, 'body.name')
  check(isNum(body.price) && body.price > 0, 'body.price')
  check(isInt(body.qty), 'body.qty')
  check(
    isOptional(body.tags, (t) => Array.isArray(t) && t.every((x) => Tag.options.includes(x))),
    'tags',
  )
  check(
    isOptional(body.active, (v) => typeof v === 'boolean'),
    'body.active',
  )
  check(Object.getPrototypeOf(body) === Object.prototype, 'body prototype')
}

const itemQuery = {
  q: z.string().max(20).optional(),
  limit: z.number().int().min(0).max(100).default(10),
  tags: z.array(z.string()).default([]),
  ids: z.array(z.number().int()).optional(),
  flag: z.boolean().optional(),
  kind: Kind.optional(),
  since: z.date().optional(),
  ratio: z.number().min(0).max(1).optional(),
}
function checkItemQuery(query: Record<string, unknown>): void {
  check(isOptional(query.q, isStr), 'query.q')
  check(isInt(query.limit) && (query.limit as number) >= 0 && (query.limit as number) <= 100, 'query.limit')
  check(Array.isArray(query.tags) && query.tags.every(isStr), 'query.tags')
  check(
    isOptional(query.ids, (v) => Array.isArray(v) && v.every(isInt)),
    'query.ids',
  )
  check(
    isOptional(query.flag, (v) => typeof v === 'boolean'),
    'query.flag',
  )
  check(
    isOptional(query.kind, (v) => Kind.options.includes(v as 'a')),
    'query.kind',
  )
  check(
    isOptional(query.since, (v) => v instanceof Date && !Number.isNaN(v.getTime())),
    'query.since',
  )
  check(
    isOptional(query.ratio, (v) => isNum(v) && (v as number) >= 0 && (v as number) <= 1),
    'query.ratio',
  )
}

app.get('/', () => ({ hello: 'world' }))
app.get(
  '/items/:id',
  {
    params: { id: z.number().int() },
    query: itemQuery,
    headers: { 'x-token': z.string().optional(), 'x-num': z.number().int().optional() },
    cookies: { session: z.string().optional(), n: z.number().optional() },
    response: ItemOut,
  },
  ({ params, query, headers, cookies }) => {
    check(isInt(params.id), 'params.id')
    checkItemQuery(query)
    check(isOptional(headers['x-token'], isStr), 'headers.x-token')
    check(isOptional(headers['x-num'], isInt), 'headers.x-num')
    check(isOptional(cookies.session, isStr), 'cookies.session')
    check(isOptional(cookies.n, isNum), 'cookies.n')
    if (params.id === 404) throw new HTTPException(404, 'Item not found')
    return { id: params.id, name: 'x', price: 1, qty: query.limit, extra: 'dropped' }
  },
)
app.get('/items', { query: itemQuery }, ({ query }) => {
  checkItemQuery(query)
  return { count: query.limit }
})
app.post('/items', { body: ItemIn, status: 201, response: ItemOut }, ({ body }) => {
  checkItem(body)
  return { id: 1, ...body }
})
app.put(
  '/items/:id',
  {
    params: { id: z.number().int().min(1) },
    query: { notify: z.boolean() },
    headers: { 'x-api-key': z.string().min(3) },
    cookies: { session: z.string() },
    body: ItemIn,
  },
  ({ params, query, headers, cookies, body }) => {
    check(isInt(params.id) && params.id >= 1, 'params.id')
    check(typeof query.notify === 'boolean', 'query.notify')
    check(isStr(headers['x-api-key']) && headers['x-api-key'].length >= 3, 'x-api-key')
    check(isStr(cookies.session), 'cookies.session')
    checkItem(body)
    return { ok: true }
  },
)
app.delete('/items/:id', { params: { id: z.number().int() } }, ({ params }) => {
  check(isInt(params.id), 'params.id')
  return null
})
app.patch('/items/:id', { params: { id: z.number().int() }, body: ItemIn.partial() }, ({ params }) => {
  check(isInt(params.id), 'params.id')
  return { ok: true }
})
app.get(
  '/users/:name/posts/:postId',
  { params: { name: z.string().min(2), postId: z.uuid() } },
  ({ params }) => {
    check(isStr(params.name) && params.name.length >= 2, 'params.name')
    return { ok: true }
  },
)
app.get('/headers', { headers: { 'x-token': z.string(), 'x-num': z.number().int() } }, ({ headers }) => {
  check(isStr(headers['x-token']) && isInt(headers['x-num']), 'headers')
  return { ok: true }
})
app.get('/cookies', { cookies: { session: z.string().min(1), n: z.number().int() } }, ({ cookies }) => {
  check(isStr(cookies.session) && isInt(cookies.n), 'cookies')
  return { ok: true }
})
app.post(
  '/upload',
  {
    form: {
      name: z.string().min(1),
      file: z.file(),
      count: z.number().int().optional(),
      tags: z.array(z.string()).optional(),
    },
  },
  async ({ form }) => {
    check(isStr(form.name), 'form.name')
    check(form.file instanceof File, 'form.file')
    check(isOptional(form.count, isInt), 'form.count')
    check(
      isOptional(form.tags, (v) => Array.isArray(v) && v.every(isStr)),
      'form.tags',
    )
    return { size: (await form.file.arrayBuffer()).byteLength }
  },
)
app.post('/login', { form: { username: z.string(), password: z.string().min(3) } }, ({ form }) => {
  check(isStr(form.username) && isStr(form.password), 'form')
  return { ok: true }
})
app.post('/tree', { body: Tree }, ({ body }) => {
  check(isNum(body.value), 'tree.value')
  return { ok: true }
})
app.post('/any', { body: z.unknown() }, ({ body }) => ({ type: typeof body }))
app.post('/echo', { body: z.object({ a: z.number().int(), b: z.string().optional() }) }, ({ body }) => {
  check(isInt(body.a), 'echo.a')
  return body
})

// ---------------------------------------------------------------------------------------------
// request generators

const ODD = [
  '',
  ' ',
  '0',
  '-0',
  '1',
  '-1',
  '7',
  '404',
  '1.5',
  '1e3',
  '1e400',
  '-1e400',
  '9'.repeat(25),
  '0x10',
  '+5',
  ' 5 ',
  'NaN',
  'Infinity',
  'true',
  'FALSE',
  'yes',
  'off',
  'null',
  'undefined',
  'a',
  'b',
  'red',
  '2026-11-22',
  '2026-11-22T10:00:00Z',
  '2026-13-45',
  '123e4567-e89b-12d3-a456-426614174000',
  '%',
  '%%',
  '%ZZ',
  '%FF',
  '%C0%AF',
  '%E0%A4%A',
  '%00',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  'é',
  '%C3%A9',
  '😀',
  '\u202e',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '<script>',
  "' OR 1=1 --",
  '[]',
  '{}',
  '+',
  '&',
  '=',
  ';',
  ',',
  '"',
  '\\',
  '\t',
  'a'.repeat(300),
]
const KEYS = [
  'q',
  'limit',
  'tags',
  'ids',
  'flag',
  'kind',
  'since',
  'ratio',
  'notify',
  '__proto__',
  'constructor',
  'tags[]',
  '',
  'Q',
  'limit ',
]
const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
const ODD_METHODS = ['PROPFIND', 'FOO', 'patch', 'TRACE-ISH', 'M-SEARCH', 'CONNECTX']
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'text/plain',
  'text/json',
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=latin1',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=abc',
  'multipart/form-data; boundary="a b"',
  'multipart/mixed; boundary=abc',
  '*/*',
  ';;;',
  'application/',
  'json',
  '',
]
const HEADER_NAMES = [
  'x-token',
  'x-num',
  'x-api-key',
  'X-Token',
  'x_token',
  'accept',
  'accept-encoding',
  'origin',
  'x-forwarded-for',
  'authorization',
  'content-length',
  'x-random',
]

function oddValue(r: Random): string {
  if (r.chance(0.15)) return r.string(r.between(0, 12), 'abc019%.-_~+ éZ/?#&=;')
  return r.pick(ODD)
}

/** A path (usually one of the app's routes, sometimes mangled) and the methods its route serves. */
function randomPath(r: Random): { path: string; methods: string[] } {
  const id = () => (r.chance(0.4) ? String(r.between(-3, 500)) : oddValue(r))
  const uuid = () => (r.chance(0.5) ? '123e4567-e89b-12d3-a456-426614174000' : oddValue(r))
  const templates: [() => string, string[]][] = [
    [() => '/', ['GET']],
    [() => `/items/${id()}`, ['GET', 'PUT', 'PATCH', 'DELETE']],
    [() => '/items', ['GET', 'POST']],
    [() => `/users/${oddValue(r)}/posts/${uuid()}`, ['GET']],
    [() => '/headers', ['GET']],
    [() => '/cookies', ['GET']],
    [() => '/upload', ['POST']],
    [() => '/login', ['POST']],
    [() => '/tree', ['POST']],
    [() => '/any', ['POST']],
    [() => '/echo', ['POST']],
  ]
  const [make, methods] = r.pick(templates)
  let path = make()
  if (r.chance(0.3)) {
    const mutation = r.int(8)
    if (mutation === 0) path = `${path}/`
    else if (mutation === 1) path = path.replace('/', '//')
    else if (mutation === 2) path = path.toUpperCase()
    else if (mutation === 3) path = `${path}/${oddValue(r)}`
    else if (mutation === 4) path = path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)
    else if (mutation === 5) path = `/${r.string(r.between(1, 20), 'abc/%.-_~:@!$()*+,;=é😀')}`
    else if (mutation === 6) path = `${path}/..`
    else path = `/./${path.slice(1)}`
  }
  return { path: path.startsWith('/') ? path : `/${path}`, methods }
}

function randomQuery(r: Random): string {
  if (r.chance(0.3)) return ''
  if (r.chance(0.1)) return `?${r.string(r.between(0, 30), 'ab=&%;+#?/ZzF0é')}`
  const pairs: string[] = []
  const count = r.between(1, 6)
  for (let i = 0; i < count; i++) {
    const key = r.chance(0.8) ? r.pick(KEYS) : oddValue(r)
    if (r.chance(0.1)) pairs.push(key)
    else pairs.push(`${key}=${oddValue(r)}`)
  }
  return `?${pairs.join(r.chance(0.9) ? '&' : r.pick(['&&', ';', '&=&']))}`
}

function randomCookie(r: Random): string {
  if (r.chance(0.15)) return r.string(r.between(0, 40), 'session=n1;, "%é\\')
  const parts: string[] = []
  const count = r.between(0, 4)
  for (let i = 0; i < count; i++) {
    const name = r.pick(['session', 'n', '__proto__', 'constructor', 'SESSION', '', 'x'])
    const value = [...oddValue(r)].filter((c) => c.charCodeAt(0) > 0x1f && c !== '\u007f').join('')
    parts.push(r.chance(0.1) ? `${name}="${value}"` : `${name}=${value}`)
  }
  return parts.join(r.pick(['; ', ';', ', ', ' ; ']))
}

/** A JSON-ish value: plausible, wrong-typed, huge, prototype-polluting or nested. */
function randomJson(r: Random, depth = 0): string {
  const kind = r.int(depth > 4 ? 6 : 10)
  switch (kind) {
    case 0:
      return r.pick([
        '0',
        '-0',
        '1',
        '-1',
        '1.5',
        '1e400',
        '-1e400',
        '1e-400',
        '9'.repeat(40),
        '2e308',
        '0.1',
      ])
    case 1:
      return JSON.stringify(oddValue(r))
    case 2:
      return r.pick(['true', 'false', 'null'])
    case 3:
      return `"${r.pick(['red', 'green', 'x', '2026-11-22T10:00:00Z', 'a@b.co', '123e4567-e89b-12d3-a456-426614174000'])}"`
    case 4:
      return JSON.stringify(r.string(r.between(0, 20), 'abc\u0000"\\/\b\n\u2028😀é'))
    case 5:
      return String(r.between(-1000, 1000))
    case 6:
    case 7: {
      const items: string[] = []
      const n = r.between(0, 4)
      for (let i = 0; i < n; i++) items.push(randomJson(r, depth + 1))
      return `[${items.join(',')}]`
    }
    default: {
      const keys = [
        'name',
        'price',
        'qty',
        'tags',
        'active',
        'note',
        'address',
        'meta',
        'when',
        'email',
        'ref',
        'value',
        'children',
        'a',
        'b',
        'street',
        'zip',
        '__proto__',
        'constructor',
        'prototype',
        '\\u005f_proto__',
        '',
      ]
      const entries: string[] = []
      const n = r.between(0, 6)
      for (let i = 0; i < n; i++) entries.push(`"${r.pick(keys)}":${randomJson(r, depth + 1)}`)
      return `{${entries.join(',')}}`
    }
  }
}

function validItem(r: Random): Record<string, unknown> {
  const item: Record<string, unknown> = {
    name: r.pick(['burger', 'fries', 'x']),
    price: r.between(1, 99) / 2,
  }
  if (r.chance(0.5)) item.qty = r.between(0, 5)
  if (r.chance(0.3)) item.tags = ['red', 'blue']
  if (r.chance(0.3)) item.address = { street: 'Main', zip: '12345' }
  if (r.chance(0.3)) item.meta = { a: 1, b: 'two' }
  if (r.chance(0.2)) item.note = null
  return item
}

function mutate(r: Random, text: string): string {
  if (text.length === 0) return r.pick(['{', '[', '"', '}'])
  const at = r.int(text.length + 1)
  switch (r.int(7)) {
    case 0:
      return text.slice(0, at)
    case 1:
      return text.slice(0, at) + r.pick([...'{}[]",:\\ x0-.e']) + text.slice(at)
    case 2:
      return text.slice(0, at) + text.slice(at + 1)
    case 3:
      return (
        text.slice(0, at) +
        r.pick(['\u0000', '\u0001', '\ud800', '😀', 'NaN', 'Infinity', '/*']) +
        text.slice(at)
      )
    case 4:
      return text + r.pick([' x', '}', ']', ',', '{}', '\n\n', '\u0000'])
    case 5:
      return text.replace(/"/g, "'")
    default:
      return (
        text.slice(0, at) + text.slice(at).replace(/[0-9]/, r.pick(['01', '1.', '.1', '--1', '1e', '+1']))
      )
  }
}

function deepJson(r: Random): string {
  const depth = r.pick([100, 1_000, 3_000, 10_000, 50_000])
  switch (r.int(5)) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth)
    case 1:
      return '['.repeat(depth)
    case 2:
      return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`
    case 3:
      return `${'{"value":1,"children":['.repeat(depth)}{"value":1}${']}'.repeat(depth)}`
    default:
      return `{"name":"x","price":1,"meta":${'['.repeat(depth)}${']'.repeat(depth)}}`
  }
}

function multipart(r: Random): { body: Uint8Array; contentType: string } {
  const boundary = r.pick(['----tandem', 'abc', 'a'.repeat(70), 'x y', '--', 'é', "'q'"])
  const encoder = new TextEncoder()
  const chunks: Uint8Array[] = []
  const parts = r.between(0, 4)
  for (let i = 0; i < parts; i++) {
    const name = r.pick(['name', 'file', 'count', 'tags', 'username', 'password', '__proto__', '', 'x"y'])
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"`
    if (r.chance(0.4)) head += `; filename="${r.pick(['a.txt', '', '../../etc/passwd', 'é.bin', 'x"y'])}"`
    if (r.chance(0.1)) head = head.replace('Content-Disposition', 'Content-Dispositio')
    if (r.chance(0.3))
      head += `\r\nContent-Type: ${r.pick(['text/plain', 'application/octet-stream', '', ';;'])}`
    chunks.push(encoder.encode(`${head}\r\n\r\n`))
    chunks.push(r.chance(0.3) ? r.bytes(r.between(0, 64)) : encoder.encode(oddValue(r)))
    chunks.push(encoder.encode('\r\n'))
  }
  if (r.chance(0.8)) chunks.push(encoder.encode(`--${boundary}--\r\n`))
  let body = concat(chunks)
  if (r.chance(0.3)) body = body.slice(0, r.int(body.length + 1))
  if (r.chance(0.1)) body = body.map((b) => (b === 13 ? 32 : b))
  const declared = r.chance(0.8) ? boundary : r.pick(['other', '', 'abc'])
  const contentType = r.pick([
    `multipart/form-data; boundary=${declared}`,
    `multipart/form-data; boundary="${declared}"`,
    `multipart/form-data;boundary=${declared}`,
    'multipart/form-data',
    `multipart/mixed; boundary=${declared}`,
  ])
  return { body, contentType }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

function streamOf(r: Random, total: number, fails: boolean): ReadableStream<Uint8Array> {
  let left = total
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) {
        if (fails) controller.error(new TypeError('terminated: other side closed'))
        else controller.close()
        return
      }
      const size = Math.min(left, r.between(1, 8192))
      left -= size
      controller.enqueue(new TextEncoder().encode('['.repeat(size)))
    },
  })
}

interface Generated {
  method: string
  url: string
  headers: [string, string][]
  body?: BodyInit | undefined
  describe: string
}

type BodyKind =
  | 'valid'
  | 'random'
  | 'mutated'
  | 'bytes'
  | 'deep'
  | 'numbers'
  | 'multipart'
  | 'formdata'
  | 'urlencoded'
  | 'oversize'
  | 'stream'
  | 'empty'

const BODY_KINDS: BodyKind[] = [
  'valid',
  'random',
  'random',
  'mutated',
  'mutated',
  'mutated',
  'bytes',
  'deep',
  'numbers',
  'multipart',
  'multipart',
  'formdata',
  'urlencoded',
  'oversize',
  'stream',
  'empty',
]

function randomBody(r: Random, kind: BodyKind, headers: [string, string][]): [BodyInit | undefined, string] {
  const contentType = (type: string) => {
    if (r.chance(0.85)) headers.push(['content-type', type])
    else if (r.chance(0.5)) headers.push(['content-type', r.pick(CONTENT_TYPES)])
  }
  switch (kind) {
    case 'valid': {
      const text = JSON.stringify(r.chance(0.5) ? validItem(r) : { a: r.between(-5, 5), value: 1 })
      contentType(r.pick(['application/json', 'application/vnd.api+json']))
      return [text, text]
    }
    case 'random': {
      const text = randomJson(r)
      contentType('application/json')
      return [text, text]
    }
    case 'mutated': {
      let text = JSON.stringify(validItem(r))
      for (let i = r.between(1, 3); i > 0; i--) text = mutate(r, text)
      contentType('application/json')
      return [text, text]
    }
    case 'bytes': {
      const bytes = r.bytes(r.between(0, 200))
      contentType(r.pick(CONTENT_TYPES))
      return [bytes as BodyInit, `${bytes.byteLength} random bytes`]
    }
    case 'deep': {
      const text = deepJson(r)
      contentType('application/json')
      return [text, `deep ${text.slice(0, 40)}… (${text.length} chars)`]
    }
    case 'numbers': {
      const n = r.pick([
        '1e400',
        '-1e400',
        '9'.repeat(400),
        '1e-400',
        '-0',
        '0.' + '0'.repeat(400) + '1',
        '1E+2',
      ])
      const text = r.pick([`{"a":${n}}`, `{"name":"x","price":${n},"qty":${n}}`, `{"value":${n}}`, n])
      contentType('application/json')
      return [text, text.slice(0, 80)]
    }
    case 'multipart': {
      const { body, contentType: type } = multipart(r)
      if (r.chance(0.9)) headers.push(['content-type', type])
      return [body as BodyInit, `multipart (${type}, ${body.byteLength} bytes)`]
    }
    case 'formdata': {
      const form = new FormData()
      const n = r.between(0, 5)
      for (let i = 0; i < n; i++) {
        const name = r.pick(['name', 'file', 'count', 'tags', 'username', 'password', '__proto__'])
        if (r.chance(0.4)) form.append(name, new File([r.bytes(r.between(0, 100)) as BlobPart], oddValue(r)))
        else form.append(name, oddValue(r))
      }
      return [form, `FormData with ${n} entries`]
    }
    case 'urlencoded': {
      const text = r.chance(0.7)
        ? randomQuery(r)
            .slice(1)
            .replace(/\b(q|limit|flag)\b/g, () => r.pick(['username', 'password', 'name']))
        : r.string(r.between(0, 40), 'a=&%+;é\u0000')
      contentType('application/x-www-form-urlencoded')
      return [text, text]
    }
    case 'oversize': {
      const text = `{"name":"${'x'.repeat(LIMIT + r.between(1, 2000))}"}`
      contentType('application/json')
      if (r.chance(0.5)) headers.push(['content-length', String(text.length)])
      return [text, `oversize (${text.length} chars)`]
    }
    case 'stream': {
      const total = r.pick([0, 10, LIMIT - 1, LIMIT, LIMIT + 1, LIMIT * 3])
      const fails = r.chance(0.2)
      contentType('application/json')
      return [streamOf(r, total, fails), `stream of ${total} bytes${fails ? ', then an error' : ''}`]
    }
    default:
      contentType(r.pick(CONTENT_TYPES))
      return [r.chance(0.5) ? '' : undefined, 'empty']
  }
}

function generate(r: Random, bodyKind?: BodyKind): Generated {
  const { path, methods } = randomPath(r)
  const method = r.chance(0.75) ? r.pick(methods) : r.chance(0.2) ? r.pick(ODD_METHODS) : r.pick(METHODS)
  const url = `http://localhost${path}${randomQuery(r)}`
  const headers: [string, string][] = []
  const headerCount = r.between(0, 4)
  for (let i = 0; i < headerCount; i++) {
    const value = r.chance(0.5) ? String(r.between(-10, 10)) : oddValue(r)
    headers.push([r.pick(HEADER_NAMES), value])
  }
  if (r.chance(0.5)) headers.push(['cookie', randomCookie(r)])
  let body: BodyInit | undefined
  let described = 'no body'
  const upper = method.toUpperCase()
  if (upper !== 'GET' && upper !== 'HEAD' && (bodyKind || r.chance(0.85))) {
    ;[body, described] = randomBody(r, bodyKind ?? r.pick(BODY_KINDS), headers)
  }
  return { method, url, headers, body, describe: described }
}

// ---------------------------------------------------------------------------------------------
// running and checking

const LOCATIONS = new Set(['path', 'query', 'header', 'cookie', 'body'])
const ISSUE_KEYS = new Set(['type', 'loc', 'msg', 'input', 'ctx'])
const TIMEOUT = 3000

/** Why a 422 body does not have FastAPI's shape, or undefined when it does. */
function shapeProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body is not an object'
  const keys = Object.keys(body)
  if (keys.length !== 1 || keys[0] !== 'detail') return `keys ${JSON.stringify(keys)}`
  const detail = (body as { detail: unknown }).detail
  if (!Array.isArray(detail) || detail.length === 0) return 'detail is not a non-empty array'
  for (const issue of detail as Record<string, unknown>[]) {
    if (issue === null || typeof issue !== 'object') return 'an issue is not an object'
    if (typeof issue.type !== 'string' || issue.type === '') return 'type is not a string'
    if (typeof issue.msg !== 'string' || issue.msg === '') return 'msg is not a string'
    if (!Object.hasOwn(issue, 'input')) return `no input key in ${JSON.stringify(issue)}`
    const loc = issue.loc
    if (!Array.isArray(loc) || loc.length === 0) return 'loc is not a non-empty array'
    if (!LOCATIONS.has(loc[0] as string)) return `loc starts with ${JSON.stringify(loc[0])}`
    if (!loc.every((p) => typeof p === 'string' || (typeof p === 'number' && Number.isInteger(p))))
      return `loc ${JSON.stringify(loc)}`
    for (const key of Object.keys(issue)) if (!ISSUE_KEYS.has(key)) return `extra key ${key}`
    if (Object.hasOwn(issue, 'ctx') && (issue.ctx === null || typeof issue.ctx !== 'object'))
      return 'ctx is not an object'
  }
  return undefined
}

interface Failure {
  problem: string
  request: string
  status?: number
  response?: string
  log?: string[]
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Sends one generated request and returns what is wrong with its answer, if anything. */
async function probe(g: Generated, stats: Map<number, number>): Promise<Failure | 'skipped' | undefined> {
  let request: Request
  try {
    request = new Request(g.url, {
      method: g.method,
      headers: g.headers,
      body: g.body ?? null,
      duplex: 'half',
    } as RequestInit)
  } catch {
    return 'skipped' // the Web API itself refuses to build it (e.g. a header value it cannot carry)
  }
  const summary = `${g.method} ${g.url} headers=${JSON.stringify(g.headers).slice(0, 300)} body=${g.describe.slice(0, 200)}`
  const logStart = logged.length
  const answered = await within(
    (async () => {
      const res = await app.request(request)
      return { res, text: await res.text() }
    })(),
    TIMEOUT,
  )
  if (answered === 'timeout') return { problem: `no response within ${TIMEOUT} ms`, request: summary }
  const { res, text } = answered
  stats.set(res.status, (stats.get(res.status) ?? 0) + 1)
  const fail = (problem: string): Failure => ({
    problem,
    request: summary,
    status: res.status,
    response: text.slice(0, 300),
    log: logged.slice(logStart).map((m) => m.slice(0, 300)),
  })
  if (res.status >= 500) return fail(`answered ${res.status}`)
  if (res.status < 100) return fail('invalid status')
  const isHead = g.method.toUpperCase() === 'HEAD'
  if (res.status === 422) {
    if (isHead) return undefined
    if (!/^application\/json/.test(res.headers.get('content-type') ?? '')) return fail('422 is not JSON')
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return fail('422 body is not JSON')
    }
    const problem = shapeProblem(body)
    return problem ? fail(`422 shape: ${problem}`) : undefined
  }
  if (res.status >= 400 && !isHead) {
    try {
      const body = JSON.parse(text) as Record<string, unknown>
      if (!Object.hasOwn(body, 'detail')) return fail(`${res.status} without detail`)
    } catch {
      return fail(`${res.status} body is not JSON`)
    }
    if (res.status === 405 && !res.headers.get('allow')) return fail('405 without Allow')
  }
  return undefined
}

async function campaign(seed: number, count: number, bodyKind?: BodyKind) {
  const r = new Random(seed)
  const failures: Failure[] = []
  const stats = new Map<number, number>()
  let skipped = 0
  for (let i = 0; i < count; i++) {
    const outcome = await probe(generate(r, bodyKind), stats)
    if (outcome === 'skipped') skipped++
    else if (outcome) failures.push(outcome)
  }
  return { failures, stats, skipped }
}

/** Groups failures by problem, with a few examples of each, for a readable assertion message. */
function report(failures: Failure[]): string {
  const groups = new Map<string, Failure[]>()
  for (const f of failures) {
    const key = `${f.problem} | ${f.log?.[0]?.slice(0, 120) ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), f])
  }
  return [...groups.entries()]
    .map(
      ([key, list]) =>
        `${list.length}× ${key}\n${list
          .slice(0, 3)
          .map((f) => `   ${JSON.stringify(f)}`)
          .join('\n')}`,
    )
    .join('\n')
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort()
function expectPrototypeClean(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS)
  for (const key of PROTOTYPE_KEYS) {
    const descriptor = Object.getOwnPropertyDescriptor(Object.prototype, key)
    expect(descriptor, key).toBeDefined()
  }
  expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  expect(Object.getPrototypeOf([])).toBe(Array.prototype)
}

afterAll(() => {
  expectPrototypeClean()
})

describe(`fuzz (seed ${SEED})`, () => {
  it('sanity: the sample app answers valid requests', async () => {
    const ok = await app.request('/items/7?limit=3&tags=a&tags=b&flag=on&since=2026-11-22', {
      headers: { 'x-num': '5', cookie: 'session=s; n=1.5' },
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ id: 7, name: 'x', price: 1, qty: 3, tags: [] })
    const created = await app.request('/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'burger', price: 2.5, tags: ['red'] }),
    })
    expect(created.status).toBe(201)
    const form = new FormData()
    form.set('name', 'n')
    form.set('file', new File(['abc'], 'a.txt'))
    form.append('tags', 'x')
    form.append('tags', 'y')
    const uploaded = await app.request('/upload', { method: 'POST', body: form })
    expect(uploaded.status).toBe(200)
    expect(await uploaded.json()).toEqual({ size: 3 })
  })

  it('random requests of every kind (3000)', async () => {
    const { failures, stats, skipped } = await campaign(SEED, 3000)
    expect(skipped).toBeLessThan(500)
    expect([...stats.keys()].some((s) => s === 422)).toBe(true)
    expect(failures.length, `\n${report(failures)}\n`).toBe(0)
  }, 60_000)

  it('mutated and random JSON bodies (1000)', async () => {
    const r = new Random(SEED + 1)
    const failures: Failure[] = []
    const stats = new Map<number, number>()
    for (let i = 0; i < 1000; i++) {
      const path = r.pick(['/items', '/echo', '/tree', '/any', '/items/5'])
      const method = path === '/items/5' ? r.pick(['PUT', 'PATCH']) : 'POST'
      const headers: [string, string][] = [
        ['x-api-key', 'key'],
        ['cookie', 'session=s'],
      ]
      const [body, describe] = randomBody(r, r.pick(['mutated', 'random', 'numbers', 'valid']), headers)
      const outcome = await probe(
        { method, url: `http://localhost${path}?notify=true`, headers, body, describe },
        stats,
      )
      if (outcome && outcome !== 'skipped') failures.push(outcome)
    }
    expect(stats.get(422) ?? 0).toBeGreaterThan(100)
    expect(failures.length, `\n${report(failures)}\n`).toBe(0)
  }, 60_000)

  it('multipart, urlencoded and FormData garbage (600)', async () => {
    const r = new Random(SEED + 2)
    const failures: Failure[] = []
    const stats = new Map<number, number>()
    for (let i = 0; i < 600; i++) {
      const headers: [string, string][] = []
      const [body, describe] = randomBody(
        r,
        r.pick(['multipart', 'multipart', 'formdata', 'urlencoded']),
        headers,
      )
      const path = r.pick(['/upload', '/login', '/items'])
      const outcome = await probe(
        { method: 'POST', url: `http://localhost${path}`, headers, body, describe },
        stats,
      )
      if (outcome && outcome !== 'skipped') failures.push(outcome)
    }
    expect(failures.length, `\n${report(failures)}\n`).toBe(0)
  }, 60_000)

  it('deep, huge and streamed bodies (200)', async () => {
    const r = new Random(SEED + 3)
    const failures: Failure[] = []
    const stats = new Map<number, number>()
    for (let i = 0; i < 200; i++) {
      const headers: [string, string][] = []
      const [body, describe] = randomBody(r, r.pick(['deep', 'oversize', 'stream']), headers)
      const path = r.pick(['/items', '/tree', '/any', '/echo', '/upload'])
      const outcome = await probe(
        { method: 'POST', url: `http://localhost${path}`, headers, body, describe },
        stats,
      )
      if (outcome && outcome !== 'skipped') failures.push(outcome)
    }
    expect(stats.get(413) ?? 0).toBeGreaterThan(0)
    expect(failures.length, `\n${report(failures)}\n`).toBe(0)
  }, 60_000)

  it('leaves Object.prototype untouched', () => {
    expectPrototypeClean()
  })
})
