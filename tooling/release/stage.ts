// Stages a release without touching the working tree: copies the workspace (manifests, changesets,
// and the publishable packages with their built files) into a temporary directory, versions the
// copy (version.ts: the first release included), and packs each publishable package there with
// `pnpm pack`, which rewrites `workspace:` and `catalog:` ranges as `pnpm publish` does. Each
// tarball is then read back and checked (tarball.ts).
//
// `stageRelease` is `pnpm release --dry-run`; `packPackages`, the packing and checking alone, is
// also what the install test (tooling/install-test) uses to pack the packages at their current versions.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { inspectTarball, type TarballReport } from './tarball.ts'
import { type VersionResult, versionPackages } from './version.ts'
import { publishablePackages, run, type WorkspacePackage, workspacePackages } from './workspace.ts'

export interface StageOptions {
  /** Where the tarballs go (default: a temporary directory, removed by `cleanup()`). */
  outDir?: string
  /** Show changesets' and pnpm's output as they run. */
  verbose?: boolean
  log?: (line: string) => void
}

export interface StagedRelease {
  /** What versioning the copy did. */
  version: VersionResult
  /** One per publishable package, in workspace order. */
  tarballs: PackedPackage[]
  outDir: string
  /** Removes the temporary copy (and the tarballs, unless `outDir` was given). */
  cleanup(): void
}

/** Directories never copied into the copy (caches). */
const SKIPPED = new Set(['.turbo', '.vite', '.cache', 'coverage'])

