import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { type RuntimeProcess, startProcess } from '@tandem/runtimes'
import {
  type Answer,
  describeCase,
  malformedCase,
  report,
  storm,
  summarize,
} from '@tandem/runtimes/malformed'

// The malformed-request storm of the reliability suite (tooling/runtimes/malformed.ts): a failure
// names its seed and case; MALFORMED_SEED and MALFORMED_COUNT replay or widen a run.
const seed = Number(process.env.MALFORMED_SEED ?? 0x7a4d3)
const count = Number(process.env.MALFORMED_COUNT ?? 10_000)

/** What Bun's own HTTP parser answers before the app sees a request: a status and no body. */
const bunAnswer = (answer: Answer) =>
  answer.status >= 400 && answer.headers['content-type'] === undefined && answer.body === ''

/**
 * Known bug (reported, packages/bun/src/serve.ts): without a usable `Host` (none on HTTP/1.0, or an
 * invalid one), Bun hands the app a relative `request.url` (`/archive/items/`), which Tandem routes
 * from its 9th character on (a 200 from another route, a 404) or answers 500 (the 307 redirect's
 * `new URL(request.url)` throws). Node answers 400 or uses its fallback host. Such cases are counted
 * apart (while they answer 500) until the adapter is fixed; every other app 5xx fails the storm.
 * Reproduction: `GET /archive/items/ HTTP/1.0\r\n\r\n` answers 500 (Node: 404), `GET
 * /archive/items/7 HTTP/1.0\r\n\r\n` answers 200 from /items/:id (Node: 404), and `Host: x:99999`
 * on `GET /login/` answers 500 (Bun's URL `http://x:99999/login/` is absolute but invalid).
 */
const withoutUsableHost = (index: number) =>
  !/\r\nHost: 127\.0\.0\.1\r\n/.test(
    malformedCase(seed, index).bytes.toString('latin1').split('\r\n\r\n')[0]! + '\r\n',
  )

describe('serve() on a real bun process under a storm of malformed requests', () => {
  let server: RuntimeProcess
  beforeAll(async () => {
    server = await startProcess('bun', join(import.meta.dir, 'fixtures', 'malformed.ts'))
  })
  afterAll(() => server?.stop())

  it(`answers ${count} malformed requests without a 5xx, a hang, or a leaked stack`, async () => {
    const port = Number(new URL(server.url).port)
    const results = await storm({ port, seed, count, connections: 16 })
    const summary = summarize(results, bunAnswer)
    console.log(report('bun', summary))
    const show = (list: { result: { index: number }; answer?: Answer; why?: string }[]) =>
      list
        .slice(0, 5)
        .map(({ result, answer, why }) => `${why ?? ''} ${describeCase(seed, result.index, answer)}`)
    const known = summary.app5xx.filter(({ result }) => withoutUsableHost(result.index))
    console.log(`  of the app 5xx, requests without a usable Host (known bug, reported): ${known.length}`)
    expect(show(summary.app5xx.filter(({ result }) => !withoutUsableHost(result.index)))).toEqual([])
    // The known bug's 500s are plain text as well: only theirs are set aside.
    expect(
      show(
        summary.badBodies.filter(
          ({ result, answer }) => !(answer.status === 500 && withoutUsableHost(result.index)),
        ),
      ),
    ).toEqual([])
    expect(summary.hung.map((result) => describeCase(seed, result.index))).toEqual([])
    expect(results.filter(Boolean)).toHaveLength(count)
    expect(server.output()).not.toMatch(/did not answer a request/)
    // Every unhandled error the server logged is one of the known bug's 500s.
    expect(server.output().match(/Unhandled error/g)?.length ?? 0).toBe(known.length)
  }, 120_000)

  it('still answers healthy requests after the storm', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ ok: true })
    const created = await fetch(`${server.url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"fries","price":2.5,"kind":"fries"}',
    })
    expect(created.status).toBe(201)
    const hashed = await fetch(`${server.url}/hash`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":"after"}',
    })
    expect(hashed.status).toBe(200)
  })
})
