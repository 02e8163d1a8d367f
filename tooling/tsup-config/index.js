// @ts-check
/**
 * The shared build preset: ESM only, `.d.ts` files, sourcemaps, Node 22+/modern runtimes.
 * Every package's tsup.config.ts calls this, so a later switch of bundler touches one file.
 *
 * @example
 * // packages/core/tsup.config.ts
 * import { preset } from '@tandem/tsup-config'
 * export default preset({ entry: { index: 'src/index.ts' } })
 *
 * @param {{ entry: string[] | Record<string, string>, external?: (string | RegExp)[], platform?: 'neutral' | 'node' }} options
 * @returns {import('tsup').Options}
 */
export function preset({ entry, external = [], platform = 'neutral' }) {
  return {
    entry,
    format: ['esm'],
    platform,
    target: 'es2023',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: true,
    minify: false,
    outDir: 'dist',
    external,
  }
}
