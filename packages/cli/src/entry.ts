import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { App } from '@tandem/core'

/** Where `tandem` looks for the app when no entry is given, in order (relative to the directory). */
export const CONVENTIONAL_ENTRIES = ['src/app.ts', 'app.ts', 'src/main.ts', 'main.ts']

/** A command-line mistake: printed without a stack, the process exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError'
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

/**
 * Imports the entry module and returns its app: the export named `app`, else the default export. A
 * `serve()` call in the module does not listen: the command only inspects the app.
 *
 * @example
 * const app = await loadApp('/srv/shop/src/app.ts')
 */
export async function loadApp(path: string): Promise<App<any, any>> {
  ;(globalThis as Record<symbol, unknown>)[Symbol.for('tandem.inspectOnly')] = true
  const module = (await import(pathToFileURL(path).href)) as { app?: unknown; default?: unknown }
  const app = isApp(module.app) ? module.app : isApp(module.default) ? module.default : undefined
  if (!app) {
    throw new UsageError(
      `tandem: ${path} exports no app. Export it as \`export const app = new App()\` or \`export default app\`.`,
    )
  }
  return app
}
