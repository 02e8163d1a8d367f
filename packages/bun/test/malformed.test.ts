import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { join } from 'node:path'
import { type RuntimeProcess, startProcess } from '@tandem/runtimes'
import { type Answer, describeCase, report, storm, summarize } from '@tandem/runtimes/malformed'

// The malformed-request storm of the reliability suite (tooling/runtimes/malformed.ts): a failure
// names its seed and case; MALFORMED_SEED and MALFORMED_COUNT replay or widen a run.
const seed = Number(process.env.MALFORMED_SEED ?? 0x7a4d3)
const count = Number(process.env.MALFORMED_COUNT ?? 10_000)

/** What Bun's own HTTP parser answers before the app sees a request: a status and no body. */
const bunAnswer = (answer: Answer) =>
  answer.status >= 400 && answer.headers['content-type'] === undefined && answer.body === ''

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
    expect(show(summary.app5xx)).toEqual([])
    expect(show(summary.badBodies)).toEqual([])
    expect(summary.hung.map((result) => describeCase(seed, result.index))).toEqual([])
    expect(results.filter(Boolean)).toHaveLength(count)
    expect(server.output()).not.toMatch(/did not answer a request/)
    expect(server.output()).not.toMatch(/Unhandled error/)
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
