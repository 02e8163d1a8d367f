// `pnpm release:version`: versions the packages and writes their changelogs (changesets), with a
// clean first release for the packages never published.
//
// A package at 0.0.0 has never been published. Its first release is 0.1.0 with a changelog that says
// "Initial release": the changesets written while it was unreleased describe fixes and changes to
// versions nobody received, so they are absorbed into that release rather than listed. Concretely:
//
//   1. the 0.0.0 packages are taken out of every changeset (a changeset naming only them is deleted,
//      one naming a released package too keeps that package and its summary);
//   2. one changeset bumps each of them `minor` (0.0.0 -> 0.1.0);
//   3. `changeset version` applies everything: released packages get their usual entries, internal
//      dependencies are bumped as .changeset/config.json says;
//   4. each first-released package's CHANGELOG.md is written as "## 0.1.0 / Initial release" (without
//      the "Updated dependencies" lines changesets adds for siblings released at the same time).
//
// Run it, review the diff, commit it, then `pnpm release` publishes. `pnpm release --dry-run` runs it
// in a temporary copy of the workspace instead, leaving the working tree as it is.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { absorbIntoFirstRelease, formatChangeset, invalidChangesets, readChangesets } from './changesets.ts'
import {
  changesetBin,
  FIRST_RELEASE_VERSION,
  publishablePackages,
  repositoryRoot,
  run,
  UNRELEASED_VERSION,
} from './workspace.ts'

/** The changeset this script writes for the first releases (consumed by `changeset version`). */
export const FIRST_RELEASE_CHANGESET = 'tandem-first-release'
export const INITIAL_RELEASE_NOTE = 'Initial release'

export interface VersionOptions {
  /** A git directory for changesets' commit look-ups (the repository's, when `root` is a copy). */
  gitDir?: string
  /** Show changesets' output (default: only on failure). */
  verbose?: boolean
  /**
   * What to do with changeset files that cannot be read: `throw` (default, before anything is
   * written), or `set-aside`: delete them and go on (for a throw-away copy: the dry run reports them).
   */
  invalid?: 'throw' | 'set-aside'
  log?: (line: string) => void
}

export interface VersionResult {
  /** Packages released for the first time, at 0.1.0. */
  firstReleases: string[]
  /** Changesets deleted or trimmed because they named first-released packages. */
  removed: string[]
  trimmed: string[]
  /** Every publishable package's version after versioning, by name. */
  versions: Record<string, string>
  /** False when there was nothing to version (no changesets, no unreleased package). */
  versioned: boolean
  /** Changeset files set aside because they cannot be read (with `invalid: 'set-aside'`). */
  invalid: { file: string; error: string }[]
}

export function changelogOfFirstRelease(name: string): string {
  return `# ${name}\n\n## ${FIRST_RELEASE_VERSION}\n\n${INITIAL_RELEASE_NOTE}\n`
}

export async function versionPackages(root: string, options: VersionOptions = {}): Promise<VersionResult> {
  const log = options.log ?? (() => {})
  const invalid = invalidChangesets(root).map(({ file, error }) => ({
    file: relative(root, file),
    error: error.replace(`${file}: `, ''),
  }))
  if (invalid.length > 0) {
    const list = invalid.map(({ file, error }) => `  ${file}: ${error}`).join('\n')
    if (options.invalid !== 'set-aside')
      throw new Error(`changesets that cannot be read (fix them first):\n${list}`)
    for (const { file } of invalid) rmSync(join(root, file))
    log(`set aside, as unreadable:\n${list}`)
  }
  const unreleased = publishablePackages(root).filter((pkg) => pkg.version === UNRELEASED_VERSION)
  const names = new Set(unreleased.map((pkg) => pkg.name))
  const { removed, trimmed } = absorbIntoFirstRelease(root, names)
  if (unreleased.length > 0) {
    const releases = unreleased.map((pkg) => ({ name: pkg.name, type: 'minor' as const }))
    writeFileSync(
      join(root, '.changeset', `${FIRST_RELEASE_CHANGESET}.md`),
      formatChangeset(releases, INITIAL_RELEASE_NOTE),
    )
    log(
      `first release (${UNRELEASED_VERSION} -> ${FIRST_RELEASE_VERSION}): ${[...names].join(', ')}; ` +
        `${removed.length} changesets absorbed, ${trimmed.length} kept for released packages`,
    )
  }

  const pending = readChangesets(root)
  if (pending.length === 0) {
    log('nothing to version: no changesets and no unreleased package')
    return { firstReleases: [], removed, trimmed, versions: currentVersions(root), versioned: false, invalid }
  }

  const env = { ...process.env }
  if (options.gitDir) Object.assign(env, { GIT_DIR: options.gitDir, GIT_WORK_TREE: root })
  await run(process.execPath, [changesetBin(root), 'version'], { cwd: root, env, inherit: options.verbose })

  for (const pkg of unreleased) {
    const manifest = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8'))
    if (manifest.version !== FIRST_RELEASE_VERSION) {
      throw new Error(
        `${pkg.name}: changesets versioned it ${manifest.version}, not ${FIRST_RELEASE_VERSION} (its first release)`,
      )
    }
    writeFileSync(join(pkg.dir, 'CHANGELOG.md'), changelogOfFirstRelease(pkg.name))
  }
  const versions = currentVersions(root)
  const left = Object.entries(versions).filter(([, version]) => version === UNRELEASED_VERSION)
  if (left.length > 0)
    throw new Error(`still at ${UNRELEASED_VERSION} after versioning: ${left.map(([n]) => n)}`)
  if (existsSync(join(root, '.changeset', `${FIRST_RELEASE_CHANGESET}.md`))) {
    throw new Error(`changeset version left .changeset/${FIRST_RELEASE_CHANGESET}.md unconsumed`)
  }
  return { firstReleases: [...names], removed, trimmed, versions, versioned: true, invalid }
}

function currentVersions(root: string): Record<string, string> {
  return Object.fromEntries(publishablePackages(root).map((pkg) => [pkg.name, pkg.version]))
}

if (import.meta.main) {
  const root = repositoryRoot
  try {
    const before = Object.fromEntries(publishablePackages(root).map((pkg) => [pkg.name, pkg.version]))
    const result = await versionPackages(root, {
      verbose: true,
      log: (line) => console.log(`[release] ${line}`),
    })
    if (!result.versioned) process.exit(0)
    console.log('\n[release] versions:')
    for (const [name, version] of Object.entries(result.versions)) {
      const from = before[name]
      console.log(`  ${name} ${from === version ? `${version} (unchanged)` : `${from} -> ${version}`}`)
    }
    console.log(
      '\n[release] Review the diff (package.json versions, CHANGELOG.md files, .changeset/), commit it,',
    )
    console.log('[release] then publish with `pnpm release` (or check first with `pnpm release --dry-run`).')
  } catch (error) {
    console.error(`[release] versioning failed: ${error instanceof Error ? error.message : error}`)
    process.exit(1)
  }
}
