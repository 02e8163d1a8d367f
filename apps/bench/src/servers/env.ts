/** Where a bench server listens: the harness sets PORT (a free port) and always uses 127.0.0.1. */
export const port = Number(process.env.PORT ?? 3000)
export const hostname = '127.0.0.1'

type FetchHandler = (request: Request) => Response | Promise<Response>

/**
 * Serves a fetch handler where the file runs: `Bun.serve` on Bun (the harness runs a server's file
 * with `bun` when its spec says `runtime: 'bun'`), @hono/node-server on Node.
 */
export async function serveFetch(fetch: FetchHandler): Promise<void> {
  const bun = (globalThis as { Bun?: { serve(options: object): unknown } }).Bun
  if (bun) {
    bun.serve({ port, hostname, fetch })
    return
  }
  const { serve } = await import('@hono/node-server')
  serve({ fetch, port, hostname })
}
