// `pnpm release`: builds and checks every publishable package, packs what is not yet on the
// registry, checks the tarballs, and publishes them (changesets, then git tags).
// `pnpm release --dry-run` (`pnpm release:dry-run`): builds and checks, then versions a temporary
// copy of the workspace and packs every publishable package there, printing what would be
// published; nothing is published and the working tree is left as it is. See docs/releasing.md.
//
// Options: --dry-run, --skip-build (use the packages' current dist/), --out <dir> (keep the dry
// run's tarballs there), --verbose (show changesets' and pnpm's output).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { readChangesets } from './changesets.ts'
import { changelogHead, type PackedPackage, stageRelease } from './stage.ts'
import { formatSize, inspectTarball } from './tarball.ts'
import {
  changesetBin,
  publishablePackages,
  repositoryRoot,
  run,
  UNRELEASED_VERSION,
  type WorkspacePackage,
} from './workspace.ts'

const root = repositoryRoot
const say = (line = '') => console.log(line ? `[release] ${line}` : '')

/** `turbo run build check:package` (publint, attw) for the publishable packages. */
async function buildAndCheck(packages: WorkspacePackage[]): Promise<void> {
  say(`building and checking (publint, attw) ${packages.length} packages`)
  const filters = packages.map((pkg) => `--filter=${pkg.name}`)
  const turbo = join(root, 'node_modules', '.bin', 'turbo')
  await run(turbo, ['run', 'build', 'check:package', ...filters, '--output-logs=errors-only'], {
    cwd: root,
    inherit: true,
  })
}

/** Prints each tarball (name, version, sizes, internal dependencies, changelog head) and its problems. */
function printTarballs(tarballs: PackedPackage[], versions: Record<string, string>): string[] {
  const problems: string[] = []
  const width = Math.max(...tarballs.map((t) => basename(t.file).length))
  say()
  say(
    `${'tarball'.padEnd(width)}  ${'version'.padEnd(8)}  ${'packed'.padStart(9)}  ${'unpacked'.padStart(9)}  files`,
  )
  for (const t of tarballs) {
    say(
      `${basename(t.file).padEnd(width)}  ${t.version.padEnd(8)}  ${formatSize(t.packedSize).padStart(9)}  ` +
        `${formatSize(t.unpackedSize).padStart(9)}  ${t.files}`,
    )
  }
  for (const t of tarballs) {
    say()
    say(`${t.name}@${t.version}`)
    const internal = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
      Object.entries<string>(t.manifest[field] ?? {})
        .filter(([name]) => name in versions)
        .map(([name, range]) => `${name} ${range}${field === 'dependencies' ? '' : ` (${field})`}`),
    )
    if (internal.length) say(`  internal dependencies: ${internal.join(', ')}`)
    if (!t.changelogPacked) say('  note: CHANGELOG.md is not in the tarball (add it to "files" to ship it)')
    for (const line of t.changelogHead.split('\n')) say(`  | ${line}`.trimEnd())
    for (const problem of t.problems) {
      say(`  PROBLEM: ${problem}`)
      problems.push(`${t.name}: ${problem}`)
    }
  }
  return problems
}

async function dryRun(options: { skipBuild: boolean; out?: string; verbose: boolean }): Promise<number> {
  const packages = publishablePackages(root)
  say(`dry run: ${packages.map((pkg) => `${pkg.name}@${pkg.version}`).join(', ')}`)
  if (!options.skipBuild) await buildAndCheck(packages)
  const staged = await stageRelease(root, {
    ...(options.out ? { outDir: options.out } : {}),
    verbose: options.verbose,
    log: (line) => say(line),
  })
  try {
    const { version, tarballs } = staged
    say()
    say('versions (in a temporary copy; the working tree is unchanged):')
    for (const pkg of packages) {
      const next = version.versions[pkg.name]
      say(`  ${pkg.name} ${pkg.version === next ? `${next} (unchanged)` : `${pkg.version} -> ${next}`}`)
    }
    const problems = printTarballs(tarballs, version.versions)
    for (const { file, error } of version.invalid) problems.push(`${file}: ${error}`)
    say()
    say(
      options.out
        ? `tarballs kept in ${staged.outDir}`
        : 'tarballs removed (--out <dir> keeps them); nothing was published',
    )
    if (problems.length > 0) {
      say()
      say(`NOT RELEASABLE: ${problems.length} problem(s):`)
      for (const problem of problems) say(`  - ${problem}`)
      return 1
    }
    say('releasable: `pnpm release:version`, commit, then `pnpm release` publishes these')
    return 0
  } finally {
    staged.cleanup()
  }
}

