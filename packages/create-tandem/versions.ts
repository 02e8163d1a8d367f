/**
 * The versions create-tandem writes into a new project, read when it is built (tsup.config.ts bakes
 * them in): each `@tandem/*` package's own version from its package.json, and the tools' versions from
 * the workspace catalog (pnpm-workspace.yaml), the ones this monorepo is tested with.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Versions } from './src/versions.ts'

const packages = join(import.meta.dirname, '..')
const root = join(packages, '..')

const TANDEM = ['core', 'node', 'bun', 'workerd', 'cli'] as const

/** The `catalog:` entries of pnpm-workspace.yaml (one `name: version` per line under `catalog:`). */
export function catalog(text = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')): Map<string, string> {
  const entries = new Map<string, string>()
  let inCatalog = false
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inCatalog = line.startsWith('catalog:')
    const entry = inCatalog && /^\s+(['"]?)([^'"\s:]+)\1:\s*(['"]?)([^'"\s#]+)\3/.exec(line)
    if (entry) entries.set(entry[2]!, entry[4]!)
  }
  return entries
}

export function versions(): Versions {
  const tools = catalog()
  const pinned = (name: string): string => {
    const version = tools.get(name)
    if (!version || !/^\d+\.\d+\.\d+/.test(version))
      throw new Error(`create-tandem: no exact version of ${name} in pnpm-workspace.yaml's catalog.`)
    return version
  }
  const tandem = Object.fromEntries(
    TANDEM.map((name) => {
      const manifest = JSON.parse(readFileSync(join(packages, name, 'package.json'), 'utf8'))
      return [`@tandem/${name}`, `^${manifest.version}`]
    }),
  )
  return {
    ...(tandem as Pick<Versions, `@tandem/${(typeof TANDEM)[number]}`>),
    hono: `^${pinned('hono')}`,
    zod: `^${pinned('zod')}`,
    typescript: `^${pinned('typescript')}`,
    vitest: `^${pinned('vitest')}`,
    '@types/node': `^${pinned('@types/node')}`,
    '@types/bun': `^${pinned('@types/bun')}`,
    esbuild: `^${pinned('esbuild')}`,
    // Exact: the release this monorepo runs its workerd tests on. A workerd release supports the
    // compatibility dates up to its own, and the project's config.capnp uses that date.
    workerd: pinned('workerd'),
  }
}
