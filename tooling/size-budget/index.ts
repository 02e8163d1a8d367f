/**
 * The size budget of a published entry: what a user's bundle gets from it, measured as a bundler
 * would make it (esbuild, minified, the entry's peers and dependencies left out), then gzipped. Each
 * package's size test measures its entries against budgets a little above today's figures, so
 * that growth is a decision (a raised budget, in review) rather than an accident.
 *
 * Deterministic: the same `dist/` gives the same bytes (esbuild is pinned, gzip at level 9).
 */
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

/** What to measure. */
export interface SizeCheck {
  /** The package, as the messages name it: `@tandem/core`. */
  name: string
  /** The built entry file, e.g. `<package>/dist/index.js`. */
  entry: string
  /** Left out of the bundle: peers, dependencies, `@tandem/core` for an adapter (`hono/*` patterns allowed). */
  external: string[]
  /** `node` for entries that import Node's modules by bare names (`http`), `neutral` otherwise (default). */
  platform?: 'neutral' | 'node'
  /** The most the bundle may weigh gzipped, in bytes. */
  budget: number
}

/** The figures of one entry, and what is wrong with them if anything. */
export interface SizeResult {
  minified: number
  gzipped: number
  /** One line for the test's output: the figures and the budget. */
  line: string
  /** Set when the gzipped size is over the budget: the package, the size, the budget and what to do. */
  problem?: string
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

/**
 * Bundles `check.entry` (minified, `check.external` left out), gzips it, and compares it with the budget.
 *
 * @example
 * const size = await measureEntry({
 *   name: '@tandem/core',
 *   entry: join(import.meta.dirname, '../dist/index.js'),
 *   external: ['hono', 'hono/*', 'zod'],
 *   budget: 46 * 1024,
 * })
 * console.log(size.line) // @tandem/core: 152.3 KB minified, 42.1 KB gzipped (budget 46.0 KB gzipped)
 * expect(size.problem).toBeUndefined()
 */
export async function measureEntry(check: SizeCheck): Promise<SizeResult> {
  const result = await build({
    entryPoints: [check.entry],
    bundle: true,
    format: 'esm',
    platform: check.platform ?? 'neutral',
    mainFields: ['module', 'main'],
    external: check.external,
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]!.contents
  const minified = code.byteLength
  const gzipped = gzipSync(code, { level: 9 }).byteLength
  const line = `${check.name}: ${kb(minified)} minified, ${kb(gzipped)} gzipped (budget ${kb(check.budget)} gzipped)`
  if (gzipped <= check.budget) return { minified, gzipped, line }
  const problem =
    `${check.name} is ${kb(gzipped)} gzipped (${gzipped} bytes; ${kb(minified)} minified, without ` +
    `${check.external.join(', ')}), over its budget of ${kb(check.budget)} (${check.budget} bytes). ` +
    'Find what grew (esbuild --bundle --minify --analyze on the entry), keep what apps rarely need out of ' +
    'the entry (its own entry or a dynamic import), or raise the budget in the size test, saying why.'
  return { minified, gzipped, line, problem }
}
