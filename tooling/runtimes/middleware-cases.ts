// The middleware matrix, as data: each middleware Hono ships that makes sense on a server, how it is
// mounted, the routes under it and the requests that exercise it. middleware-app.ts builds a Tandem
// app and a plain Hono app from this list; middleware-suite.ts sends every request to both, on Node,
// Bun and workerd, and compares status, headers and body. docs/routes.md's middleware table is the
// prose of this file: what is here passes; what is not says why there.
import { Hono, type MiddlewareHandler } from 'hono'
import { basicAuth } from 'hono/basic-auth'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { cache } from 'hono/cache'
import { every, except, some } from 'hono/combine'
import { compress } from 'hono/compress'
import type { GetConnInfo } from 'hono/conninfo'
import { contextStorage } from 'hono/context-storage'
import { cors } from 'hono/cors'
import { csrf } from 'hono/csrf'
import { etag } from 'hono/etag'
import { ipRestriction } from 'hono/ip-restriction'
import { jwk } from 'hono/jwk'
import { jwt } from 'hono/jwt'
import { languageDetector } from 'hono/language'
import { logger } from 'hono/logger'
import { methodOverride } from 'hono/method-override'
import { mount } from 'hono/mount'
import { poweredBy } from 'hono/powered-by'
import { prettyJSON } from 'hono/pretty-json'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import { timeout } from 'hono/timeout'
import { timing } from 'hono/timing'
import { appendTrailingSlash, trimTrailingSlash } from 'hono/trailing-slash'

/** The large answer (over compress()'s 1 KiB threshold). */
export const LARGE = {
  items: Array.from({ length: 60 }, (_, id) => ({ id, name: `item number ${id}`, tags: ['a', 'b'] })),
}
const LARGE_JSON = JSON.stringify(LARGE)

/** What a route answers (middleware-app.ts writes each for both apps). */
export type Answer =
  | 'json'
  | 'large'
  | 'echo'
  | 'async'
  | 'slow'
  | 'context'
  | 'blocking'
  | 'stream'
  /** Throws Hono's HTTPException with a `res`. */
  | 'throws'
  /** Throws Hono's HTTPException with a message, from a blocking function on the pool. */
  | 'throws-blocking'

/** One request of a case, sent to both apps. */
export interface MatrixRequest {
  /** What it shows. */
  name: string
  method?: string
  /** Under the case's prefix. */
  path: string
  /** A function reads the same app's answer to the request before (etag's If-None-Match). */
  headers?: Record<string, string | ((previous: Headers) => string)>
  body?: string
  /** Sent without Content-Length (a stream, chunked). */
  chunked?: boolean
  /**
   * Compare only the status and these headers: the answer itself differs by design (Tandem's 404 is
   * FastAPI's `{"detail":"Not Found"}` in JSON, Hono's is `404 Not Found` in text).
   */
  only?: string[]
  /** Headers not compared, each with the reason (a difference the docs explain). */
  ignore?: Record<string, string>
  /** The body the client must read, from both apps (the same on both is not enough). */
  answer?: string
}

/** What a case mounts its middleware with. */
export interface MountContext {
  /** The app being built (methodOverride() dispatches the rewritten request to it). */
  app: { fetch: (request: Request, env?: any, executionCtx?: any) => Response | Promise<Response> }
  /** How the runtime's Hono adapter tells the client's address (ipRestriction()). */
  getConnInfo: GetConnInfo
}

/** One middleware (or one use of it) on both apps. */
export interface MiddlewareCase {
  /** The middleware as Hono exports it (`basicAuth`), and what this case shows. */
  name: string
  /** Its routes and middleware live under `/<prefix>`. */
  prefix: string
  /** Adds the middleware: `use(path, ...handlers)`, the path under the prefix. */
  mount(use: (path: string, ...handlers: MiddlewareHandler[]) => void, context: MountContext): void
  /** `[method, path under the prefix, answer]`. */
  routes: [string, string, Answer][]
  requests: MatrixRequest[]
  /** Headers whose values change from request to request: both must be there and match. */
  shapes?: Record<string, RegExp>
  /** Runtimes where it does not work (on plain Hono either), with the reason: skipped there. */
  unsupported?: Partial<Record<'node' | 'bun' | 'workerd', string>>
}