/** Fails with a clear message when a package's `files` are missing: it must be built first. */
export function assertBuilt(pkg: WorkspacePackage): void {
  for (const entry of (pkg.manifest.files ?? []) as string[]) {
    // A glob, or the changelog (written by `release:version`, absent before a package's first release).
    if (/[*?{[!]/.test(entry) || entry === 'CHANGELOG.md') continue
    if (!existsSync(join(pkg.dir, entry))) {
      throw new Error(`${pkg.name}: ${pkg.path}/${entry} is missing: build it first (pnpm build)`)
    }
  }
}

/** The tarball name `pnpm pack` gives a package: `@tandem/core@0.1.0` -> `tandem-core-0.1.0.tgz`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`
}

export interface PackOptions {
  /** Require a CHANGELOG.md with the package's version at its top (a release does; the install test not). */
  changelog?: boolean
  verbose?: boolean
}

export interface PackedPackage extends TarballReport {
  /** The first lines of the package's CHANGELOG.md, up to its previous version ('' without one). */
  changelogHead: string
}

/** The top of `<dir>/CHANGELOG.md`: its title and the newest version's entry (at most 12 lines). */
export function changelogHead(dir: string): string | undefined {
  const file = join(dir, 'CHANGELOG.md')
  if (!existsSync(file)) return undefined
  const lines = readFileSync(file, 'utf8').split('\n')
  const headings = lines.flatMap((line, index) => (/^## /.test(line) ? [index] : []))
  const end = Math.min(headings[1] ?? lines.length, 12)
  return lines.slice(0, end).join('\n').trimEnd()
}

/**
 * Packs every publishable package of the workspace at `root` into `outDir` with `pnpm pack` (which
 * writes nothing but the tarball), and reads each tarball back (tarball.ts) to check it.
 */
export async function packPackages(
  root: string,
  outDir: string,
  options: PackOptions = {},
): Promise<PackedPackage[]> {
  const packages = publishablePackages(root)
  for (const pkg of packages) assertBuilt(pkg)
  const versions = Object.fromEntries(packages.map((pkg) => [pkg.name, pkg.version]))
  mkdirSync(outDir, { recursive: true })
  return mapLimit(packages, 2, async (pkg) => {
    const file = join(outDir, tarballName(pkg.name, pkg.version))
    await run('pnpm', ['pack', '--out', file], { cwd: pkg.dir, inherit: options.verbose })
    const report = inspectTarball(file, versions)
    if (report.name !== pkg.name || report.version !== pkg.version) {
      report.problems.push(`packed as ${report.name}@${report.version}, expected ${pkg.name}@${pkg.version}`)
    }
    const head = changelogHead(pkg.dir)
    if (options.changelog) {
      if (head === undefined) report.problems.push(`no CHANGELOG.md in ${pkg.path}`)
      else if (!head.split('\n').includes(`## ${pkg.version}`)) {
        report.problems.push(`${pkg.path}/CHANGELOG.md does not start with a "## ${pkg.version}" entry`)
      }
    }
    return { ...report, changelogHead: head ?? '' }
  })
}

/**
 * Versions a temporary copy of the workspace at `root` (its changesets, first releases included) and
 * packs its publishable packages: the tarballs `pnpm release` would publish. Changeset files that
 * cannot be read are set aside in the copy and listed in `version.invalid` (the real versioning
 * refuses them).
 */
export async function stageRelease(root: string, options: StageOptions = {}): Promise<StagedRelease> {
  const log = options.log ?? (() => {})
  const publishable = publishablePackages(root)
  if (publishable.length === 0) throw new Error(`no publishable package in ${root}`)
  for (const pkg of publishable) assertBuilt(pkg)

  const copy = mkdtempSync(join(tmpdir(), 'tandem-release-'))
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'tandem-tarballs-'))
  const cleanup = () => {
    rmSync(copy, { recursive: true, force: true })
    if (!options.outDir) rmSync(outDir, { recursive: true, force: true })
  }
  try {
    copyWorkspace(root, copy)
    log(`workspace copied to ${copy}`)
    const gitDir = join(root, '.git')
    const version = await versionPackages(copy, {
      ...(existsSync(join(gitDir, 'HEAD')) ? { gitDir } : {}),
      ...(options.verbose ? { verbose: true } : {}),
      invalid: 'set-aside',
      log,
    })
    const tarballs = await packPackages(copy, outDir, {
      changelog: true,
      ...(options.verbose ? { verbose: true } : {}),
    })
    return { version, tarballs, outDir, cleanup }
  } catch (error) {
    cleanup()
    throw error
  }
}

/**
 * Copies what versioning and packing read: the root manifest, pnpm-workspace.yaml, .npmrc, the
 * changesets and every package manifest (changesets reads them all), and the publishable packages
 * whole, built files included. Their node_modules entries are pnpm's relative symlinks, copied as
 * they are: a sibling package (`../../../core`) resolves to the copy, whose version is the new one,
 * and the root `node_modules` is a link to the real one. Nothing in the working tree is written.
 */
function copyWorkspace(root: string, copy: string): void {
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.npmrc']) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(copy, file))
  }
  cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true })
  // The copy is versioned with the repository's git directory (read-only look-ups of the commits
  // that added changesets): never let changesets commit there.
  const configFile = join(copy, '.changeset', 'config.json')
  const config = JSON.parse(readFileSync(configFile, 'utf8'))
  writeFileSync(configFile, `${JSON.stringify({ ...config, commit: false }, null, 2)}\n`)
  // A changelog module given by a relative path (ours: tooling/release/changelog.ts) comes along.
  const changelog = Array.isArray(config.changelog) ? config.changelog[0] : config.changelog
  if (typeof changelog === 'string' && changelog.startsWith('.')) {
    const source = resolve(root, '.changeset', changelog)
    const target = join(copy, relative(root, source))
    mkdirSync(dirname(target), { recursive: true })
    cpSync(source, target)
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(copy, 'node_modules'))

  for (const pkg of workspacePackages(root)) {
    const target = join(copy, pkg.path)
    if (pkg.private) {
      mkdirSync(target, { recursive: true })
      cpSync(join(pkg.dir, 'package.json'), join(target, 'package.json'))
      continue
    }
    cpSync(pkg.dir, target, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => {
        const name = relative(pkg.dir, source).split('/').pop() ?? ''
        return !SKIPPED.has(name)
      },
    })
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
