import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { App } from '@tandem/core'

/** Where `tandem` looks for the app when no entry is given, in order (relative to the directory). */
export const CONVENTIONAL_ENTRIES = ['src/app.ts', 'app.ts', 'src/main.ts', 'main.ts']

/**
 * A mistake the user can fix (a wrong entry, a missing export, a taken port): printed as one line,
 * without a stack; the process exits with `exitCode` (2 by default, as for a wrong command line).
 *
 * @example
 * throw new UsageError('tandem: the entry src/app.ts does not exist.')
 */
export class UsageError extends Error {
  override name = 'UsageError'
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message)
  }
}

/**
 * The entry module's path: the argument, else `package.json`'s `"tandem": { "entry" }`, else the first
 * conventional file that exists in `cwd`.
 *
 * @example
 * findEntry(undefined, '/srv/shop') // '/srv/shop/src/app.ts'
 */
export function findEntry(argument: string | undefined, cwd: string): string {
  if (argument) {
    const path = isAbsolute(argument) ? argument : resolve(cwd, argument)
    if (!existsSync(path))
      throw new UsageError(`tandem: the entry ${argument} does not exist (looked at ${path}).`)
    return path
  }
  const manifest = join(cwd, 'package.json')
  if (existsSync(manifest)) {
    const entry = (JSON.parse(readFileSync(manifest, 'utf8')) as { tandem?: { entry?: string } }).tandem
      ?.entry
    if (entry) return findEntry(entry, cwd)
  }
  for (const candidate of CONVENTIONAL_ENTRIES) {
    const path = join(cwd, candidate)
    if (existsSync(path)) return path
  }
  throw new UsageError(
    `tandem: no entry given and none found in ${cwd} (looked for ${CONVENTIONAL_ENTRIES.join(', ')}). ` +
      'Name it: tandem routes src/server.ts, or set "tandem": { "entry": "..." } in package.json.',
  )
}

function isApp(value: unknown): value is App<any, any> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as App).routes === 'function' &&
    typeof (value as App).openapi === 'function' &&
    typeof (value as App).fetch === 'function'
  )
}

/** What a `serve(app, options)` call in the entry recorded while tandem imported it (it did not listen). */
export interface ServedCall {
  app: App<any, any>
  options: Record<string, unknown>
}

const INSPECT_ONLY = Symbol.for('tandem.inspectOnly')
const SERVED = Symbol.for('tandem.served')
/** Set while `tandem routes` or `tandem openapi` imports the entry: nothing there will serve. */
const OFFLINE = Symbol.for('tandem.offline')

/**
 * Imports the entry module without letting a `serve()` in it listen, and returns its app (the export
 * named `app`, else the default export, else the app the module passed to `serve()`) and the options
 * of that `serve()` call, if any.
 *
 * @example
 * const { app, served } = await loadEntry('/srv/shop/src/app.ts')
 * served?.options.pool // the pool settings written in the entry
 */
export async function loadEntry(path: string): Promise<{ app: App<any, any>; served?: ServedCall }> {
  const global = globalThis as Record<symbol, unknown>
  global[INSPECT_ONLY] = true
  delete global[SERVED]
  const module = (await import(pathToFileURL(path).href)) as { app?: unknown; default?: unknown }
  const served = global[SERVED] as ServedCall | undefined
  const app = isApp(module.app)
    ? module.app
    : isApp(module.default)
      ? module.default
      : isApp(served?.app)
        ? served.app
        : undefined
  if (!app) {
    throw new UsageError(
      `tandem: ${path} exports no app. Export it as \`export const app = new App()\` or \`export default app\`.`,
    )
  }
  return served && isApp(served.app) ? { app, served } : { app }
}

/**
 * Imports the entry module and returns its app: the export named `app`, else the default export. A
 * `serve()` call in the module does not listen: the command only inspects the app.
 *
 * @example
 * const app = await loadApp('/srv/shop/src/app.ts')
 */
export async function loadApp(path: string): Promise<App<any, any>> {
  // Only inspecting: what the entry would connect to at top level (a NATS scheduler) stays unconnected.
  const global = globalThis as Record<symbol, unknown>
  global[OFFLINE] = true
  try {
    return (await loadEntry(path)).app
  } finally {
    delete global[OFFLINE]
  }
}
