import { connect, type Socket } from 'node:net'

/**
 * The malformed-request storm of the reliability suite: requests generated from a seed, broken in
 * every way a client (or an attacker) can break HTTP/1.1, sent over raw sockets to a real server
 * running malformed-app.ts. Runtime-neutral (node:net): the Node suite runs it under vitest, the Bun
 * suite under `bun test`. Case `i` of seed `s` is always the same bytes: `malformedCase(s, i)`.
 */

/** mulberry32: a small seeded PRNG, the same numbers on every runtime. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One generated request. */
export interface MalformedCase {
  seed: number
  index: number
  /** The malformation (and the route it was aimed at). */
  kind: string
  /** The bytes sent, as they are sent. */
  bytes: Buffer
  /** Framed right: a server that answers it can read another request on the same connection. */
  keepAlive: boolean
  /** The server may still be waiting for bytes: the client half-closes right after writing. */
  incomplete: boolean
  /** The most answers the bytes can get (pipelined requests). */
  answers: number
  /** A HEAD request: its answer has no body whatever its headers say. */
  head: boolean
}

type Rng = () => number
type Headers = [string, string][]

interface Draft {
  route: string
  method: string
  target: string
  version: string
  headers: Headers
  body: string
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n)
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, list.length)]!
const chance = (rng: Rng, p: number) => rng() < p

// Strings are latin1 throughout: one char is one byte on the wire, so any byte can be written.
const latin1 = (text: string) => Buffer.from(text, 'latin1')
const utf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1')

const WORDS = ['burger', 'fries', 'drink', 'salt', 'ann', 'bob', 'x', 'é', '日本', 'a b', 'ok']
const word = (rng: Rng) => pick(rng, WORDS)

function validItem(rng: Rng): Record<string, unknown> {
  return {
    name: `${word(rng)}-${int(rng, 100)}`,
    price: int(rng, 5000) / 100,
    tags: chance(rng, 0.5) ? [word(rng)] : [],
    kind: pick(rng, ['burger', 'fries', 'drink']),
  }
}

const json = (value: unknown) => utf8Bytes(JSON.stringify(value))
const urlencoded = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

/** A valid request to one of the app's routes: what the malformations start from. */
function validDraft(rng: Rng): Draft {
  const base = (route: string, method: string, target: string, headers: Headers = [], body = ''): Draft => ({
    route,
    method,
    target,
    version: 'HTTP/1.1',
    headers: [['Host', '127.0.0.1'], ...headers],
    body,
  })
  const jsonType: [string, string] = ['Content-Type', 'application/json']
  switch (int(rng, 13)) {
    case 0:
      return base('health', 'GET', '/health')
    case 1:
      return base(
        'get-item',
        'GET',
        `/items/${1 + int(rng, 500)}?limit=${1 + int(rng, 100)}&q=${word(rng)}`,
        [['X-Request-Id', `req-${int(rng, 1e6)}`]],
      )
    case 2:
      return base('post-item', 'POST', '/items', [jsonType], json(validItem(rng)))
    case 3:
      return base(
        'put-item',
        'PUT',
        `/items/${1 + int(rng, 500)}`,
        [jsonType, ['X-Token', 'secret-token']],
        json(validItem(rng)),
      )
    case 4:
      return base('delete-item', 'DELETE', `/items/${1 + int(rng, 500)}`)
    case 5:
      return base('search', 'GET', `/search?q=${word(rng)}&page=${1 + int(rng, 9)}&sort=desc&price_max=9.5`)
    case 6:
      return base(
        'login',
        'POST',
        '/login',
        [['Content-Type', 'application/x-www-form-urlencoded']],
        urlencoded({ username: 'ann', password: 'correct horse', remember: 'true' }),
      )
    case 7: {
      const boundary = `----b${int(rng, 1e9)}`
      const body =
        `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nholiday\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n` +
        `Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\x00\x00\r\n--${boundary}--\r\n`
      return base(
        'upload',
        'POST',
        '/upload',
        [['Content-Type', `multipart/form-data; boundary=${boundary}`]],
        body,
      )
    }
    case 8:
      return base('prefs', 'GET', '/prefs', [
        ['Cookie', `theme=dark; visits=${int(rng, 50)}`],
        ['Accept-Language', 'en, fr'],
      ])
    case 9:
      return base('files', 'GET', `/files/docs/${word(rng) === 'x' ? 'x' : 'readme'}.txt`)
    case 10:
      return base(
        'notes',
        'POST',
        '/notes',
        [jsonType],
        json({ title: 't', text: 'hello', meta: { a: 1 }, nested: { a: { b: 2 } } }),
      )
    case 11:
      return base('ratio', 'POST', '/ratio', [jsonType], json({ n: int(rng, 100), d: 1 + int(rng, 9) }))
    default:
      return chance(rng, 0.5)
        ? base('hash', 'POST', '/hash', [jsonType], json({ input: `text-${int(rng, 1e6)}` }))
        : base('checksum', 'GET', `/checksum/${word(rng) === 'x' ? 'x' : 'abc'}`)
  }
}

/** The bytes of a draft; `Content-Length` added when it has a body and no framing header of its own. */
function render(draft: Draft, options: { eol?: string; length?: boolean } = {}): string {
  const eol = options.eol ?? '\r\n'
  const headers = [...draft.headers]
  const framed = headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))
  if (
    (options.length ?? true) &&
    !framed &&
    (draft.body || draft.method === 'POST' || draft.method === 'PUT')
  )
    headers.push(['Content-Length', String(draft.body.length)])
  const line = draft.version
    ? `${draft.method} ${draft.target} ${draft.version}`
    : `${draft.method} ${draft.target}`
  return `${line}${eol}${headers.map(([n, v]) => `${n}: ${v}${eol}`).join('')}${eol}${draft.body}`
}

const withHeader = (draft: Draft, name: string, value: string): Draft => ({
  ...draft,
  headers: [...draft.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase()), [name, value]],
})
const withoutHeader = (draft: Draft, name: string): Draft => ({
  ...draft,
  headers: draft.headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase()),
})
const asJsonPost = (rng: Rng, draft: Draft): Draft =>
  draft.body && draft.headers.some(([, v]) => v === 'application/json')
    ? draft
    : {
        route: pick(rng, ['post-item', 'notes', 'ratio', 'hash']),
        method: 'POST',
        target: pick(rng, ['/items', '/notes', '/ratio', '/hash']),
        version: 'HTTP/1.1',
        headers: [
          ['Host', '127.0.0.1'],
          ['Content-Type', 'application/json'],
        ],
        body: json(validItem(rng)),
      }

