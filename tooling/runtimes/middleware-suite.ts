import { type RuntimeProcess, startProcess, startWorkerd } from './index.ts'
import { type MatrixRequest, middlewareCases } from './middleware-cases.ts'

/** The test runner's functions the suite uses: vitest's and `bun:test`'s both fit. */
export interface MatrixApi {
  describe(name: string, fn: () => void): void
  it: {
    (name: string, fn: () => Promise<void>, timeout?: number): void
    skip(name: string, fn: () => Promise<void>): void
  }
  beforeAll(fn: () => Promise<void>, timeout?: number): void
  afterAll(fn: () => Promise<unknown> | undefined): void
  expect: any
}

/** The two servers of a runtime: the Tandem app and the plain Hono app, built from the same cases. */
export interface MatrixServers {
  tandem: string
  hono: string
  /** What the Tandem server printed (its unhandled errors would be there). */
  output(): string
  stop(): Promise<void>
}

/**
 * Headers the runtime's HTTP server writes, not the middleware: framing (`Content-Length` or chunked
 * differs between two servers of one runtime when one streams) and the clock.
 */
const FRAMING = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])

/** An answer as compared: status, headers (origins taken out of URLs) and body. */
interface Answer {
  status: number
  headers: Record<string, string>
  body: string
  raw: Headers
}

/**
 * Node or Bun: two processes, one serving the Tandem app (its adapter's `serve()`), one the plain Hono
 * app the runtime's own way (@hono/node-server, `Bun.serve`). Apart, since @hono/node-server replaces
 * the global `Request` and `Response` as Tandem's Node adapter does.
 */
export async function startMatrixProcess(
  runtime: 'node' | 'bun',
  tandemEntry: string,
  honoEntry: string,
): Promise<MatrixServers> {
  return both(
    () => startProcess(runtime, tandemEntry),
    () => startProcess(runtime, honoEntry),
  )
}

/** workerd: two Workers, `export default app` of each (the Tandem one and the plain Hono one). */
export function startMatrixWorkerd(tandemEntry: string, honoEntry: string): Promise<MatrixServers> {
  return both(
    () => startWorkerd(tandemEntry),
    () => startWorkerd(honoEntry),
  )
}

/** Starts the Tandem server, then the Hono one (one at a time: the machine is small). */
async function both(
  tandemServer: () => Promise<RuntimeProcess>,
  honoServer: () => Promise<RuntimeProcess>,
): Promise<MatrixServers> {
  const servers: RuntimeProcess[] = []
  try {
    servers.push(await tandemServer())
    servers.push(await honoServer())
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()))
    throw error
  }
  const [tandem, hono] = servers as [RuntimeProcess, RuntimeProcess]
  return {
    tandem: tandem.url,
    hono: hono.url,
    output: tandem.output,
    stop: async () => void (await Promise.all(servers.map((server) => server.stop()))),
  }
}

async function send(
  base: string,
  prefix: string,
  request: MatrixRequest,
  previous?: Headers,
): Promise<Answer> {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = typeof value === 'function' ? value(previous ?? new Headers()) : value
  }
  let body: BodyInit | undefined = request.body
  if (request.body !== undefined && request.chunked) {
    const bytes = new TextEncoder().encode(request.body)
    body = new ReadableStream({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 8))
        controller.enqueue(bytes.subarray(8))
        controller.close()
      },
    })
  }
  const res = await fetch(`${base}${prefix}${request.path}`, {
    method: request.method ?? 'GET',
    headers,
    body,
    redirect: 'manual',
    ...(request.chunked ? { duplex: 'half' } : {}),
  } as RequestInit)
  const text = await res.text()
  const seen: Record<string, string> = {}
  for (const [name, value] of res.headers) {
    if (FRAMING.has(name)) continue
    seen[name] = value.replaceAll(base, '<origin>')
  }
  if (res.headers.getSetCookie().length > 0) seen['set-cookie'] = res.headers.getSetCookie().join(' / ')
  return { status: res.status, headers: seen, body: text.replaceAll(base, '<origin>'), raw: res.headers }
}

/** How the two answers differ (nothing: the same). */
function differences(
  ours: Answer,
  theirs: Answer,
  request: MatrixRequest,
  shapes: Record<string, RegExp> = {},
): string[] {
  const found: string[] = []
  if (ours.status !== theirs.status) found.push(`status: Tandem ${ours.status}, Hono ${theirs.status}`)
  const names = request.only ?? [...new Set([...Object.keys(ours.headers), ...Object.keys(theirs.headers)])]
  for (const name of names.sort()) {
    if (request.ignore?.[name]) continue
    const [a, b] = [ours.headers[name], theirs.headers[name]]
    const shape = shapes[name]
    if (shape && a !== undefined && b !== undefined) {
      if (!shape.test(a) || !shape.test(b)) found.push(`${name}: Tandem ${a}, Hono ${b} (expected ${shape})`)
    } else if (a !== b) found.push(`${name}: Tandem ${a ?? '(none)'}, Hono ${b ?? '(none)'}`)
  }
  if (!request.only && ours.body !== theirs.body) {
    found.push(`body: Tandem ${JSON.stringify(ours.body)}, Hono ${JSON.stringify(theirs.body)}`)
  }
  if (request.answer !== undefined) {
    for (const [who, answer] of [
      ['Tandem', ours],
      ['Hono', theirs],
    ] as const) {
      if (answer.body !== request.answer)
        found.push(`body: ${who} ${JSON.stringify(answer.body.slice(0, 80))}...`)
    }
  }
  return found
}

/**
 * The middleware matrix on a real `runtime`: for every case of middleware-cases.ts, the same requests
 * to the Tandem app and to the plain Hono app, answers compared (status, headers but the framing
 * ones, body; headers that vary by request by their shape). A failure lists each difference.
 */
export function runMiddlewareMatrix(
  runtime: 'node' | 'bun' | 'workerd',
  start: () => Promise<MatrixServers>,
  api: MatrixApi,
): void {
  const { describe, it, beforeAll, afterAll, expect } = api

  describe(`Hono's middleware on Tandem and on plain Hono, on a real ${runtime} process`, () => {
    let servers: MatrixServers | undefined
    beforeAll(async () => {
      servers = await start()
    }, 60_000)
    afterAll(() => servers?.stop())

    for (const entry of middlewareCases) {
      const why = entry.unsupported?.[runtime]
      if (why) {
        it.skip(`${entry.name}: does not work on ${runtime} (plain Hono either): ${why}`, async () => {})
        continue
      }
      it(`${entry.name}: answers as on plain Hono`, async () => {
        const found: string[] = []
        let previous: { ours: Headers; theirs: Headers } | undefined
        for (const request of entry.requests) {
          const ours = await send(servers!.tandem, entry.prefix, request, previous?.ours)
          const theirs = await send(servers!.hono, entry.prefix, request, previous?.theirs)
          previous = { ours: ours.raw, theirs: theirs.raw }
          for (const difference of differences(ours, theirs, request, entry.shapes)) {
            found.push(
              `${request.name} (${request.method ?? 'GET'} ${entry.prefix}${request.path}): ${difference}`,
            )
          }
        }
        expect(found).toEqual([])
      }, 30_000)
    }

    it('logged no unhandled error in the Tandem app', async () => {
      expect(servers!.output()).not.toMatch(/Unhandled error|answered 500/)
    })
  })
}
