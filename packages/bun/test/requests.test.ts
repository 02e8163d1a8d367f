// Requests Bun.serve only half-parses, sent over raw sockets to a real `bun` process.
import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { exchange, header, type Proc, start } from './harness.ts'

const HOST = 'Host: 127.0.0.1\r\n'
const health = `GET /health HTTP/1.1\r\n${HOST}\r\n`

let server: Proc
beforeAll(async () => {
  server = await start('server.ts', { POOL_SIZE: '1' })
})
afterAll(() => server?.stop())

describe('what Tandem answers on Bun', () => {
  it('closes the connection after a CONNECT to a host: the request behind it is not left waiting', async () => {
    const got = await exchange(server.port, `CONNECT 127.0.0.1:443 HTTP/1.1\r\n${HOST}\r\n${health}`)
    expect(got.statuses).toEqual([400])
    expect(header(got.text, 'connection')).toBe('close')
    expect(got.text).toContain('CONNECT 127.0.0.1:443 is not a path on this server (no tunnels)')
    expect(got.closed).toBe(true)
  })

  it('closes the connection after a CONNECT to a path: the app answers, nothing behind it runs', async () => {
    const got = await exchange(server.port, `CONNECT /health HTTP/1.1\r\n${HOST}\r\n${health}`)
    expect(got.statuses).toEqual([405])
    expect(header(got.text, 'connection')).toBe('close')
    expect(header(got.text, 'allow')).toBe('GET, HEAD')
    expect(got.closed).toBe(true)
  })

  it('gives a request without Host the server host, as Node does', async () => {
    const got = await exchange(server.port, 'GET /health HTTP/1.0\r\n\r\n')
    expect(got.statuses).toEqual([200])
    expect(got.text).toContain('"ok":true')
    const empty = await exchange(server.port, `GET /health HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n`)
    expect(empty.statuses).toEqual([200])
  })

  it('answers 400 for a Host header that makes no URL, as Node does', async () => {
    const got = await exchange(
      server.port,
      `GET /health HTTP/1.1\r\nHost: a b/c\r\nConnection: close\r\n\r\n`,
    )
    expect(got.statuses).toEqual([400])
    expect(header(got.text, 'content-type')).toBe('application/json')
    expect(got.text).toContain(
      '{"detail":"Bad request: Invalid Host header: a b/c. Send a valid Host header and request path."}',
    )
  })

  it('answers 400 for a Host whose port makes no URL, and serves the next host again', async () => {
    const got = await exchange(server.port, `GET /health HTTP/1.1\r\nHost: x:99999\r\n\r\n${health}`)
    expect(got.statuses).toEqual([400, 200])
    expect(got.text).toContain('Bad request: Invalid Host header: x:99999.')
    const other = await exchange(
      server.port,
      'GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    )
    expect(other.statuses).toEqual([200])
  })

  it('keeps the body of a request rebuilt with the server host', async () => {
    const body = '{"input":"a"}'
    const got = await exchange(
      server.port,
      `POST /hash HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    )
    expect(got.statuses).toEqual([200])
    expect(got.text).toContain('"hash":"ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"')
  })
})

// Bun's parser answers these before Tandem sees a request; docs/runtimes/bun.md describes them. The
// tests pin Bun 1.4.5's behaviour, so that a Bun upgrade that changes it shows here (and in the docs).
describe("what Bun.serve answers itself (Bun 1.4.5's parser)", () => {
  it('a malformed request line: an empty 505, Connection: close, closed; nothing behind it runs', async () => {
    for (const line of ['GET /health HTTP/1.1 x', 'GET /he alth HTTP/1.1', 'GET /health HTTP/2.7']) {
      const got = await exchange(server.port, `${line}\r\n${HOST}\r\n${health}`)
      expect({ line, text: got.text, closed: got.closed }).toEqual({
        line,
        text: 'HTTP/1.1 505 HTTP Version Not Supported\r\nConnection: close\r\n\r\n',
        closed: true,
      })
    }
  })

  it('a line that is no request, an invalid header, Content-Length with chunked, OPTIONS *: an empty 400, closed', async () => {
    for (const request of [
      'HELLO\r\n\r\n',
      `GET /health HTTP/1.1\r\n${HOST}Bad Header: x\r\n\r\n`,
      `POST /hash HTTP/1.1\r\n${HOST}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `OPTIONS * HTTP/1.1\r\n${HOST}\r\n`,
      'GET /health HTTP/1.1\r\n\r\n',
    ]) {
      const got = await exchange(server.port, request + health)
      expect({ request, text: got.text, closed: got.closed }).toEqual({
        request,
        text: 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
        closed: true,
      })
    }
  })

  it('a lower-case method: no answer at all, closed', async () => {
    const got = await exchange(server.port, `get /health HTTP/1.1\r\n${HOST}\r\n`)
    expect(got).toMatchObject({ text: '', closed: true })
  })

  it('trailer fields after a chunked body: the request runs, then an empty 400 for the trailer, closed', async () => {
    const chunked = `GET /health HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n`
    const got = await exchange(server.port, chunked + health)
    expect(got.statuses).toEqual([200, 400])
    expect(got.text.endsWith('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')).toBe(true)
    expect(got.closed).toBe(true)
    // An answer still being computed (a blocking handler) when Bun reads the trailer is lost.
    const body = '{"input":"a"}'
    const later = `POST /hash HTTP/1.1\r\n${HOST}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`
    const lost = await exchange(
      server.port,
      `${later}${body.length.toString(16)}\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n`,
    )
    expect(lost.statuses).toEqual([400])
    expect(lost.closed).toBe(true)
  })

  it('a request pipelined behind an answer still being computed: no answer to either, closed', async () => {
    const got = await exchange(server.port, `GET /sleep/1 HTTP/1.1\r\n${HOST}\r\n${health}`)
    expect(got).toMatchObject({ text: '', closed: true })
    // Behind an answer given at once, a pipelined request is answered.
    const quick = await exchange(
      server.port,
      `${health}GET /health HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`,
    )
    expect(quick.statuses).toEqual([200, 200])
  })
})