async function publish(options: { skipBuild: boolean; verbose: boolean }): Promise<number> {
  const packages = publishablePackages(root)
  const unreleased = packages.filter((pkg) => pkg.version === UNRELEASED_VERSION)
  if (unreleased.length > 0) {
    say(`not versioned yet: ${unreleased.map((pkg) => pkg.name).join(', ')} (at ${UNRELEASED_VERSION}).`)
    say('Run `pnpm release:version`, review and commit the result, then `pnpm release`.')
    return 1
  }
  const pending = readChangesets(root)
  if (pending.length > 0) {
    say(`${pending.length} changeset(s) not versioned yet: run \`pnpm release:version\` and commit first.`)
    return 1
  }
  const paths = ['.changeset', ...packages.map((pkg) => pkg.path)]
  const dirty = (await run('git', ['status', '--porcelain', '--', ...paths], { cwd: root })).trim()
  if (dirty) {
    say(`uncommitted changes in what would be published; commit them first:\n${dirty}`)
    return 1
  }
  if (!options.skipBuild) await buildAndCheck(packages)

  const outDir = mkdtempSync(join(tmpdir(), 'tandem-publish-'))
  try {
    // changesets asks the registry which versions are missing and packs those (with `pnpm pack`).
    await run(process.execPath, [changesetBin(root), 'pack', '--out-dir', outDir], {
      cwd: root,
      inherit: true,
    })
    const plan = JSON.parse(readFileSync(join(outDir, 'publish-plan.json'), 'utf8'))
    const releases = (plan.plan as any[][]).flat().filter((release) => release.kind === 'publish')
    if (releases.length === 0) {
      say('nothing to publish: every version is on the registry already')
      return 0
    }
    const versions = Object.fromEntries(packages.map((pkg) => [pkg.name, pkg.version]))
    const tarballs: PackedPackage[] = releases.map((release) => {
      const report = inspectTarball(join(outDir, release.tarball.path), versions)
      const pkg = packages.find((p) => p.name === release.name)!
      const head = changelogHead(pkg.dir)
      if (head === undefined) report.problems.push(`no CHANGELOG.md in ${pkg.path}`)
      else if (!head.split('\n').includes(`## ${pkg.version}`)) {
        report.problems.push(`${pkg.path}/CHANGELOG.md does not start with a "## ${pkg.version}" entry`)
      }
      return { ...report, changelogHead: head ?? '' }
    })
    const problems = printTarballs(tarballs, versions)
    if (problems.length > 0) {
      say()
      say('not publishing: fix the problems above first')
      return 1
    }
    say()
    say(`publishing ${releases.map((r) => `${r.name}@${r.version}`).join(', ')}`)
    await run(process.execPath, [changesetBin(root), 'publish', '--from-pack-dir', outDir], {
      cwd: root,
      inherit: true,
    })
    say('published, and tagged: push the tags with `git push --follow-tags`')
    return 0
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}

const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
})
if (!existsSync(join(root, 'node_modules'))) {
  say('run `pnpm install` first')
  process.exit(1)
}
try {
  const code = values['dry-run']
    ? await dryRun({
        skipBuild: values['skip-build'],
        verbose: values.verbose,
        ...(values.out ? { out: resolve(process.env.INIT_CWD ?? process.cwd(), values.out) } : {}),
      })
    : await publish({ skipBuild: values['skip-build'], verbose: values.verbose })
  process.exit(code)
} catch (error) {
  say(`failed: ${error instanceof Error ? error.message : error}`)
  process.exit(1)
}
