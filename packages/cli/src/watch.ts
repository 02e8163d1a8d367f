// Watching a project's sources for `tandem dev`.
import { type FSWatcher, readdirSync, statSync, watch } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'

/** Directories `tandem dev` never watches (besides every directory whose name starts with a dot). */
export const IGNORED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'coverage'])

/** The files whose change reloads the app: sources and their configuration, not data or logs. */
export const WATCHED_EXTENSIONS = new Set([
  '.ts',
  '.mts',
  '.cts',
  '.tsx',
  '.js',
  '.mjs',
  '.cjs',
  '.jsx',
  '.json',
])

/**
 * Whether a change to `file` (relative to the watched directory) should reload the app: a source
 * file, outside node_modules, dist, build, coverage and dot-directories (.git, .turbo, ...).
 *
 * @example
 * isWatched('src/app.ts')                 // true
 * isWatched('node_modules/hono/index.js') // false
 */
export function isWatched(file: string): boolean {
  const parts = file.split(/[\\/]/)
  const dirs = parts.slice(0, -1)
  if (dirs.some(isIgnoredDirectory)) return false
  return WATCHED_EXTENSIONS.has(extname(parts.at(-1) ?? ''))
}

/**
 * Watches `dir` and everything under it, calling `onChange` with the relative path of each source
 * file that changes (`isWatched`), at most once per `debounce` ms burst with the burst's first file.
 * Uses `fs.watch(dir, { recursive: true })`, or one watcher per directory where that is not available
 * or not reliable (Node on Linux).
 * A directory that cannot be watched (past the system's limit of watches) is reported to `onError`,
 * once. Returns a function that stops watching.
 *
 * @example
 * const stop = watchSources('/srv/shop', (file) => console.log(`${file} changed`))
 */
export function watchSources(
  dir: string,
  onChange: (file: string) => void,
  {
    debounce = 120,
    onError = () => {},
  }: { debounce?: number; onError?: (dir: string, error: Error) => void } = {},
): () => void {
  let reported = false
  const failed = (where: string, error: NodeJS.ErrnoException) => {
    if (reported || error.code === 'ENOENT' || error.code === 'ENOTDIR') return
    reported = true
    onError(where, error)
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  let first: string | undefined
  const changed = (file: string) => {
    if (!isWatched(file)) return
    first ??= file
    clearTimeout(timer)
    timer = setTimeout(() => {
      const name = first!
      first = undefined
      onChange(name)
    }, debounce)
  }
  let stop: () => void
  // Node's recursive watcher on Linux watches each file, and loses one an editor replaces (a save
  // by rename): one watcher per directory sees every change of the files in it.
  if (process.platform === 'linux' && !process.versions.bun) stop = watchEachDirectory(dir, changed, failed)
  else
    try {
      const watcher = watch(dir, { recursive: true }, (_event, file) => {
        if (file) changed(file.toString())
      })
      watcher.on('error', () => {})
      stop = () => watcher.close()
    } catch {
      stop = watchEachDirectory(dir, changed, failed)
    }
  return () => {
    clearTimeout(timer)
    stop()
  }
}

/**
 * One non-recursive watcher per directory; a new directory is watched as it appears, and the files
 * already in it by then count as changed.
 */
function watchEachDirectory(
  root: string,
  changed: (file: string) => void,
  failed: (dir: string, error: NodeJS.ErrnoException) => void,
): () => void {
  const watchers = new Map<string, FSWatcher>()
  const add = (dir: string, isNew = false) => {
    if (watchers.has(dir)) return
    let watcher: FSWatcher
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name) return
        const path = join(dir, name.toString())
        const file = relative(root, path)
        changed(file)
        if (!isIgnoredDirectory(name.toString()) && isDirectory(path)) add(path, true)
      })
    } catch (error) {
      failed(dir, error as NodeJS.ErrnoException)
      return
    }
    watcher.on('error', () => {
      watcher.close()
      watchers.delete(dir)
    })
    watchers.set(dir, watcher)
    let entries: { name: string; isDirectory(): boolean }[] = []
    try {
      entries = readdirSync(dir, { withFileTypes: true })
    } catch {}
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (!entry.isDirectory()) {
        if (isNew) changed(relative(root, path))
      } else if (!isIgnoredDirectory(entry.name)) add(path, isNew)
    }
  }
  add(root)
  return () => {
    for (const watcher of watchers.values()) watcher.close()
    watchers.clear()
  }
}

const isIgnoredDirectory = (name: string) => name.startsWith('.') || IGNORED_DIRECTORIES.has(name)

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * `path` relative to `dir` when it is under it, else as is: for log lines.
 *
 * @example
 * displayPath('/srv/shop/src/app.ts', '/srv/shop') // 'src/app.ts'
 */
export function displayPath(path: string, dir: string): string {
  const rel = relative(dir, path)
  return rel && !rel.startsWith(`..${sep}`) && rel !== '..' ? rel : path
}