const JSON_TYPE = { 'content-type': 'application/json' }
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }
const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`
/** HS256 over `{"sub":"matrix","role":"tester"}` with the secret `matrix-secret`. */
const TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJtYXRyaXgiLCJyb2xlIjoidGVzdGVyIn0.3MhG3buBkwi985KYuYtPj2_Wy2VGlFbP47izvPjPHNQ'
/** An ES256 public key, and a token it verifies (`{"sub":"matrix"}`, kid `matrix-key`). */
const PUBLIC_JWK = {
  crv: 'P-256',
  kty: 'EC',
  x: 'h_UixaDAJAzbUIJB_W8Ema8Z-97W2z0TDN9XTLAHeS4',
  y: 'fSOuyRIfb2oRRQ7svmC0Vf7qkNYLhplVT7wpW5Cnegg',
  kid: 'matrix-key',
  alg: 'ES256',
}
const ES256_TOKEN =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6Im1hdHJpeC1rZXkifQ.eyJzdWIiOiJtYXRyaXgifQ.' +
  'MdwhypYCS5L3GLdZiMM6AGMuMnKL2MOR0S18k8IXOt1W0HA4UWETBnBngsxyRe59JeryezGrD5DWgl6THs_oyw'
/** Another application, mounted under a path with mount(). */
const mounted = new Hono().get('/hello', (c) => c.json({ from: 'the mounted app', path: c.req.path }))
/** The test client's address, whatever the runtime (workerd reads it from `CF-Connecting-IP`). */
const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1']
const FROM_LOOPBACK = { 'cf-connecting-ip': '127.0.0.1' }
/** requestId()'s ids: a UUID, or the one the client sent. */
const REQUEST_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|given-by-client)$/

const json = (path = '/json'): [string, string, Answer] => ['GET', path, 'json']

export const middlewareCases: MiddlewareCase[] = [
  {
    name: 'basicAuth',
    prefix: '/basic-auth',
    mount: (use) => use('/*', basicAuth({ username: 'user', password: 'pass', realm: 'matrix' })),
    routes: [json()],
    requests: [
      { name: 'no credentials', path: '/json' },
      { name: 'wrong password', path: '/json', headers: { authorization: basic('user', 'nope') } },
      { name: 'right credentials', path: '/json', headers: { authorization: basic('user', 'pass') } },
    ],
  },
  {
    name: 'bearerAuth',
    prefix: '/bearer-auth',
    mount: (use) => use('/*', bearerAuth({ token: 'secret-token' })),
    routes: [json(), ['POST', '/echo', 'echo']],
    requests: [
      { name: 'no token', path: '/json' },
      { name: 'malformed header', path: '/json', headers: { authorization: 'Bearer' } },
      { name: 'wrong token', path: '/json', headers: { authorization: 'Bearer nope' } },
      { name: 'right token', path: '/json', headers: { authorization: 'Bearer secret-token' } },
      {
        name: 'right token, a body',
        method: 'POST',
        path: '/echo',
        headers: { authorization: 'Bearer secret-token', ...JSON_TYPE },
        body: '{"text":"fries"}',
      },
    ],
  },
  {
    name: 'bodyLimit',
    prefix: '/body-limit',
    mount: (use) => use('/*', bodyLimit({ maxSize: 32 })),
    routes: [['POST', '/echo', 'echo']],
    requests: [
      { name: 'small body', method: 'POST', path: '/echo', headers: JSON_TYPE, body: '{"text":"fries"}' },
      {
        name: 'large body, Content-Length',
        method: 'POST',
        path: '/echo',
        headers: JSON_TYPE,
        body: JSON.stringify({ text: 'x'.repeat(100) }),
      },
      {
        name: 'small body, chunked',
        method: 'POST',
        path: '/echo',
        headers: JSON_TYPE,
        body: '{"text":"fries"}',
        chunked: true,
      },
      {
        name: 'large body, chunked',
        method: 'POST',
        path: '/echo',
        headers: JSON_TYPE,
        body: JSON.stringify({ text: 'x'.repeat(100) }),
        chunked: true,
      },
    ],
  },
  {
    name: 'compress',
    prefix: '/compress',
    mount: (use) => use('/*', compress()),
    routes: [['GET', '/large', 'large']],
    requests: [
      { name: 'gzip', path: '/large', headers: { 'accept-encoding': 'gzip' }, answer: LARGE_JSON },
      { name: 'deflate', path: '/large', headers: { 'accept-encoding': 'deflate' }, answer: LARGE_JSON },
      {
        name: 'no encoding accepted',
        path: '/large',
        headers: { 'accept-encoding': 'identity' },
        answer: LARGE_JSON,
      },
    ],
    unsupported: {
      workerd:
        'workerd compresses a response that names a Content-Encoding itself: compress() makes it compress twice ' +
        '(plain Hono too). Leave compression to the runtime (Cloudflare compresses at its edge).',
    },
  },
  {
    name: 'contextStorage',
    prefix: '/context-storage',
    mount: (use) =>
      use('/*', contextStorage(), async (c, next) => {
        c.set('message' as never, 'set by middleware' as never)
        await next()
      }),
    routes: [['GET', '/message', 'context']],
    requests: [{ name: 'getContext() in the route', path: '/message' }],
  },
  {
    name: 'cache',
    prefix: '/cache',
    mount: (use) =>
      use(
        '/*',
        cache({ cacheName: 'matrix', cacheControl: 'max-age=60', wait: true, onCacheNotAvailable: false }),
      ),
    routes: [json()],
    requests: [
      { name: 'first request', path: '/json' },
      { name: 'second request', path: '/json' },
    ],
    // Node and Bun have no Cache API: it lets every request through (and says so once), on plain Hono too.
    unsupported: {
      workerd:
        'the test harness runs workerd without a cache service, where caches.open() throws "No Cache was ' +
        'configured" (plain Hono answers 500 too); on Cloudflare the Cache API is there',
    },
  },
  {
    name: 'cors',
    prefix: '/cors',
    mount: (use) =>
      use('/*', cors({ origin: 'https://shop.example', allowHeaders: ['x-token'], maxAge: 600 })),
    routes: [json()],
    requests: [
      { name: 'simple request', path: '/json', headers: { origin: 'https://shop.example' } },
      { name: 'other origin', path: '/json', headers: { origin: 'https://evil.example' } },
      {
        name: 'preflight',
        method: 'OPTIONS',
        path: '/json',
        headers: { origin: 'https://shop.example', 'access-control-request-method': 'PUT' },
      },
      {
        name: 'unknown path',
        path: '/nothing',
        headers: { origin: 'https://shop.example' },
        only: ['access-control-allow-origin', 'vary'],
      },
    ],
  },
  {
    name: 'csrf',
    prefix: '/csrf',
    mount: (use) => use('/*', csrf({ origin: 'https://shop.example' })),
    routes: [['POST', '/form', 'json']],
    requests: [
      {
        name: 'form from the origin',
        method: 'POST',
        path: '/form',
        headers: { ...FORM_TYPE, origin: 'https://shop.example' },
        body: 'a=1',
      },
      {
        name: 'form from elsewhere',
        method: 'POST',
        path: '/form',
        headers: { ...FORM_TYPE, origin: 'https://evil.example' },
        body: 'a=1',
      },
    ],
  },
  {
    name: 'etag',
    prefix: '/etag',
    mount: (use) => use('/*', etag()),
    routes: [json()],
    requests: [
      { name: 'first request', path: '/json' },
      {
        name: 'If-None-Match',
        path: '/json',
        headers: { 'if-none-match': (previous) => previous.get('etag') ?? '' },
      },
    ],
  },
  {
    name: 'ipRestriction (denied)',
    prefix: '/ip-deny',
    mount: (use, { getConnInfo }) => use('/*', ipRestriction(getConnInfo, { denyList: LOOPBACK })),
    routes: [json()],
    requests: [{ name: 'from loopback', path: '/json', headers: FROM_LOOPBACK }],
  },
  {
    name: 'ipRestriction (allowed)',
    prefix: '/ip-allow',
    mount: (use, { getConnInfo }) => use('/*', ipRestriction(getConnInfo, { allowList: LOOPBACK })),
    routes: [json()],
    requests: [{ name: 'from loopback', path: '/json', headers: FROM_LOOPBACK }],
  },
  {
    name: 'jwt',
    prefix: '/jwt',
    mount: (use) => use('/*', jwt({ secret: 'matrix-secret', alg: 'HS256' })),
    routes: [json()],
    requests: [
      { name: 'no token', path: '/json' },
      { name: 'invalid token', path: '/json', headers: { authorization: 'Bearer a.b.c' } },
      { name: 'valid token', path: '/json', headers: { authorization: `Bearer ${TOKEN}` } },
    ],
  },
  {
    name: 'jwk',
    prefix: '/jwk',
    mount: (use) => use('/*', jwk({ keys: [PUBLIC_JWK], alg: ['ES256'] })),
    routes: [json()],
    requests: [
      { name: 'no token', path: '/json' },
      { name: 'invalid token', path: '/json', headers: { authorization: `Bearer ${TOKEN}` } },
      { name: 'valid token', path: '/json', headers: { authorization: `Bearer ${ES256_TOKEN}` } },
    ],
  },
  {
    name: 'languageDetector',
    prefix: '/language',
    mount: (use) => use('/*', languageDetector({ supportedLanguages: ['en', 'fr'], fallbackLanguage: 'en' })),
    routes: [json()],
    requests: [{ name: 'Accept-Language', path: '/json', headers: { 'accept-language': 'fr-FR,fr;q=0.9' } }],
  },
  {
    name: 'logger',
    prefix: '/logger',
    mount: (use) =>
      use(
        '/*',
        logger(() => {}),
      ),
    routes: [json()],
    requests: [{ name: 'logged', path: '/json' }],
  },
  {
    name: 'methodOverride',
    prefix: '/method-override',
    mount: (use, { app }) => use('/*', methodOverride({ app: app as never })),
    routes: [['DELETE', '/item', 'json']],
    requests: [
      {
        name: 'form _method=DELETE',
        method: 'POST',
        path: '/item',
        headers: FORM_TYPE,
        body: '_method=DELETE',
      },
    ],
  },
  {
    name: 'mount',
    prefix: '/mount',
    mount: (use) => use('/legacy/*', mount(mounted.fetch)),
    routes: [json()],
    requests: [
      { name: 'the mounted app', path: '/legacy/hello' },
      { name: 'a route beside it', path: '/json' },
    ],
  },
  {
    name: 'poweredBy',
    prefix: '/powered-by',
    mount: (use) => use('/*', poweredBy({ serverName: 'Matrix' })),
    routes: [json()],
    requests: [{ name: 'X-Powered-By', path: '/json' }],
  },
  {
    name: 'prettyJSON',
    prefix: '/pretty-json',
    mount: (use) => use('/*', prettyJSON()),
    routes: [json()],
    requests: [
      { name: 'plain', path: '/json' },
      { name: '?pretty', path: '/json?pretty' },
    ],
  },
  {
    name: 'requestId',
    prefix: '/request-id',
    mount: (use) => use('/*', requestId()),
    routes: [
      json(),
      ['GET', '/async', 'async'],
      ['GET', '/blocking', 'blocking'],
      ['GET', '/stream', 'stream'],
    ],
    requests: [
      { name: 'plain route', path: '/json' },
      { name: 'async route', path: '/async' },
      { name: 'blocking route (pool)', path: '/blocking' },
      { name: 'streamed answer', path: '/stream' },
      { name: 'given id', path: '/json', headers: { 'x-request-id': 'given-by-client' } },
      { name: 'unknown path', path: '/nothing', only: ['x-request-id'] },
    ],
    shapes: { 'x-request-id': REQUEST_ID },
  },
  {
    name: 'secureHeaders',
    prefix: '/secure-headers',
    mount: (use) => use('/*', secureHeaders()),
    routes: [json(), ['GET', '/stream', 'stream']],
    requests: [
      { name: 'plain route', path: '/json' },
      { name: 'streamed answer', path: '/stream' },
    ],
  },
  {
    name: 'timeout',
    prefix: '/timeout',
    mount: (use) => use('/*', timeout(100)),
    routes: [json(), ['GET', '/slow', 'slow']],
    requests: [
      { name: 'in time', path: '/json' },
      {
        name: 'too slow',
        path: '/slow',
        ignore: {
          // Hono answers new Response(res.body, res): a stream, which Bun sends as octet-stream.
          'content-type': "Tandem sends the exception's getResponse() as it is (text/plain on every runtime)",
        },
      },
    ],
  },
  {
    name: 'timing',
    prefix: '/timing',
    mount: (use) => use('/*', timing()),
    routes: [json()],
    requests: [{ name: 'Server-Timing', path: '/json' }],
    shapes: { 'server-timing': /^total;dur=\d+(\.\d+)?;desc="Total Response Time"$/ },
  },
  {
    name: 'trimTrailingSlash',
    prefix: '/trim-slash',
    mount: (use) => use('/*', trimTrailingSlash()),
    routes: [json()],
    requests: [
      // The redirect keeps the 404's headers, and Tandem's 404 is JSON: Content-Type differs.
      { name: 'with a slash', path: '/json/', only: ['location'] },
      { name: 'without', path: '/json' },
    ],
  },
  {
    name: 'appendTrailingSlash',
    prefix: '/append-slash',
    mount: (use) => use('/*', appendTrailingSlash()),
    routes: [json('/json/')],
    requests: [
      // The redirect keeps the 404's headers, and Tandem's 404 is JSON: Content-Type differs.
      { name: 'without a slash', path: '/json', only: ['location'] },
      { name: 'with', path: '/json/' },
    ],
  },
  {
    name: 'some (combine)',
    prefix: '/combine-some',
    mount: (use) =>
      use(
        '/*',
        some(bearerAuth({ token: 'secret-token' }), basicAuth({ username: 'user', password: 'pass' })),
      ),
    routes: [json()],
    requests: [
      { name: 'neither', path: '/json' },
      { name: 'bearer', path: '/json', headers: { authorization: 'Bearer secret-token' } },
      { name: 'basic', path: '/json', headers: { authorization: basic('user', 'pass') } },
    ],
  },
  {
    name: 'every (combine)',
    prefix: '/combine-every',
    mount: (use) =>
      use(
        '/*',
        every(bearerAuth({ token: 'secret-token' }), async (c, next) => {
          c.header('x-checked', 'yes')
          await next()
        }),
      ),
    routes: [json()],
    requests: [
      { name: 'no token', path: '/json' },
      { name: 'token', path: '/json', headers: { authorization: 'Bearer secret-token' } },
    ],
  },
  {
    name: 'except (combine)',
    prefix: '/combine-except',
    mount: (use) => use('/*', except('/combine-except/public', bearerAuth({ token: 'secret-token' }))),
    routes: [json(), json('/public')],
    requests: [
      { name: 'guarded', path: '/json' },
      { name: 'excepted', path: '/public' },
    ],
  },
  {
    name: 'HTTPException (hono/http-exception) from routes',
    prefix: '/http-exception',
    mount: (use) =>
      use('/*', async (c, next) => {
        c.header('x-before', 'set before next')
        await next()
      }),
    routes: [
      ['GET', '/throws', 'throws'],
      ['GET', '/throws-blocking', 'throws-blocking'],
    ],
    requests: [
      { name: 'with a res', path: '/throws' },
      {
        name: 'with a message, from a pool worker',
        path: '/throws-blocking',
        ignore: {
          // Hono answers new Response(res.body, res): a stream, which Bun sends as octet-stream.
          'content-type': "Tandem sends the exception's getResponse() as it is (text/plain on every runtime)",
        },
      },
    ],
  },
  {
    name: 'middleware of your own (headers before and after next())',
    prefix: '/own',
    mount: (use) =>
      use('/*', async (c, next) => {
        c.header('x-before', 'set before next')
        c.header('set-cookie', 'seen=1; Path=/', { append: true })
        await next()
        c.header('x-after', 'set after next')
      }),
    routes: [
      json(),
      ['GET', '/async', 'async'],
      ['GET', '/blocking', 'blocking'],
      ['GET', '/stream', 'stream'],
    ],
    requests: [
      { name: 'plain route', path: '/json' },
      { name: 'async route', path: '/async' },
      { name: 'blocking route (pool)', path: '/blocking' },
      { name: 'streamed answer', path: '/stream' },
      { name: 'HEAD', method: 'HEAD', path: '/json' },
      { name: 'unknown path', path: '/nothing', only: ['x-before', 'x-after', 'set-cookie'] },
    ],
  },
]
