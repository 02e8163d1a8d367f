/**
 * `@tandem/cli`: what the `tandem` command is made of, for tools that want the same answers.
 *
 * @example
 * import { findEntry, loadApp, routeLines } from '@tandem/cli'
 * const app = await loadApp(findEntry(undefined, process.cwd()))
 * console.table(routeLines(app))
 */
export { projectDirectory } from './dev.ts'
export { CONVENTIONAL_ENTRIES, findEntry, loadApp, loadEntry, type ServedCall, UsageError } from './entry.ts'
export { formatRoutes, modeOf, type RouteLine, routeLines } from './routes.ts'
export { loadAdapter, type RunOptions, serveOptions } from './run.ts'
export { isWatched, watchSources } from './watch.ts'
