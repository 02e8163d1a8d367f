import { startProcess } from './index.ts'
import { type Answer, describeCase, report, storm, summarize } from './malformed.ts'

/** The test runner's functions the suite uses: vitest's and `bun:test`'s both fit. */
export interface StormApi {
  describe(name: string, fn: () => void): void
  it(name: string, fn: () => Promise<void>, timeout?: number): void
  beforeAll(fn: () => Promise<void>, timeout?: number): void
  afterAll(fn: () => Promise<unknown> | undefined): void
  expect: any
}

/**
 * What the runtime's own HTTP parser (or server) answers before the app sees a request: a status, no
 * content type and no body. The app's own errors always carry JSON, its 500s plain text.
 */
const runtimeAnswer = (answer: Answer) =>
  answer.status >= 400 && answer.headers['content-type'] === undefined && answer.body === ''

/**
 * The malformed-request storm of the reliability suite against a real `runtime` process serving
 * malformed-app.ts from `entry`: no app 5xx, no hang, every error body `{"detail": ...}` without a
 * stack or a path, and healthy answers after. A failure names its seed and case; MALFORMED_SEED and
 * MALFORMED_COUNT replay or widen a run.
 */
export function runMalformedSuite(runtime: 'node' | 'bun', entry: string, api: StormApi): void {
  const { describe, it, beforeAll, afterAll, expect } = api
  const seed = Number(process.env.MALFORMED_SEED ?? 0x7a4d3)
  const count = Number(process.env.MALFORMED_COUNT ?? 10_000)

  describe(`serve() on a real ${runtime} process under a storm of malformed requests`, () => {
    let server: Awaited<ReturnType<typeof startProcess>> | undefined
    beforeAll(async () => {
      server = await startProcess(runtime, entry)
    }, 30_000)
    afterAll(() => server?.stop())

    it(`answers ${count} malformed requests without a 5xx, a hang, or a leaked stack`, async () => {
      const port = Number(new URL(server!.url).port)
      const results = await storm({ port, seed, count, connections: 16 })
      const summary = summarize(results, runtimeAnswer)
      console.log(report(runtime, summary))
      const show = (list: { result: { index: number }; answer?: Answer; why?: string }[]) =>
        list
          .slice(0, 5)
          .map(({ result, answer, why }) => `${why ?? ''} ${describeCase(seed, result.index, answer)}`)
      expect(show(summary.app5xx)).toEqual([])
      expect(show(summary.badBodies)).toEqual([])
      expect(summary.hung.map((result) => describeCase(seed, result.index))).toEqual([])
      expect(results.filter(Boolean)).toHaveLength(count)
      expect(server!.output()).not.toMatch(/did not answer a request|Unhandled error/)
    }, 120_000)

    it('still answers healthy requests after the storm', async () => {
      const url = server!.url
      expect(await (await fetch(`${url}/health`)).json()).toEqual({ ok: true })
      const created = await fetch(`${url}/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"name":"fries","price":2.5,"kind":"fries"}',
      })
      expect(created.status).toBe(201)
      const hashed = await fetch(`${url}/hash`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"input":"after"}',
      })
      expect(hashed.status).toBe(200)
    })
  })
}
