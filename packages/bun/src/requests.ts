/**
 * What `Bun.serve` hands to `fetch` that is not an ordinary request, and what Tandem does with it
 * before the app sees it. Everything Bun's own parser refuses (a malformed request line, a lower-case
 * method, trailer fields, ...) is answered by Bun before this code runs: docs/runtimes/bun.md lists it.
 */

type Fetch = (request: Request) => Response | Promise<Response>

/** A `Host` value that would change what the URL means (as `@tandem/node` refuses it). */
const HOST_BREAKERS = /[/?#@\\\s,]/

/**
 * Wraps an app's `fetch` for `Bun.serve`:
 *
 * - A `CONNECT` is answered with `Connection: close`: after an authority-form `CONNECT host:443`,
 *   Bun reads nothing more on the connection as HTTP, so a request sent after it would wait,
 *   unanswered, until the idle timeout. Closing tells the client to send it elsewhere.
 * - A request Bun could make no absolute URL for (no `Host` or an empty one: `request.url` is then
 *   the bare path) gets the server's own host, as on Node; a `Host` that makes no URL (`a b/c`) and
 *   an authority-form `CONNECT` are answered 400 by Tandem, as `@tandem/node` answers them.
 *
 * - An absolute URL whose host is not one (`Host: x:99999`: Bun writes `http://x:99999/`, which no
 *   URL parser accepts) is answered 400, as on Node, instead of failing inside the app.
 *
 * Ordinary requests go to `fetch` unchanged. Like `@tandem/node`, it keeps the last host it checked:
 * a request to that host costs one `startsWith`.
 *
 * @example
 * Bun.serve({ port: 8000, fetch: bunFetch(app.fetch, () => `127.0.0.1:${server.port}`) })
 */
export function bunFetch(fetch: Fetch, host: () => string): Fetch {
  /** `http://<host>/` of the last request whose host made a valid URL. */
  const checked = { origin: '\0' }
  return (request) => {
    if (request.url.startsWith(checked.origin) && request.method !== 'CONNECT') return fetch(request)
    return unusual(request, fetch, host, checked)
  }
}

function unusual(
  request: Request,
  fetch: Fetch,
  host: () => string,
  checked: { origin: string },
): Response | Promise<Response> {
  const url = request.url
  const connect = request.method === 'CONNECT'
  let answer: Response | Promise<Response>
  if (url.startsWith('http://') || url.startsWith('https://')) {
    const end = url.indexOf('/', url.indexOf('//') + 2)
    const origin = end < 0 ? `${url}/` : url.slice(0, end + 1)
    if (URL.canParse(origin)) {
      if (!connect) checked.origin = origin
      answer = fetch(request)
    } else answer = badRequest(`Invalid Host header: ${request.headers.get('host')}`)
  } else if (url.startsWith('/')) {
    const given = request.headers.get('host')
    const rebuilt =
      given && HOST_BREAKERS.test(given) ? undefined : withUrl(request, `http://${given || host()}${url}`)
    answer = rebuilt ? fetch(rebuilt) : badRequest(`Invalid Host header: ${given}`)
  } else {
    answer = badRequest(`${request.method} ${url} is not a path on this server (no tunnels)`)
  }
  return connect ? closing(answer) : answer
}

/** `request` at `url`, body included, or `undefined` if `url` is not one. */
function withUrl(request: Request, url: string): Request | undefined {
  try {
    return new Request(url, request)
  } catch {
    return undefined
  }
}

/** The 400 `@tandem/node` answers for a request target or `Host` that makes no URL. */
function badRequest(what: string): Response {
  const detail = `Bad request: ${what}. Send a valid Host header and request path.`
  return new Response(JSON.stringify({ detail }), {
    status: 400,
    headers: { 'content-type': 'application/json' },
  })
}

async function closing(response: Response | Promise<Response>): Promise<Response> {
  return withConnectionClose(await response)
}

/**
 * `response` with `Connection: close`: Bun closes the connection once it is sent. Its headers are
 * changed in place when they can be; a response whose headers cannot change (one from `fetch()`)
 * is copied around its body.
 *
 * @example
 * return withConnectionClose(await app.fetch(request))
 */
export function withConnectionClose(response: Response): Response {
  try {
    response.headers.set('connection', 'close')
    return response
  } catch {
    const headers = new Headers(response.headers)
    headers.set('connection', 'close')
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
