// Reads a package tarball (gzipped tar, as `pnpm pack` writes it) without extracting it, and checks
// what a release must hold: a manifest without workspace-only ranges, and internal dependencies on
// the versions released with it.
import { readFileSync, statSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

export interface TarballEntry {
  /** The path inside the package (without the `package/` prefix). */
  path: string
  size: number
  content: Buffer
}

/** The regular files of a `.tgz`. */
export function readTarball(file: string): TarballEntry[] {
  const data = gunzipSync(readFileSync(file))
  const entries: TarballEntry[] = []
  let longName: string | undefined
  for (let offset = 0; offset + 512 <= data.length; ) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0[\s\S]*$/, '')
    const size = Number.parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1) || '0'
    const prefix = field(257, 6).startsWith('ustar') ? field(345, 155) : ''
    const body = data.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0[\s\S]*$/, '')
      continue
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    longName = undefined
    if (type !== '0' && type !== '7') continue
    entries.push({ path: name.replace(/^[^/]+\//, ''), size, content: Buffer.from(body) })
  }
  return entries
}

export interface TarballReport {
  file: string
  name: string
  version: string
  packedSize: number
  unpackedSize: number
  files: number
  manifest: Record<string, any>
  /** Whether CHANGELOG.md is in the tarball (pnpm packs it only when `files` names it). */
  changelogPacked: boolean
  /** What is wrong with it for a release (empty when nothing is). */
  problems: string[]
}

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']

/**
 * Reads and checks the tarball of a package to be released; `released` is every package released
 * with it, by name and version, so internal dependency ranges can be checked against them.
 */
export function inspectTarball(file: string, released: Record<string, string>): TarballReport {
  const entries = readTarball(file)
  const problems: string[] = []
  const byPath = new Map(entries.map((entry) => [entry.path, entry]))
  const manifestEntry = byPath.get('package.json')
  if (!manifestEntry) throw new Error(`${file}: no package/package.json inside`)
  const manifest = JSON.parse(manifestEntry.content.toString('utf8'))

  for (const field of DEPENDENCY_FIELDS) {
    for (const [dependency, range] of Object.entries<string>(manifest[field] ?? {})) {
      if (/^(workspace|catalog|link|file):/.test(range)) {
        problems.push(
          `${field}.${dependency} is "${range}": a workspace-only range left in the published manifest`,
        )
        continue
      }
      const version = released[dependency]
      if (version && field !== 'devDependencies' && !rangeIncludes(range, version)) {
        problems.push(
          `${field}.${dependency} is "${range}", which does not include ${version}, released with it`,
        )
      }
    }
  }

  return {
    file,
    name: manifest.name,
    version: manifest.version,
    packedSize: statSync(file).size,
    unpackedSize: entries.reduce((sum, entry) => sum + entry.size, 0),
    files: entries.length,
    manifest,
    changelogPacked: byPath.has('CHANGELOG.md'),
    problems,
  }
}

/**
 * Whether `range` includes `version`, for the range forms an internal dependency takes once pnpm
 * rewrote `workspace:` (`^1.2.3`, `~1.2.3`, `1.2.3`, `*`): enough to catch a range left behind.
 */
export function rangeIncludes(range: string, version: string): boolean {
  if (range === '*' || range === '') return true
  const parse = (text: string) => text.split('-')[0]!.split('.').map(Number) as [number, number, number]
  const match = /^([\^~]?)(\d+\.\d+\.\d+(?:-[\w.]+)?)$/.exec(range.trim())
  if (!match) return true // another form (>=, ||): left to the registry's resolution
  const [operator, base] = [match[1], match[2]!]
  if (operator === '') return base === version
  const [a, b, c] = parse(base)
  const [x, y, z] = parse(version)
  const atLeast = x > a || (x === a && (y > b || (y === b && z >= c)))
  if (!atLeast) return false
  if (operator === '~') return x === a && y === b
  // ^: the left-most non-zero part stays
  if (a > 0) return x === a
  if (b > 0) return x === 0 && y === b
  return x === 0 && y === 0 && z === c
}

/** `1234567` -> `1.23 MB` (decimal units, as npm prints sizes). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1000 * 1000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1000 / 1000).toFixed(2)} MB`
}