const CONTROL = [
  '\x00',
  '\x01',
  '\x07',
  '\x08',
  '\x0b',
  '\x0c',
  '\x1b',
  '\x7f',
  '\r',
  '\n',
  '\t',
  '\xff',
  '\x80',
]
const BAD_PERCENT = [
  '%',
  '%2',
  '%zz',
  '%00',
  '%C0%AF',
  '%FF',
  '%E2%82',
  '%ED%A0%80',
  '%%',
  '%u0041',
  '%2F',
  '%5C',
  '%0D%0A',
]
const BAD_NUMBERS = [
  'abc',
  '1.5',
  '-1',
  '0',
  '1e3',
  '99999999999999999999999',
  '0x1F',
  'NaN',
  'Infinity',
  '-0',
  ' 1',
  '1 ',
  '',
  '١',
  '1_000',
  '+1',
  '9007199254740993',
  '1e-400',
  '1e400',
]

/** What a mutation makes of a draft: raw bytes (latin1) and what the client should expect. */
interface Made {
  text: string
  keepAlive?: boolean
  incomplete?: boolean
  answers?: number
  head?: boolean
}

type Mutation = (rng: Rng, draft: Draft) => Made

/** Framed right and sent whole: the server can answer and keep the connection. */
const framed = (draft: Draft): Made => ({ text: render(draft), keepAlive: true })
/** Sent whole, but the connection may not be reusable after it. */
const single = (text: string, extra: Partial<Made> = {}): Made => ({ text, ...extra })

const nested = (rng: Rng, depth: number) => {
  const [open, close] = chance(rng, 0.5) ? ['[', ']'] : ['{"a":', '}']
  return `{"title":"t","meta":{"x":${open.repeat(depth)}1${close.repeat(depth)}}}`
}

/** The target as asked, under a prefix, or with its trailing slash changed (a 404 or a 307). */
const elsewhere = (rng: Rng, target: string) => {
  const [path, query] = target.split('?') as [string, string | undefined]
  const moved = pick(rng, [path, `/archive${path}`, `${path}/`, `/archive${path}/`, `/a/b${path}`])
  return query === undefined ? moved : `${moved}?${query}`
}

