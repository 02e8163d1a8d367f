// The middleware matrix's apps: every case of middleware-cases.ts mounted under its own prefix on a
// Tandem app and on a plain Hono app, with the same routes answering the same things. Each runtime's
// fixture serves both as that runtime serves them (Tandem: its adapter's serve() or `export default
// app`; Hono: @hono/node-server, Bun.serve, `export default app`), and middleware-suite.ts sends the
// same requests to both and compares the answers.
import { App, blocking } from '@tandem/core'
import { Hono, type MiddlewareHandler } from 'hono'
import type { GetConnInfo } from 'hono/conninfo'
import { getContext } from 'hono/context-storage'
import { HTTPException } from 'hono/http-exception'
import { z } from 'zod'
import { type Answer, LARGE, middlewareCases } from './middleware-cases.ts'

export { type MatrixRequest, type MiddlewareCase, middlewareCases } from './middleware-cases.ts'

/** What a runtime's fixture brings: how that runtime's Hono adapter tells the client's address. */
export interface MatrixOptions {
  getConnInfo: GetConnInfo
}

/** How long the slow route takes, in ms (timeout() cases give up before). */
export const SLOW_MS = 400

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const STREAM_TYPE = { 'content-type': 'text/plain; charset=utf-8' }

/** The streamed answer's body, made the same way for both apps. */
function streamed(): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode('one\n'))
      await sleep(5)
      controller.enqueue(encoder.encode('two\n'))
      controller.close()
    },
  })
}

/** What the throwing routes throw. */
const unauthorized = () =>
  new HTTPException(401, {
    res: new Response('Unauthorized', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="matrix"' },
    }),
  })
const teapot = () => new HTTPException(418, { message: "I'm a teapot" })

/** Set by the contextStorage() case's middleware, read by its route through getContext(). */
type Vars = { Variables: { message: string } }

/** The blocking functions of the Tandem app's blocking routes. */
interface Blocking {
  answer: () => unknown
  teapot: () => unknown
}

/** A route of the Tandem app for each kind of answer. */
function tandemRoute(app: App, method: string, path: string, answer: Answer, onWorker: Blocking): void {
  const json = () => ({ ok: true, route: path })
  switch (answer) {
    case 'json':
      app.route(method as 'GET', path, {}, json)
      return
    case 'large':
      app.route(method as 'GET', path, {}, () => LARGE)
      return
    case 'echo':
      app.route(method as 'POST', path, { body: z.object({ text: z.string() }) }, ({ body }) => body)
      return
    case 'async':
      app.route(method as 'GET', path, {}, async () => {
        await sleep(1)
        return json()
      })
      return
    case 'slow':
      app.route(method as 'GET', path, {}, async () => {
        await sleep(SLOW_MS)
        return json()
      })
      return
    case 'context':
      app.route(method as 'GET', path, {}, () => ({ message: getContext<Vars>().var.message }))
      return
    case 'blocking':
      app.route(method as 'GET', path, {}, onWorker.answer)
      return
    case 'throws':
      app.route(method as 'GET', path, {}, () => {
        throw unauthorized()
      })
      return
    case 'throws-blocking':
      app.route(method as 'GET', path, {}, onWorker.teapot)
      return
    case 'stream':
      app.route(method as 'GET', path, {}, () => new Response(streamed(), { headers: STREAM_TYPE }))
  }
}

/** The same route on the Hono app, written as a Hono user writes it. */
function honoRoute(app: Hono, method: string, path: string, answer: Answer): void {
  app.on(method, path, async (c) => {
    switch (answer) {
      case 'json':
        return c.json({ ok: true, route: path })
      case 'blocking':
        return c.json({ ok: true, route: 'blocking' })
      case 'large':
        return c.json(LARGE)
      case 'echo': {
        const { text } = await c.req.json<{ text: string }>()
        return c.json({ text })
      }
      case 'async':
        await sleep(1)
        return c.json({ ok: true, route: path })
      case 'slow':
        await sleep(SLOW_MS)
        return c.json({ ok: true, route: path })
      case 'context':
        return c.json({ message: getContext<Vars>().var.message })
      case 'stream':
        return c.body(streamed(), 200, STREAM_TYPE)
      case 'throws':
        throw unauthorized()
      case 'throws-blocking':
        throw teapot()
    }
  })
}

/**
 * The two apps of the matrix. Tandem's own slash redirects are off (`redirectSlashes: false`): they
 * answer 307 before trailingSlash()'s middleware sees the 404 it redirects (docs/routes.md says so).
 */
export function middlewareApps(options: MatrixOptions): { tandem: App; hono: Hono } {
  const tandem = new App({ title: 'Middleware matrix', redirectSlashes: false, docs: false })
  const hono = new Hono()
  // Blocking routes run on the pool's workers: registered the same, in the same order, in every thread.
  const onWorker: Blocking = {
    answer: blocking(function matrixBlocking() {
      return { ok: true, route: 'blocking' }
    }),
    teapot: blocking(function matrixTeapot(): never {
      throw teapot()
    }),
  }
  for (const entry of middlewareCases) {
    for (const [app, use] of [
      [tandem, (path: string, ...handlers: MiddlewareHandler[]) => tandem.use(path, ...handlers)],
      [hono, (path: string, ...handlers: MiddlewareHandler[]) => hono.use(path, ...handlers)],
    ] as const) {
      entry.mount((path, ...handlers) => void use(`${entry.prefix}${path}`, ...handlers), {
        app,
        getConnInfo: options.getConnInfo,
      })
    }
    for (const [method, path, answer] of entry.routes) {
      tandemRoute(tandem, method, `${entry.prefix}${path}`, answer, onWorker)
      honoRoute(hono, method, `${entry.prefix}${path}`, answer)
    }
  }
  return { tandem, hono }
}
