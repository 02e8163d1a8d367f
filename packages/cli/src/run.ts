// `tandem run`: serves the entry's app with the adapter of the runtime running tandem.
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { App } from '@tandem/core'
import { loadEntry, UsageError } from './entry.ts'

/** What `tandem run` takes from its command line; unset values come from the entry's own `serve()` call. */
export interface RunOptions {
  port?: number
  hostname?: string
  /** Event loops sharing the port (processes; 1 serves in this process). */
  workers?: number
}

/** How long a reload waits for the requests in flight under `tandem dev` (ms). */
export const DEV_SHUTDOWN_TIMEOUT = 1000

type Serve = (app: App<any, any>, options: Record<string, unknown>) => Promise<{ url: string } | undefined>

/**
 * The adapter package that serves on the runtime running tandem.
 *
 * @example
 * adapterName() // '@tandem/node' under node, '@tandem/bun' under bun
 */
export function adapterName(): '@tandem/bun' | '@tandem/node' {
  return process.versions.bun ? '@tandem/bun' : '@tandem/node'
}

/**
 * The `serve()` of the runtime's adapter (`@tandem/bun` on Bun, `@tandem/node` elsewhere), resolved
 * from the entry's project first (so it shares the app's `@tandem/core`), then from `fallbacks`
 * (tandem's own dependencies). Neither: a one-line `UsageError` naming the package to install.
 *
 * @example
 * const serve = await loadAdapter('/srv/shop/src/app.ts')
 * await serve(app, { port: 8000 })
 */
export async function loadAdapter(entryPath: string, fallbacks = [import.meta.url]): Promise<Serve> {
  const name = adapterName()
  let resolved: string | undefined
  for (const from of [entryPath, ...fallbacks]) {
    try {
      resolved = createRequire(from).resolve(name)
      break
    } catch {}
  }
  if (!resolved) {
    const runtime = process.versions.bun ? 'Bun' : 'Node'
    throw new UsageError(
      `tandem: serving on ${runtime} needs ${name}, which is installed neither in ${dirname(entryPath)}'s ` +
        `project nor next to tandem. Install it in your project: npm install ${name}`,
    )
  }
  const module = (await import(pathToFileURL(resolved).href)) as { serve?: Serve }
  if (typeof module.serve !== 'function')
    throw new UsageError(`tandem: ${resolved} exports no serve(); reinstall ${name}.`)
  return module.serve
}

/**
 * The options `tandem run` serves with: the entry's own `serve()` options, then the command line's;
 * the port from the flag, the entry, `PORT`, else 8000; the host from the flag, the entry, else
 * 127.0.0.1. Pool workers load `entryPath` (the user's module, not tandem's).
 *
 * @example
 * serveOptions('/srv/shop/src/app.ts', { pool: { size: 4 } }, { port: 3000 })
 * // { pool: { size: 4 }, port: 3000, hostname: '127.0.0.1', entry: 'file:///srv/shop/src/app.ts' }
 */
export function serveOptions(
  entryPath: string,
  recorded: Record<string, unknown> | undefined,
  options: RunOptions,
  env: Record<string, string | undefined> = process.env,
): Record<string, unknown> {
  const port = options.port ?? (recorded?.port as number | undefined) ?? (Number(env.PORT) || 8000)
  const hostname = options.hostname ?? (recorded?.hostname as string | undefined) ?? '127.0.0.1'
  const merged: Record<string, unknown> = {
    ...recorded,
    port,
    hostname,
    entry: pathToFileURL(entryPath).href,
  }
  const workers = options.workers ?? recorded?.workers
  if (workers !== undefined) merged.workers = workers
  if (env.TANDEM_DEV === '1') {
    // Under `tandem dev` a reload must not wait for an open stream, and one loop serves.
    merged.shutdownTimeout = DEV_SHUTDOWN_TIMEOUT
    merged.workers = 1
  }
  return merged
}

/**
 * Serves the entry's app until SIGTERM or SIGINT (which drain the requests in flight, then exit 0).
 * A taken port is a one-line `UsageError` (exit code 1).
 *
 * @example
 * await runApp('/srv/shop/src/app.ts', { port: 8000, workers: 4 })
 */
export async function runApp(entryPath: string, options: RunOptions): Promise<void> {
  const { app, served } = await loadEntry(entryPath)
  const serve = await loadAdapter(entryPath)
  const merged = serveOptions(entryPath, served?.options, options)
  // The entry is loaded: from here a serve() call listens.
  delete (globalThis as Record<symbol, unknown>)[Symbol.for('tandem.inspectOnly')]
  let server: { url: string } | undefined
  try {
    server = await serve(app, merged)
  } catch (error) {
    if (isAddressInUse(error)) {
      throw new UsageError(
        `tandem: port ${merged.port} on ${merged.hostname} is in use. Stop what uses it, or pick another with --port.`,
        1,
      )
    }
    throw error
  }
  if (process.env.TANDEM_DEV === '1' && process.send) {
    // `tandem dev` waits for this to tell a broken start from a crash.
    process.send({ tandem: 'listening', url: server?.url })
    // A watcher that dies (even by SIGKILL) closes the channel: stop as on SIGTERM, freeing the port.
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
  }
}

/** Whether `error` (or one of its causes) says the address is taken. */
function isAddressInUse(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined; e; ) {
    if (
      e.code === 'EADDRINUSE' ||
      /EADDRINUSE|address already in use|port \d+ in use/i.test(String(e.message))
    )
      return true
    e = e.cause as typeof e
  }
  return false
}