const MUTATIONS: Record<string, Mutation> = {
  // The request line.
  'method-bad': (rng, d) =>
    single(
      render({
        ...d,
        method: pick(rng, [
          'GETT',
          'get',
          'G ET',
          'PRI',
          '',
          'M-SEARCH',
          'PROPFIND',
          'A'.repeat(200),
          'GE\x00T',
          'POST\x7f',
          'ÄÖ',
          'G{T',
          'LINK',
        ]),
      }),
    ),
  'method-other': (rng, d) => {
    const method = pick(rng, ['TRACE', 'OPTIONS', 'PATCH', 'CONNECT', 'HEAD', 'QUERY', 'PURGE'])
    if (method === 'CONNECT')
      return single(render({ ...d, method, target: pick(rng, ['127.0.0.1:80', d.target, '[::1]:1']) }), {
        head: true,
      })
    return {
      text: render({ ...d, method }),
      keepAlive: method !== 'HEAD' || !d.body,
      head: method === 'HEAD',
    }
  },
  'version-bad': (rng, d) =>
    single(
      render({
        ...d,
        version: pick(rng, [
          'HTTP/1.2',
          'HTTP/2.0',
          'HTTP/0.9',
          'HTTP/1',
          'http/1.1',
          'HTTP/1.1x',
          'HTTP/9.9',
          'HTTP/1.01',
          'HTTP /1.1',
          'HTTPS/1.1',
          '',
        ]),
      }),
    ),
  'line-spacing': (rng, d) => {
    const line = pick(rng, [
      `${d.method}  ${d.target} HTTP/1.1`,
      `${d.method}\t${d.target}\tHTTP/1.1`,
      ` ${d.method} ${d.target} HTTP/1.1`,
      `${d.method} ${d.target} HTTP/1.1 `,
      `${d.method} ${d.target}`,
      `${d.method}`,
      `${d.target} HTTP/1.1`,
    ])
    return single(render(d).replace(/^[^\r]*/, line))
  },
  'line-endings': (rng, d) => {
    const eol = pick(rng, ['\n', '\r', '\r\r\n', '\n\r'])
    return single(render(d, { eol }), { incomplete: eol === '\r' })
  },
  'line-garbage': (rng) => {
    const length = 1 + int(rng, 300)
    let text = ''
    for (let i = 0; i < length; i++) text += String.fromCharCode(int(rng, 256))
    return single(`${text}\r\n\r\n`)
  },
  'leading-empty-lines': (rng, d) => ({ text: '\r\n'.repeat(1 + int(rng, 5)) + render(d), keepAlive: true }),
  // The request target.
  'target-form': (rng, d) =>
    single(
      render({
        ...d,
        target: pick(rng, [
          `http://evil.example${d.target}`,
          `https://127.0.0.1${d.target}`,
          'http://[::1/',
          'http://user:pass@127.0.0.1/health',
          '*',
          '127.0.0.1:80',
          `//${d.target}`,
          `//evil.example/health`,
          'health',
          '?q=1',
          '#frag',
          `${d.target}#fragment`,
          `\\${d.target}`,
          'ftp://127.0.0.1/',
          'http://',
        ]),
      }),
    ),
  'target-overlong': (rng, d) => {
    const size = pick(rng, [2_000, 8_000, 15_000, 20_000, 70_000])
    const where = int(rng, 3)
    const filler = 'a'.repeat(size)
    const target =
      where === 0
        ? `/items/${filler}`
        : where === 1
          ? `/search?q=${filler}`
          : `/files/${'a/'.repeat(size / 2)}`
    return {
      text: render({
        ...d,
        method: 'GET',
        body: '',
        headers: withoutHeader(d, 'Content-Type').headers,
        target,
      }),
      keepAlive: size < 15_000,
    }
  },
  'target-percent': (rng) => {
    const bad = pick(rng, BAD_PERCENT)
    const target = pick(rng, [
      `/items/${bad}`,
      `/items/1?q=${bad}`,
      `/items/1?${bad}=1`,
      `/search?q=a${bad}b`,
      `/files/${bad}`,
      `/checksum/${bad}`,
      `/${bad}`,
      `/health${bad}`,
      `/it%65ms/1`,
    ])
    return framed({
      route: 'percent',
      method: 'GET',
      target,
      version: 'HTTP/1.1',
      headers: [['Host', '127.0.0.1']],
      body: '',
    })
  },
  'target-traversal': (rng) => {
    const target = pick(rng, [
      '/files/../../etc/passwd',
      '/files/..%2f..%2fetc%2fpasswd',
      '/files/%2e%2e/%2e%2e/etc/passwd',
      '/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/files/..\\..\\windows\\win.ini',
      '/files/....//....//etc/passwd',
      '/./items/1',
      '/items/1/../../health',
      '/../../../../health',
      '/files/%252e%252e/secret',
      '/files/.%00./x',
      '/files/%c0%ae%c0%ae/x',
      '/files/docs/./../../x',
    ])
    return framed({
      route: 'traversal',
      method: 'GET',
      target,
      version: 'HTTP/1.1',
      headers: [['Host', '127.0.0.1']],
      body: '',
    })
  },
  'target-control': (rng, d) => {
    const at = 1 + int(rng, Math.max(1, d.target.length - 1))
    const target =
      d.target.slice(0, at) +
      pick(rng, [...CONTROL, ' ', '"', '<', '{', '`', 'é', '\xe9']) +
      d.target.slice(at)
    return single(render({ ...d, target }))
  },
  'query-bad': (rng) => {
    const query = pick(rng, [
      `limit=${pick(rng, BAD_NUMBERS)}`,
      `limit=5&limit=6`,
      `limit=5&limit=abc`,
      `q=${'x'.repeat(500)}`,
      `tags=${'a&tags='.repeat(1000)}b`,
      '=',
      '&&&',
      'a[b]=c&a[c]=d',
      '__proto__=1&constructor=x&toString=y&valueOf=z',
      'q',
      'q=&limit=',
      'limit=0x10',
      'limit=5%00',
      'q=%F0%9F%98%80',
      `q=${'%FF'.repeat(30)}`,
      ';limit=5',
      'limit=5;q=x',
    ])
    const target = chance(rng, 0.5)
      ? `/items/7?${query}`
      : `/search?${query.replaceAll('limit', pick(rng, ['page', 'price_max', 'when', 'fresh', 'sort']))}`
    return framed({
      route: 'query',
      method: 'GET',
      target,
      version: 'HTTP/1.1',
      headers: [['Host', '127.0.0.1']],
      body: '',
    })
  },
  'param-bad': (rng) => {
    const value = encodeURIComponent(pick(rng, BAD_NUMBERS))
    const method = pick(rng, ['GET', 'DELETE', 'PUT'])
    const body = method === 'PUT' ? json(validItem(rng)) : ''
    const headers: Headers = [['Host', '127.0.0.1']]
    if (method === 'PUT') headers.push(['Content-Type', 'application/json'], ['X-Token', 'secret-token'])
    return framed({ route: 'param', method, target: `/items/${value}`, version: 'HTTP/1.1', headers, body })
  },
  // Headers.
  'header-syntax': (rng, d) => {
    const line = pick(rng, [
      'Foo bar',
      'Host : 127.0.0.1',
      'X(bad): 1',
      'X\x00Y: 1',
      'X Y: 1',
      ': empty-name',
      'X-A:\x00',
      'X-A: a\rb',
      'X-A: a\nb',
      'X-A: a\x7fb',
      'X-A: a\x01b',
      'X-A: a\r\n  folded',
      'X-A: a\r\n\tfolded',
      ' X-Leading-Space: 1',
      'X-Long-Name-' + 'n'.repeat(300) + ': 1',
      'Content-Type\x00: application/json',
      'X-Ä: 1',
    ])
    const head = render(d).indexOf('\r\n')
    const text = render(d)
    return single(`${text.slice(0, head + 2)}${line}\r\n${text.slice(head + 2)}`)
  },
  'header-huge': (rng, d) => {
    const size = pick(rng, [4_000, 12_000, 17_000, 40_000, 80_000])
    return {
      text: render(
        withHeader(
          d,
          pick(rng, ['X-Big', 'Cookie', 'Accept-Language', 'X-Request-Id', 'Authorization']),
          'v'.repeat(size),
        ),
      ),
      keepAlive: size < 12_000,
    }
  },
  'header-many': (rng, d) => {
    const count = pick(rng, [100, 500, 1_500, 2_100, 3_000])
    const headers: Headers = [...d.headers]
    const same = chance(rng, 0.5)
    for (let i = 0; i < count; i++) headers.push([same ? 'X-Same' : `X-H${i}`, String(i)])
    return { text: render({ ...d, headers }), keepAlive: count <= 500 }
  },
  host: (rng, d) => {
    const kind = int(rng, 3)
    if (kind === 0) return single(render(withoutHeader({ ...d, target: elsewhere(rng, d.target) }, 'Host')))
    if (kind === 1)
      return single(
        render({ ...d, headers: [...d.headers, ['Host', pick(rng, ['127.0.0.1', 'evil.example'])]] }),
      )
    const host = pick(rng, [
      'a b',
      '',
      'x/y',
      '[::1',
      'evil@x',
      'x:99999',
      'x:abc',
      'é.example',
      'x?y',
      'x#y',
      '\\x',
      '127.0.0.1:',
      '[::1]:80',
      'localhost:0',
      'a'.repeat(300),
      '%41',
    ])
    return single(render(withHeader({ ...d, target: elsewhere(rng, d.target) }, 'Host', host)))
  },
  'header-values': (rng, d) => {
    const choice = int(rng, 6)
    if (choice === 0) return framed(withHeader(d, 'X-Request-Id', 'r'.repeat(65 + int(rng, 500))))
    if (choice === 1)
      return framed(
        withHeader(d, 'X-Request-Id', pick(rng, ['\xe9t\xe9', '\xff\xfe', 'a\tb', ' padded ', '日本'])),
      )
    if (choice === 2)
      return framed({
        ...withHeader(asJsonPost(rng, d), 'X-Token', pick(rng, ['short', '', ' ', 'x'.repeat(7)])),
        method: 'PUT',
        target: '/items/3',
      })
    if (choice === 3)
      return framed({ ...withoutHeader(asJsonPost(rng, d), 'X-Token'), method: 'PUT', target: '/items/3' })
    if (choice === 4)
      return framed({
        ...d,
        headers: [...d.headers, ['Content-Type', 'text/plain'], ['Content-Type', 'application/json']],
      })
    return framed(withHeader(d, 'Accept-Language', pick(rng, [',,,', 'en;q=abc', '\xff', 'x'.repeat(1000)])))
  },
  cookie: (rng) => {
    const cookie = pick(rng, [
      'visits=abc',
      'visits=-5',
      'visits=1e999',
      'visits=99999999999999999999',
      'theme=purple',
      '=;;;',
      'visits',
      'theme="unterminated',
      'theme="dark"',
      Array.from({ length: 500 }, (_, i) => `c${i}=${i}`).join('; '),
      '__proto__=1; constructor=2; toString=3',
      'visits=1; visits=abc',
      'theme=\xe9',
      'visits=%31%32',
      'visits=%zz',
      ';visits=1',
      'visits=1;;theme=dark',
      'theme=dark\x00',
    ])
    const headers: Headers = [
      ['Host', '127.0.0.1'],
      ['Cookie', cookie],
    ]
    if (chance(rng, 0.3)) headers.push(['Cookie', 'theme=light'])
    return (cookie.includes('\x00') ? single : (text: string) => ({ text, keepAlive: true }))(
      render({ route: 'prefs', method: 'GET', target: '/prefs', version: 'HTTP/1.1', headers, body: '' }),
    )
  },
  expect: (rng, d) => {
    const draft = withHeader(
      asJsonPost(rng, d),
      'Expect',
      pick(rng, ['100-continue', 'garbage', '100-continue, x', '200-ok']),
    )
    return single(render(draft), { answers: 2 })
  },
  upgrade: (rng, d) =>
    single(
      render({
        ...withHeader(
          withHeader(d, 'Connection', 'Upgrade'),
          'Upgrade',
          pick(rng, ['websocket', 'h2c', 'TLS/1.0', 'x']),
        ),
        ...(chance(rng, 0.5)
          ? {}
          : {
              headers: [
                ...d.headers,
                ['Connection', 'Upgrade, HTTP2-Settings'],
                ['Upgrade', 'h2c'],
                ['HTTP2-Settings', 'AAMAAABkAAQAAP__'],
              ],
            }),
      }),
    ),
  'connection-header': (rng, d) => {
    const value = pick(rng, [
      'close',
      'keep-alive',
      'Keep-Alive, Close',
      'x-unknown',
      '',
      'close\x01',
      'te, close',
    ])
    return single(render(withHeader(d, 'Connection', value)))
  },
  http10: (rng, d) =>
    single(
      render({
        ...(chance(rng, 0.5) ? withoutHeader(d, 'Host') : d),
        target: elsewhere(rng, d.target),
        version: 'HTTP/1.0',
      }),
    ),
  // Content-Length.
  'cl-bad': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const value = pick(rng, [
      '-1',
      'abc',
      '0x10',
      '1 2',
      '+5',
      '5.0',
      '',
      ' ',
      `${draft.body.length}abc`,
      '99999999999999999999999',
      '-0',
      '1e3',
      `\x00${draft.body.length}`,
    ])
    return single(render(withHeader(draft, 'Content-Length', value)))
  },
  'cl-duplicate': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const n = draft.body.length
    const pair = pick(rng, [
      [n, n + 1],
      [n, n],
      [n + 5, n],
      [0, n],
    ])
    const list = chance(rng, 0.3)
    const headers: Headers = list
      ? [...draft.headers, ['Content-Length', `${pair[0]}, ${pair[1]}`]]
      : [...draft.headers, ['Content-Length', String(pair[0])], ['Content-Length', String(pair[1])]]
    return single(render({ ...draft, headers }), { incomplete: true })
  },
  'cl-bigger': (rng, d) => {
    const draft = asJsonPost(rng, d)
    return single(
      render(withHeader(draft, 'Content-Length', String(draft.body.length + 1 + int(rng, 1000)))),
      { incomplete: true },
    )
  },
  'cl-smaller': (rng, d) => {
    const draft = asJsonPost(rng, d)
    return single(render(withHeader(draft, 'Content-Length', String(int(rng, draft.body.length)))), {
      answers: 2,
    })
  },
  'cl-huge': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const value = pick(rng, ['1000000000', '65537', '9007199254740993', '18446744073709551616', '4294967296'])
    return single(render(withHeader(draft, 'Content-Length', value)), { incomplete: true })
  },
  'cl-on-get': (rng, d) =>
    framed({
      ...d,
      method: pick(rng, ['GET', 'DELETE', 'HEAD', 'OPTIONS']),
      target: d.target,
      body: '{"x":1}',
    }),
  // Transfer-Encoding.
  'te-chunks': (rng, d) => {
    const draft = withoutHeader(asJsonPost(rng, d), 'Content-Length')
    const body = draft.body
    const chunks = pick(rng, [
      `zz\r\n${body}\r\n0\r\n\r\n`,
      `-1\r\n${body}\r\n0\r\n\r\n`,
      `FFFFFFFFFFFFFFFFFFFF\r\n${body}\r\n0\r\n\r\n`,
      `${(body.length + 10).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      `${body.length.toString(16)}\r\n${body}0\r\n\r\n`,
      `${body.length.toString(16)};ext=\x00\r\n${body}\r\n0\r\n\r\n`,
      `${body.length.toString(16)};${'e'.repeat(5000)}\r\n${body}\r\n0\r\n\r\n`,
      `0x${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ` ${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      `${body.length.toString(16)}\n${body}\n0\n\n`,
      `${body.length.toString(16)}\r\n${body}\r\n`,
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n`,
      `1\r\n${body.slice(0, 1)}\r\n${(body.length - 1).toString(16)}\r\n${body.slice(1)}\r\n0\r\n\r\n`,
      `${'0'.repeat(100)}${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    ])
    return single(render(withHeader(draft, 'Transfer-Encoding', 'chunked')) + chunks, { incomplete: true })
  },
  'te-and-cl': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const body = `${draft.body.length.toString(16)}\r\n${draft.body}\r\n0\r\n\r\n`
    const headers: Headers = [
      ...draft.headers,
      ['Transfer-Encoding', 'chunked'],
      ['Content-Length', String(pick(rng, [draft.body.length, body.length, 3]))],
    ]
    return single(render({ ...draft, headers, body }), { incomplete: true, answers: 2 })
  },
  'te-values': (rng, d) => {
    const draft = withoutHeader(asJsonPost(rng, d), 'Content-Length')
    const te = pick(rng, [
      'gzip, chunked',
      'chunked, gzip',
      'chunked, chunked',
      ' chunked',
      'Chunked',
      'xchunked',
      'identity',
      'gzip',
      'chunked\x00',
      'chunked;q=1',
      '',
    ])
    const headers: Headers = chance(rng, 0.2)
      ? [...draft.headers, ['Transfer-Encoding', 'chunked'], ['Transfer-Encoding', te]]
      : [...draft.headers, ['Transfer-Encoding', te]]
    const body = `${draft.body.length.toString(16)}\r\n${draft.body}\r\n0\r\n\r\n`
    return single(render({ ...draft, headers, body }), { incomplete: true, answers: 2 })
  },
  'te-trailers': (rng, d) => {
    const draft = withoutHeader(asJsonPost(rng, d), 'Content-Length')
    const trailer = pick(rng, [
      'X-Trailer: 1\r\n',
      'Content-Length: 5\r\n',
      'Host: evil\r\n',
      `X-Big: ${'t'.repeat(20_000)}\r\n`,
      'bad trailer\r\n',
      'X-A: \x00\r\n',
      'Transfer-Encoding: chunked\r\n',
    ])
    const body = `${draft.body.length.toString(16)}\r\n${draft.body}\r\n0\r\n${trailer}\r\n`
    return single(
      render({
        ...draft,
        headers: [...draft.headers, ['Transfer-Encoding', 'chunked'], ['Trailer', 'X-Trailer']],
        body,
      }),
      { incomplete: true },
    )
  },
  'te-http10': (rng, d) => {
    const draft = withoutHeader(asJsonPost(rng, d), 'Content-Length')
    const body = `${draft.body.length.toString(16)}\r\n${draft.body}\r\n0\r\n\r\n`
    return single(
      render({
        ...draft,
        version: 'HTTP/1.0',
        headers: [...draft.headers, ['Transfer-Encoding', 'chunked']],
        body,
      }),
      { incomplete: true },
    )
  },
  'te-valid-chunked': (rng, d) => {
    // Well-formed chunking of a broken body: the framing holds, the content does not.
    const draft = withoutHeader(asJsonPost(rng, d), 'Content-Length')
    const body = pick(rng, ['{"name":', '\xff\xfe', nested(rng, 600), '{"__proto__":{"x":1}}', ''])
    const chunked = body ? `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : '0\r\n\r\n'
    return {
      text: render({
        ...draft,
        headers: [...draft.headers, ['Transfer-Encoding', 'chunked']],
        body: chunked,
      }),
      keepAlive: true,
    }
  },
  // Bodies.
  'body-truncated': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const text = render(draft)
    return single(text.slice(0, text.length - 1 - int(rng, Math.max(1, draft.body.length - 1))), {
      incomplete: true,
    })
  },
  'head-truncated': (rng, d) => {
    const text = render(d)
    const end = text.indexOf('\r\n\r\n')
    return single(text.slice(0, 1 + int(rng, end + 2)), { incomplete: true })
  },
  'body-utf8': (rng, d) => {
    const bad = pick(rng, [
      '\xff\xfe',
      '\xc0\xaf',
      '\xed\xa0\x80',
      '\xe2\x82',
      '\xf8\x88\x80\x80\x80',
      '\x80',
      '\xf4\x90\x80\x80',
      '\xef\xbb\xbf',
    ])
    const kind = int(rng, 4)
    if (kind === 0)
      return framed({ ...asJsonPost(rng, d), body: `{"name":"${bad}","price":1,"kind":"fries"}` })
    if (kind === 1) return framed({ ...asJsonPost(rng, d), body: `${bad}{"title":"t"}`, target: '/notes' })
    if (kind === 2)
      return framed({
        route: 'raw',
        method: 'POST',
        target: '/raw',
        version: 'HTTP/1.1',
        headers: [
          ['Host', '127.0.0.1'],
          ['Content-Type', 'text/plain'],
        ],
        body: `a${bad}b`,
      })
    return framed({
      route: 'login',
      method: 'POST',
      target: '/login',
      version: 'HTTP/1.1',
      headers: [
        ['Host', '127.0.0.1'],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      body: `username=${bad}&password=${bad}${bad}${bad}${bad}`,
    })
  },
  'content-type': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const type = pick(rng, [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'application/json; charset=latin1',
      'application/json;;;',
      'application/jsonx',
      'application/json; charset="',
      '*/*',
      'application/problem+json',
      'APPLICATION/JSON',
      'text/json',
      '',
      'application/json, text/plain',
    ])
    return framed(type ? withHeader(draft, 'Content-Type', type) : withoutHeader(draft, 'Content-Type'))
  },
  'json-deep': (rng, d) => {
    const depth = pick(rng, [100, 511, 513, 600, 2_000, 10_000, 30_000])
    const draft = asJsonPost(rng, d)
    return framed({
      ...draft,
      method: 'POST',
      target: pick(rng, ['/notes', '/items', '/ratio']),
      body: nested(rng, depth),
    })
  },
  'json-truncated': (rng, d) => {
    const draft = asJsonPost(rng, d)
    return framed({ ...draft, body: draft.body.slice(0, int(rng, draft.body.length)) })
  },
  'json-types': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const body = pick(rng, [
      '{"name":5,"price":"abc","kind":null,"tags":"x"}',
      '{"name":"a","price":1,"kind":"fries","tags":[1,{},[]]}',
      '[]',
      '"string"',
      '42',
      'null',
      'true',
      '{}',
      '{"n":"1","d":"0"}',
      '{"n":1,"d":0}',
      '{"n":1,"d":1.5}',
      '{"input":{"toString":"x"}}',
      '{"input":["a"]}',
      `{"input":"${'x'.repeat(1001)}"}`,
      '{"title":null,"meta":[]}',
      '{"title":"t","nested":{"a":{"b":"NaN"}}}',
      '{"name":"a","price":1,"kind":"fries","extra":{"deep":[1,2,3]}}',
    ])
    return framed({ ...draft, body })
  },
  'json-numbers': (rng, d) => {
    const value = pick(rng, [
      '1e400',
      '-1e400',
      '123456789012345678901234567890',
      '1.7976931348623157e309',
      '1e-400',
      'NaN',
      'Infinity',
      '-0',
      '0.1e',
      '01',
      '1.',
      '.5',
      '+1',
      '0x10',
      '1_0',
      '9007199254740993',
    ])
    const target = pick(rng, ['/ratio', '/items', '/notes'])
    const body =
      target === '/ratio'
        ? `{"n":${value},"d":${value}}`
        : target === '/items'
          ? `{"name":"a","price":${value},"kind":"fries"}`
          : `{"title":"t","nested":{"a":{"b":${value}}}}`
    return framed({ ...asJsonPost(rng, d), method: 'POST', target, body })
  },
  'json-proto': (rng, d) => {
    const body = pick(rng, [
      '{"__proto__":{"admin":true},"title":"t"}',
      '{"title":"t","meta":{"__proto__":{"polluted":1}}}',
      '{"constructor":{"prototype":{"polluted":1}},"title":"t"}',
      '{"title":"t","meta":{"constructor":{"prototype":{"x":1}}}}',
      '{"title":"t","meta":{"__pro\\u0074o__":{"x":1}}}',
      '{"name":"a","price":1,"kind":"fries","__proto__":[]}',
      '{"title":"t","nested":{"__proto__":{"a":{"b":1}}}}',
      '{"title":"t","meta":{"toString":1,"valueOf":2,"hasOwnProperty":3}}',
    ])
    return framed({
      ...asJsonPost(rng, d),
      method: 'POST',
      target: chance(rng, 0.8) ? '/notes' : '/items',
      body,
    })
  },
  'json-syntax': (rng, d) => {
    const body = pick(rng, [
      '\xef\xbb\xbf{"title":"t"}',
      '{"title":"t"} trailing',
      '{"title":"t",}',
      "{'title':'t'}",
      '{"title":"t" /* c */}',
      '{"title":"\\ud800"}',
      '{"title":"\\u00"}',
      '{"title":"\\x41"}',
      '{"title":"a\x00b"}',
      '{"title":"a\nb"}',
      `${' '.repeat(50_000)}{"title":"t"}`,
      '{"title":"t","title":"u","title":5}',
      '{"title":"t"}{"title":"u"}',
      '{',
      '',
      '\x00',
      '{"title":"t","meta":{"a":' + '"x",'.repeat(5000) + '"y"}}',
    ])
    return framed({ ...asJsonPost(rng, d), method: 'POST', target: '/notes', body })
  },
  form: (rng) => {
    const urlencodedBody = pick(rng, [
      'username=ann&password=%',
      'username=ann&password=%zz%zz%zz%zz',
      'username=ann&username=bob&password=12345678',
      'password=12345678',
      'username=&password=',
      'a=b=c&&&username=x&password=12345678=9',
      '&&&',
      `username=${'u'.repeat(60_000)}&password=12345678`,
      'username=ann&password=12345678&remember=maybe',
      'username=ann&password=12345678&remember=1&remember=0',
      '__proto__=x&constructor=y&username=ann&password=12345678',
      'username[]=a&password[x]=b',
      'username=ann%00&password=12345678%0D%0A',
    ])
    const boundary = 'XyZ'
    const multipart = pick(rng, [
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nhi\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nhi\r\n--other--\r\n`,
      `--${boundary}--\r\n`,
      `garbage`,
      `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--${boundary}--\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="photo"\r\n\r\nnot a file\r\n--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nx\r\n--${boundary}--\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"; filename="a.txt"\r\n\r\nfile as caption\r\n--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.png"\r\n\r\n\x00\xff\r\n--${boundary}--\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xff\xfe\r\n--${boundary}--\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${'f'.repeat(5000)}"\r\n\r\nx\r\n--${boundary}--\r\n`,
      `--${boundary}\r\n\r\n\r\n--${boundary}--\r\n`,
    ])
    const multi = chance(rng, 0.5)
    const type = multi
      ? pick(rng, [
          `multipart/form-data; boundary=${boundary}`,
          'multipart/form-data',
          `multipart/form-data; boundary="${boundary}`,
          `multipart/form-data; boundary=${'b'.repeat(100)}`,
          `multipart/mixed; boundary=${boundary}`,
        ])
      : pick(rng, [
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-16',
          'text/plain',
        ])
    return framed({
      route: multi ? 'upload' : 'login',
      method: 'POST',
      target: multi ? '/upload' : '/login',
      version: 'HTTP/1.1',
      headers: [
        ['Host', '127.0.0.1'],
        ['Content-Type', type],
      ],
      body: multi ? multipart : urlencodedBody,
    })
  },
  'body-oversized': (rng, d) => {
    const draft = asJsonPost(rng, d)
    const body = `{"title":"${'x'.repeat(64 * 1024 + int(rng, 10_000))}"}`
    return chance(rng, 0.5)
      ? single(render({ ...draft, method: 'POST', target: '/notes', body }))
      : single(
          render({
            ...draft,
            method: 'POST',
            target: '/notes',
            headers: [...draft.headers, ['Transfer-Encoding', 'chunked']],
            body: `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
          }),
        )
  },
  // The whole message.
  pipelined: (rng, d) => {
    const second = validDraft(rng)
    const middle = pick(rng, [
      'GARBAGE\r\n\r\n',
      `GET /items/abc HTTP/1.1\r\nHost: x\r\n\r\n`,
      'GET / HTTP/1.1\r\n\r\n',
      '\x00\x00\x00\r\n',
    ])
    return single(render(d) + middle + render(second), { answers: 3 })
  },
  'bytes-control': (rng, d) => {
    let text = render(d)
    const count = 1 + int(rng, 3)
    for (let i = 0; i < count; i++) {
      const at = int(rng, text.length)
      text = text.slice(0, at) + pick(rng, CONTROL) + text.slice(at + 1)
    }
    return single(text, { incomplete: true, head: d.method === 'HEAD' })
  },
  'bytes-flip': (rng, d) => {
    let text = render(d)
    const count = 1 + int(rng, 4)
    for (let i = 0; i < count; i++) {
      const at = int(rng, text.length)
      text = text.slice(0, at) + String.fromCharCode(int(rng, 256)) + text.slice(at + 1)
    }
    return single(text, { incomplete: true, answers: 2 })
  },
  'valid-control': (_rng, d) => ({ ...framed(d) }),
}

export const MALFORMATIONS: readonly string[] = Object.keys(MUTATIONS)

/** Case `index` of `seed`: the same bytes every time, on every runtime. */
export function malformedCase(seed: number, index: number): MalformedCase {
  const rng = prng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0)
  const name = pick(rng, MALFORMATIONS)
  const draft = validDraft(rng)
  const made = MUTATIONS[name]!(rng, draft)
  return {
    seed,
    index,
    kind: `${name} (${draft.route})`,
    bytes: latin1(made.text),
    keepAlive: made.keepAlive ?? false,
    incomplete: made.incomplete ?? false,
    answers: made.answers ?? 1,
    head: made.head ?? /^HEAD /.test(made.text),
  }
}

/** One answer read off a connection. */
export interface Answer {
  status: number
  /** The status line and header lines, as sent. */
  head: string
  headers: Record<string, string>
  body: string
  /** True when the connection closed before the answer's body was all there. */
  cut: boolean
}

/** What became of one case. */
export interface CaseResult {
  index: number
  kind: string
  /** A HEAD request: its answers have no body to check. */
  head: boolean
  answers: Answer[]
  /** Closed by the server (or reset) with no answer. */
  closedUnanswered: boolean
  /** No answer and still open at the bound. */
  hung: boolean
  /** From the last byte written to the end (answers read, or the connection closed), in ms. */
  ms: number
}

/** Reads HTTP/1.1 answers off bytes as they come; interim (1xx) answers are skipped. */
class AnswerReader {
  buffer = ''
  answers: Answer[] = []
  #current:
    | {
        status: number
        head: string
        headers: Record<string, string>
        need: 'length' | 'chunked' | 'close'
        length: number
      }
    | undefined
  #body = ''

  readonly head: boolean

  constructor(head: boolean) {
    this.head = head
  }

  push(chunk: string): void {
    this.buffer += chunk
    for (;;) {
      if (!this.#current) {
        const end = this.buffer.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = this.buffer.slice(0, end)
        this.buffer = this.buffer.slice(end + 4)
        const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1] ?? 0)
        const headers: Record<string, string> = {}
        for (const line of head.split('\r\n').slice(1)) {
          const colon = line.indexOf(':')
          if (colon > 0) {
            const name = line.slice(0, colon).trim().toLowerCase()
            const value = line.slice(colon + 1).trim()
            headers[name] = name in headers ? `${headers[name]}, ${value}` : value
          }
        }
        if (status >= 100 && status < 200 && status !== 101) continue
        const bodyless = this.head || status === 204 || status === 304 || (status >= 100 && status < 200)
        const length = headers['content-length']
        const need = bodyless
          ? 'length'
          : headers['transfer-encoding']?.includes('chunked')
            ? 'chunked'
            : length !== undefined
              ? 'length'
              : 'close'
        this.#current = { status, head, headers, need, length: bodyless ? 0 : Number(length ?? 0) }
        this.#body = ''
      }
      const current = this.#current
      if (current.need === 'length') {
        if (this.buffer.length < current.length) return
        this.#finish(this.buffer.slice(0, current.length), false)
        this.buffer = this.buffer.slice(current.length)
      } else if (current.need === 'chunked') {
        const eol = this.buffer.indexOf('\r\n')
        if (eol < 0) return
        const size = Number.parseInt(this.buffer.slice(0, eol), 16)
        if (size === 0) {
          const end = this.buffer.indexOf('\r\n\r\n', eol)
          if (end < 0) return
          this.buffer = this.buffer.slice(end + 4)
          this.#finish(this.#body, false)
        } else {
          if (this.buffer.length < eol + 2 + size + 2) return
          this.#body += this.buffer.slice(eol + 2, eol + 2 + size)
          this.buffer = this.buffer.slice(eol + 2 + size + 2)
        }
      } else return
    }
  }

  /** The connection closed: an answer read to its close ends here. */
  close(): void {
    if (!this.#current) return
    const current = this.#current
    if (current.need === 'close') this.#finish(this.#body + this.buffer, false)
    else this.#finish(this.#body + this.buffer, true)
    this.buffer = ''
  }

  #finish(body: string, cut: boolean): void {
    const current = this.#current!
    this.answers.push({ status: current.status, head: current.head, headers: current.headers, body, cut })
    this.#current = undefined
  }
}

/** Options of `storm`. */
export interface StormOptions {
  port: number
  seed: number
  count: number
  /** Connections used at once. */
  connections?: number
  timing?: Timing
}

interface Connection {
  socket: Socket
  reader: AnswerReader | undefined
  closed: boolean
  onChange: (() => void) | undefined
}

function open(port: number): Promise<Connection> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    const connection: Connection = { socket, reader: undefined, closed: false, onChange: undefined }
    socket.setEncoding('latin1')
    socket.setNoDelay(true)
    socket.on('data', (chunk: string) => {
      connection.reader?.push(chunk)
      connection.onChange?.()
    })
    const gone = () => {
      if (connection.closed) return
      connection.closed = true
      connection.reader?.close()
      connection.onChange?.()
    }
    socket.on('end', gone)
    socket.on('close', gone)
    socket.on('error', gone)
    socket.once('connect', () => resolve(connection))
    socket.once('error', () => resolve(connection))
  })
}

/** Sends one case on `connection` and resolves once it is answered, closed, or hung. */
function exchange(
  connection: Connection,
  kase: MalformedCase,
  timing: Required<Timing>,
): Promise<CaseResult> {
  const reader = new AnswerReader(kase.head)
  connection.reader = reader
  return new Promise((resolve) => {
    let started = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    let halfClosed = false
    let done = false
    const finish = (hung: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      connection.onChange = undefined
      resolve({
        index: kase.index,
        kind: kase.kind,
        head: kase.head,
        answers: reader.answers,
        closedUnanswered: !hung && reader.answers.length === 0,
        hung,
        ms: started ? performance.now() - started : 0,
      })
    }
    // A request the server may still wait on: the client says there is nothing more. An answer
    // that comes after (an early 400 or 413) is read as well, until the connection closes.
    const halfClose = () => {
      halfClosed = true
      clearTimeout(timer)
      if (!connection.closed) connection.socket.end()
      timer = setTimeout(() => finish(!connection.closed && reader.answers.length === 0), timing.bound)
    }
    // Waiting for more answers than came: the server had its say once it is quiet for `settle` ms.
    const wait = () => {
      if (halfClosed) return
      clearTimeout(timer)
      timer = setTimeout(
        () => (reader.answers.length > 0 ? finish(false) : halfClose()),
        reader.answers.length > 0 ? timing.settle : timing.patience,
      )
    }
    connection.onChange = () => {
      if (reader.answers.length >= kase.answers || connection.closed) finish(false)
      else if (started) wait()
    }
    if (connection.closed) return finish(false)
    connection.socket.write(kase.bytes, () => {
      started = performance.now()
      if (done) return
      if (kase.incomplete) halfClose()
      else wait()
    })
  })
}

/** How long the client waits (ms). */
export interface Timing {
  /** A request that looks complete, unanswered: how long until the client half-closes. */
  patience?: number
  /** Some answers came, fewer than could: how long a quiet connection is waited on. */
  settle?: number
  /** After the half-close, how long until an open, silent connection counts as hung. */
  bound?: number
}

/** Sends `count` cases of `seed` over `connections` sockets; reuses a socket while cases allow it. */
export async function storm(options: StormOptions): Promise<CaseResult[]> {
  const { port, seed, count, connections = 16 } = options
  const timing = { patience: 1500, settle: 150, bound: 10_000, ...options.timing }
  const results: CaseResult[] = new Array(count)
  let next = 0
  const lane = async () => {
    let connection: Connection | undefined
    let answered = 0
    while (next < count) {
      const kase = malformedCase(seed, next++)
      // A connection is reused only after an answer it was left clean by.
      const reuse = connection && !connection.closed && kase.keepAlive && answered > 0
      if (!reuse) {
        connection?.socket.destroy()
        connection = await open(port)
      }
      const result = await exchange(connection!, kase, timing)
      results[kase.index] = result
      const last = result.answers.at(-1)
      const clean =
        kase.keepAlive &&
        result.answers.length === 1 &&
        !last!.cut &&
        !/close/i.test(last!.headers.connection ?? '') &&
        (connection!.reader?.buffer ?? '') === ''
      answered = clean ? answered + 1 : 0
      if (!clean) {
        connection!.socket.destroy()
        connection = undefined
      }
    }
    connection?.socket.destroy()
  }
  await Promise.all(Array.from({ length: connections }, lane))
  return results
}

/** What the storm's results come to; `runtimeAnswer` tells the runtime's own answers from the app's. */
export interface StormSummary {
  sent: number
  /** Answers the app wrote, by status. */
  appByStatus: Record<number, number>
  /** Answers the runtime wrote before the app saw the request (its parser), by status. */
  runtimeByStatus: Record<number, number>
  closedUnanswered: number
  hung: CaseResult[]
  /** App answers with status >= 500. */
  app5xx: { result: CaseResult; answer: Answer }[]
  /** App error answers that are not JSON `{"detail": ...}`, or that leak a stack or a path. */
  badBodies: { result: CaseResult; answer: Answer; why: string }[]
  longestMs: number
  longest: CaseResult | undefined
}

const LEAKS: [RegExp, string][] = [
  [/\/work\//, 'a /work/ path'],
  [/node_modules/, 'node_modules'],
  [/\.ts:\d*/, 'a .ts: location'],
  [/\n\s*at |\bat \S+ \(|\bat (?:file|node):/, 'a stack frame'],
]

/** Why an app's error answer is not what the app promises (undefined when it is). */
export function badErrorBody(answer: Answer): string | undefined {
  if (answer.cut) return 'the answer was cut short'
  for (const [pattern, what] of LEAKS) if (pattern.test(answer.body)) return `the body shows ${what}`
  if (!/^application\/json/.test(answer.headers['content-type'] ?? ''))
    return `content-type ${answer.headers['content-type']}`
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(answer.body, 'latin1').toString('utf8'))
  } catch {
    return 'the body is not JSON'
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !('detail' in parsed))
    return 'the body is not {"detail": ...}'
  if (Object.keys(parsed).length !== 1) return 'the body has more than detail'
  return undefined
}

export function summarize(results: CaseResult[], runtimeAnswer: (answer: Answer) => boolean): StormSummary {
  const summary: StormSummary = {
    sent: results.length,
    appByStatus: {},
    runtimeByStatus: {},
    closedUnanswered: 0,
    hung: [],
    app5xx: [],
    badBodies: [],
    longestMs: 0,
    longest: undefined,
  }
  for (const result of results) {
    if (result.hung) summary.hung.push(result)
    if (result.closedUnanswered) summary.closedUnanswered++
    if (result.ms > summary.longestMs) {
      summary.longestMs = result.ms
      summary.longest = result
    }
    for (const answer of result.answers) {
      if (runtimeAnswer(answer)) {
        summary.runtimeByStatus[answer.status] = (summary.runtimeByStatus[answer.status] ?? 0) + 1
        continue
      }
      summary.appByStatus[answer.status] = (summary.appByStatus[answer.status] ?? 0) + 1
      if (answer.status >= 500) summary.app5xx.push({ result, answer })
      if (answer.status >= 400 && !result.head) {
        const why = badErrorBody(answer)
        if (why) summary.badBodies.push({ result, answer, why })
      }
    }
  }
  return summary
}

/** A case as a failure message shows it: seed, index, kind, and its bytes escaped. */
export function describeCase(seed: number, index: number, answer?: Answer): string {
  const kase = malformedCase(seed, index)
  const bytes = JSON.stringify(kase.bytes.toString('latin1').slice(0, 600))
  const got = answer
    ? `\n  answered: ${JSON.stringify(`${answer.head}\r\n\r\n${answer.body}`.slice(0, 600))}`
    : ''
  return `seed ${seed} case ${index}: ${kase.kind}\n  sent: ${bytes}${got}`
}

/** The figures of a storm, one line each, for the test's log. */
export function report(runtime: string, summary: StormSummary): string {
  const sorted = (record: Record<number, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, n]) => `${status}×${n}`)
      .join(' ')
  return [
    `${runtime}: ${summary.sent} malformed requests`,
    `  answered by the app: ${sorted(summary.appByStatus)}`,
    `  answered by the runtime's parser: ${sorted(summary.runtimeByStatus) || 'none'}`,
    `  closed without an answer: ${summary.closedUnanswered}; hung: ${summary.hung.length}`,
    `  app 5xx: ${summary.app5xx.length}; bad error bodies: ${summary.badBodies.length}`,
    `  longest time to an answer or close: ${Math.round(summary.longestMs)} ms (${summary.longest?.kind ?? '-'})`,
  ].join('\n')
}
